"""Projects and their monthly investment as an import target (重大重点项目推进情况表): the monthly refresh
of the 抓大引大 ledger. Key 项目编号 (an export re-imported) or 项目名称 (an office's own workbook); the batch's
年度 and 月份 say which annual plan and which month's cumulative investment the columns are. Every row goes
through projects.services (project_create, project_update, annual_plan_set, investment_report) — the preview
runs them in a savepoint rolled back (imports.kit.DryRunTarget), so it refuses exactly what the commit would.
"""
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import dispatchable_bodies
from accounts.scope import visible_to
from core.services import TRUSTED, delete_object
from imports.kit import DryRunTarget
from imports.targets import FieldType, TargetField
from items.services import perform
from org.models import Body

from . import services
from .models import AnnualPlan, InvestmentReport, Project, ProjectCategory

MONEY = "万元"


def _bodies(actor=None):
    bodies = Body.objects.filter(mechanism__year=timezone.localdate().year).order_by("pk")
    if not bodies.exists():
        bodies = Body.objects.order_by("-mechanism__year", "pk")
    return bodies


class ProjectTarget(DryRunTarget):
    code = "projects.project"
    label = gettext_lazy("重大重点项目（含月度投资）")
    model = Project
    keys = (("number",), ("title",))
    fields = (
        TargetField("number", gettext_lazy("项目编号"), synonyms=("编号",), template=True),
        TargetField("title", gettext_lazy("项目名称"), required=True, synonyms=("项目", "名称")),
        TargetField("lead_unit", gettext_lazy("责任单位"), FieldType.UNIT, required=True,
                    synonyms=("牵头单位", "责任主体", "主责单位", "属地")),
        TargetField("category", gettext_lazy("项目类别"), FieldType.CHOICE,
                    choices=tuple((v, str(label)) for v, label in ProjectCategory.choices), synonyms=("类别", "项目类型")),
        TargetField("total_investment", gettext_lazy("总投资"), FieldType.DECIMAL, unit=MONEY,
                    synonyms=("项目总投资", "计划总投资")),
        TargetField("planned_amount", gettext_lazy("年度计划投资"), FieldType.DECIMAL, unit=MONEY,
                    synonyms=("年度计划", "计划投资", "本年计划投资", "年计划投资")),
        TargetField("cumulative_amount", gettext_lazy("累计完成投资"), FieldType.DECIMAL, unit=MONEY,
                    synonyms=("完成投资", "累计完成", "年度累计完成投资", "本年累计完成投资")),
        TargetField("construction_content", gettext_lazy("建设内容"), FieldType.LONG_TEXT,
                    synonyms=("建设规模及内容", "主要建设内容")),
        TargetField("investor", gettext_lazy("投资主体"), synonyms=("业主单位", "建设单位", "项目业主")),
        TargetField("image_progress", gettext_lazy("形象进度"), FieldType.LONG_TEXT, synonyms=("项目进展", "进展情况")),
        TargetField("problems", gettext_lazy("存在问题"), FieldType.LONG_TEXT, synonyms=("问题及困难", "存在困难")),
    )

    @property
    def options(self):
        return (
            TargetField("year", gettext_lazy("年度"), FieldType.INTEGER, required=True,
                        help_text=gettext_lazy("年度计划投资和累计完成投资所属的年度")),
            TargetField("month", gettext_lazy("月份"), FieldType.INTEGER,
                        help_text=gettext_lazy("“累计完成投资”一列截至的月份（1–12）")),
            TargetField("owning_body", gettext_lazy("所属机构"), FieldType.CHOICE,
                        choices=tuple((str(b.pk), b.short_name or b.name) for b in _bodies()),
                        help_text=gettext_lazy("新增的项目归哪个专班（机构）")),
        )

    # who

    def may_import(self, actor):
        return dispatchable_bodies(actor, _bodies()).exists()

    def queryset(self, actor):
        return visible_to(actor, Project.objects.all())

    def may_change(self, row, actor):
        return services.may_report(actor, row)

    # reading

    def find_existing(self, keys, *, key_fields, actor):
        name = key_fields[0]
        wanted = {k[0]: k for k in keys}
        found = {}
        for project in Project.objects.filter(**{f"{name}__in": list(wanted)}).order_by("pk"):
            found.setdefault(wanted[getattr(project, name)], project)
        return found

    def values_of(self, row, options=None):
        options = options or {}
        year, month = options.get("year"), options.get("month")
        plan = AnnualPlan.objects.filter(project_id=row.pk, year=year).values_list("planned_amount", flat=True).first()
        report = (InvestmentReport.objects.filter(project_id=row.pk, year=year, month=month)
                  .values_list("cumulative_amount", flat=True).first()) if month else None
        return {"number": row.number, "title": row.title, "lead_unit": row.lead_unit, "category": row.category,
                "total_investment": row.total_investment, "planned_amount": plan, "cumulative_amount": report,
                "construction_content": row.construction_content, "investor": row.investor,
                "image_progress": row.image_progress, "problems": row.problems}

    # writing

    def _options(self, options):
        options = options or {}
        year = options.get("year") or timezone.localdate().year
        return year, options.get("month"), options.get("owning_body")

    def create_one(self, values, *, actor, batch, options):
        year, month, body_pk = self._options(options)
        if values.get("number"):
            raise ValidationError({"number": _("没有编号为“%(n)s”的项目（新增项目的编号由系统生成，请留空）。") % {
                "n": values["number"]}})
        body = _bodies().filter(pk=body_pk).first() if body_pk else None
        if body is None:
            raise ValidationError(_("请在上传时选择新增项目的所属机构（专班）。"))
        if values.get("cumulative_amount") is not None and not month:
            raise ValidationError({"cumulative_amount": _("请在上传时选择“累计完成投资”截至的月份。")})
        project = services.project_create(
            actor=actor, title=values.get("title") or "", owning_body=body, lead_unit=values.get("lead_unit"),
            category=values.get("category") or ProjectCategory.INDUSTRY,
            total_investment=values.get("total_investment") or 0,
            construction_content=values.get("construction_content") or "", investor=values.get("investor") or "",
            image_progress=values.get("image_progress") or "", problems=values.get("problems") or "",
            plan_year=year, planned_amount=values.get("planned_amount"))
        if values.get("cumulative_amount") is not None:
            services.investment_report(actor=actor, project=project, year=year, month=month,
                                       cumulative_amount=values["cumulative_amount"], timeline=False)
        perform(project, "comment", actor, TRUSTED, note=_("导入新增（%(batch)s）") % {"batch": batch.label},
                data={"batch": batch.number})
        return Project.objects.get(pk=project.pk)

    def update_one(self, row, changes, *, actor, batch, options, undo=False):
        year, month, _body = self._options(options)
        fixed = [n for n in ("number", "title", "lead_unit") if n in changes]
        if fixed:
            raise ValidationError({n: _("不能通过导入修改“%(label)s”（请在项目页面办理）。") % {
                "label": self.field(n).label} for n in fixed})
        project = Project.objects.get(pk=row.pk)
        own = {n: (v if v is not None else "") for n, v in changes.items() if n in services.PROJECT_FIELDS}
        if "total_investment" in own and own["total_investment"] == "":
            own["total_investment"] = 0
        if own:
            project = services.project_update(actor=actor, project=project, changes=own, expected_version=TRUSTED)
        if "planned_amount" in changes:
            if changes["planned_amount"] is None:
                plan = AnnualPlan.objects.filter(project_id=project.pk, year=year).first()
                if plan is not None:
                    delete_object(plan, actor=actor)
            else:
                services.annual_plan_set(actor=actor, project=project, year=year,
                                         planned_amount=changes["planned_amount"])
        if "cumulative_amount" in changes:
            if not month:
                raise ValidationError({"cumulative_amount": _("请在上传时选择“累计完成投资”截至的月份。")})
            if changes["cumulative_amount"] is None:
                report = InvestmentReport.objects.filter(project_id=project.pk, year=year, month=month).first()
                if report is not None:
                    delete_object(report, actor=actor)
            else:
                services.investment_report(actor=actor, project=project, year=year, month=month,
                                           cumulative_amount=changes["cumulative_amount"], timeline=False,
                                           correction_note=_("导入更正（%(batch)s）") % {"batch": batch.label})
        note = _("撤销导入，恢复原值（%(batch)s）") if undo else _("导入更新（%(batch)s）")
        perform(project, "comment", actor, TRUSTED, note=note % {"batch": batch.label}, data={"batch": batch.number})
        return Project.objects.get(pk=project.pk)

    def delete_one(self, row, *, actor, batch):
        delete_object(Project.objects.get(pk=row.pk), actor=actor, expected_version=TRUSTED)
