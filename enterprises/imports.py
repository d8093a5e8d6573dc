"""The enterprise database as an import target (企业库导入): key 统一社会信用代码, every row through the edit
page's form (EnterpriseForm) and enterprises.services — a file of the 扫楼扫街 survey updates the enterprises
already registered and adds the others."""
from django.utils.translation import gettext_lazy as _

from accounts.scope import can, has_model_permission, visible_to
from core.validators import normalize_credit_code
from imports.kit import TRUSTED, FormTarget
from imports.targets import FieldType, TargetField

from . import services
from .forms import EnterpriseForm
from .models import INDUSTRIES, Enterprise, EnterpriseScale


class EnterpriseTarget(FormTarget):
    code = "enterprises.enterprise"
    label = _("企业库")
    model = Enterprise
    form_class = EnterpriseForm
    keys = (("credit_code",),)
    fields = (
        TargetField("credit_code", _("统一社会信用代码"), required=True, synonyms=("信用代码", "社会信用代码", "统一代码")),
        TargetField("name", _("企业名称"), required=True, synonyms=("企业", "单位名称", "名称")),
        TargetField("industry", _("行业"), FieldType.CHOICE, choices=tuple((v, str(lbl)) for v, lbl in INDUSTRIES),
                    synonyms=("所属行业", "行业类别")),
        TargetField("scale", _("规模"), FieldType.CHOICE, choices=tuple(EnterpriseScale.choices),
                    synonyms=("企业规模", "是否规上")),
        TargetField("area", _("所在区划"), FieldType.AREA, required=True, synonyms=("所属区划", "所在村（社区）", "所在镇街", "区划")),
        TargetField("unit", _("属地单位"), FieldType.UNIT, synonyms=("属地", "所属镇街", "服务单位")),
        TargetField("address", _("地址"), synonyms=("企业地址", "注册地址", "经营地址")),
        TargetField("building", _("所在楼宇/载体"), synonyms=("所在楼宇", "楼宇", "载体")),
        TargetField("contact_name", _("联系人"), personal="name", synonyms=("企业联系人", "负责人")),
        TargetField("contact_phone", _("联系电话"), FieldType.PHONE, personal="phone", synonyms=("电话", "手机", "联系方式")),
        TargetField("tags", _("标签")),
    )

    def may_import(self, actor):
        return has_model_permission(actor, Enterprise, "add")

    def queryset(self, actor):
        return visible_to(actor, Enterprise.objects.all())

    def may_change(self, row, actor):
        return can(actor, row, "change")

    def find_existing(self, keys, *, key_fields, actor):
        codes = {normalize_credit_code(k[0]): k for k in keys}
        return {codes[e.credit_code]: e for e in Enterprise.objects.filter(credit_code__in=list(codes))}

    def values_of(self, row, options=None):
        return {f.name: getattr(row, f.name) for f in self.fields}

    def create_one(self, values, *, actor, batch, options):
        return services.enterprise_create(actor=actor, data=values)

    def update_one(self, row, changes, *, actor, batch, options, undo=False):
        return services.enterprise_update(actor=actor, enterprise=row, data=changes, expected_version=TRUSTED)

    def delete_one(self, row, *, actor, batch):
        services.enterprise_delete(actor=actor, enterprise=row, expected_version=TRUSTED)
