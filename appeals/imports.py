"""The 12345 hotline's work-order export as an import target (12345工单导入): each row a work order of channel
12345热线, registered and dispatched through appeals.services.appeal_create (the routing rule picks the
responsible unit when the file names none); key 工单编号 (Appeal.source_number), so the next export updates
the orders already in. The preview runs the services in a savepoint rolled back (imports.kit.DryRunTarget)."""
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import is_admin
from accounts.scope import visible_to
from core.services import TRUSTED, delete_object
from imports.kit import DryRunTarget
from imports.targets import FieldType, TargetField
from items.services import item_update_fields, may_create, perform

from . import services
from .models import Appeal, AppealCategory, Channel

UPDATABLE = ("title", "description", "requester_name", "requester_phone", "location", "is_urgent")


class HotlineTarget(DryRunTarget):
    code = "appeals.hotline"
    label = gettext_lazy("12345热线工单")
    model = Appeal
    keys = (("source_number",),)

    @property
    def fields(self):
        categories = tuple((str(c.pk), c.name) for c in AppealCategory.objects.filter(is_active=True).order_by("pk"))
        return (
            TargetField("source_number", gettext_lazy("工单编号"), required=True, synonyms=("工单号", "编号", "受理编号")),
            TargetField("received_at", gettext_lazy("受理时间"), FieldType.DATETIME,
                        synonyms=("来电时间", "登记时间", "派单时间")),
            TargetField("title", gettext_lazy("诉求标题"), required=True, synonyms=("标题", "工单标题", "主题")),
            TargetField("description", gettext_lazy("诉求内容"), FieldType.LONG_TEXT,
                        synonyms=("问题描述", "内容", "来电内容", "工单内容")),
            TargetField("category", gettext_lazy("诉求类别"), FieldType.CHOICE, required=True, choices=categories,
                        synonyms=("问题分类", "类别", "分类", "诉求分类")),
            TargetField("requester_name", gettext_lazy("诉求人"), personal="name", synonyms=("来电人", "姓名", "市民姓名")),
            TargetField("requester_phone", gettext_lazy("联系电话"), FieldType.PHONE, personal="phone",
                        synonyms=("来电号码", "电话", "联系方式")),
            TargetField("location", gettext_lazy("事发地点"), synonyms=("事发地址", "发生地址", "地址", "诉求地址")),
            TargetField("area", gettext_lazy("属地"), FieldType.AREA, synonyms=("所属区划", "所属镇街", "区域")),
            TargetField("lead_unit", gettext_lazy("承办单位"), FieldType.UNIT, synonyms=("责任单位", "办理单位", "处置单位")),
            TargetField("is_urgent", gettext_lazy("是否紧急"), FieldType.BOOLEAN, synonyms=("紧急",)),
        )

    def may_import(self, actor):
        return is_admin(actor) or may_create(actor, owning_body=services.dispatch_body(Channel.HOTLINE))

    def queryset(self, actor):
        return visible_to(actor, Appeal.objects.filter(channel=Channel.HOTLINE))

    def may_change(self, row, actor):
        return is_admin(actor) or may_create(actor, owning_body=row.owning_body)

    def find_existing(self, keys, *, key_fields, actor):
        wanted = {str(k[0]).strip(): k for k in keys}
        return {wanted[a.source_number]: a for a in Appeal.objects.filter(source_number__in=list(wanted))}

    def values_of(self, row, options=None):
        return {"source_number": row.source_number, "received_at": row.created_at, "title": row.title,
                "description": row.description, "category": str(row.category_id), "requester_name": row.requester_name,
                "requester_phone": row.requester_phone, "location": row.location, "area": row.area,
                "lead_unit": row.lead_unit, "is_urgent": row.is_urgent}

    def create_one(self, values, *, actor, batch, options):
        category = AppealCategory.objects.filter(pk=values.get("category")).first()
        appeal = services.appeal_create(
            actor=actor, title=values.get("title") or "", description=values.get("description") or "",
            category=category, channel=Channel.HOTLINE, lead_unit=values.get("lead_unit"), area=values.get("area"),
            dispatch=True, at=values.get("received_at"), source_number=values["source_number"],
            requester_name=values.get("requester_name") or "", requester_phone=values.get("requester_phone") or "",
            location=values.get("location") or "", is_urgent=bool(values.get("is_urgent")))
        perform(appeal, "comment", actor, TRUSTED, note=_("导入新增（%(batch)s）") % {"batch": batch.label},
                data={"batch": batch.number})
        return Appeal.objects.get(pk=appeal.pk)

    def update_one(self, row, changes, *, actor, batch, options, undo=False):
        fixed = [n for n in changes if n not in UPDATABLE]
        if fixed:
            raise ValidationError({n: _("已派出的工单不能通过导入修改“%(label)s”（请走流程：改派、退回）。") % {
                "label": self.field(n).label} for n in fixed})
        changes = {n: (v if v is not None else ("" if n != "is_urgent" else False)) for n, v in changes.items()}
        appeal = item_update_fields(item=Appeal.objects.get(pk=row.pk), actor=actor, expected_version=TRUSTED,
                                    changes=changes)
        note = _("撤销导入，恢复原值（%(batch)s）") if undo else _("导入更新（%(batch)s）")
        perform(appeal, "comment", actor, TRUSTED, note=note % {"batch": batch.label}, data={"batch": batch.number})
        return Appeal.objects.get(pk=row.pk)

    def delete_one(self, row, *, actor, batch):
        delete_object(Appeal.objects.get(pk=row.pk), actor=actor, expected_version=TRUSTED)
