"""Project — 重大重点项目 (抓大引大): an item kind with lists (省大中型 / 市重大重点 / 区重点), stage gates
(签约→注册→供地→开工→竣工/投产), an annual investment plan and monthly cumulative completed investment;
plus the signing events (签约活动) projects come from and the carriers (招商载体) they settle in.

All amounts are Decimal in 万元 (ten thousand yuan). Figures (totals, completion rates, funnels) are never
stored: projects.selectors computes them from these rows. State changes go through projects.services.
"""
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.choices import ColoredChoices, with_colors
from core.models import TimeStampedModel, VersionedModel
from items.models import Item

AMOUNT = {"max_digits": 14, "decimal_places": 2}
NON_NEGATIVE = [MinValueValidator(Decimal("0"), message=_("金额不能为负数。"))]


@with_colors({"provincial": "danger", "city": "warning", "district": "info"})
class ProjectLevel(ColoredChoices):
    PROVINCIAL = "provincial", _("省大中型")
    CITY = "city", _("市重大重点")
    DISTRICT = "district", _("区重点")


class ProjectCategory(models.TextChoices):
    INDUSTRY = "industry", _("产业")
    URBAN = "urban", _("城建")
    LIVELIHOOD = "livelihood", _("民生")
    SOCIAL = "social", _("社会事业")
    OTHER = "other", _("其他")


@with_colors({"signed": "secondary", "registered": "info", "land": "primary", "started": "warning",
              "completed": "success"})
class Stage(ColoredChoices):
    SIGNED = "signed", _("签约")
    REGISTERED = "registered", _("注册")
    LAND = "land", _("供地")
    STARTED = "started", _("开工")
    COMPLETED = "completed", _("竣工/投产")


STAGE_ORDER = [Stage.SIGNED, Stage.REGISTERED, Stage.LAND, Stage.STARTED, Stage.COMPLETED]


class ProjectList(TimeStampedModel):
    """ProjectList — 项目清单: a year's list of one level, e.g. “2023年省大中型项目”. A project may be on several."""

    year = models.PositiveIntegerField(_("年度"))
    level = models.CharField(_("层级"), max_length=20, choices=ProjectLevel.choices)
    name = models.CharField(_("清单名称"), max_length=100)

    scope_public = True  # which lists exist is not confidential; the projects on them are scoped

    class Meta:
        verbose_name = _("项目清单")
        verbose_name_plural = _("项目清单")
        ordering = ["-year", "level", "name"]
        constraints = [models.UniqueConstraint(fields=["year", "level", "name"], name="projectlist_unique",
                                               violation_error_message=_("同一年度同一层级已有同名清单。"))]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("projects:project_list") + f"?list={self.pk}&year={self.year}"


@with_colors({"building": "primary", "factory": "warning", "plot": "success"})
class CarrierKind(ColoredChoices):
    BUILDING = "building", _("楼宇")
    FACTORY = "factory", _("厂房")
    PLOT = "plot", _("地块")


class Carrier(VersionedModel):
    """Carrier — 招商载体: a building, factory or plot offered to investors (“一楼一特色”)."""

    name = models.CharField(_("载体名称"), max_length=100)
    kind = models.CharField(_("载体类型"), max_length=20, choices=CarrierKind.choices)
    area = models.ForeignKey("org.Area", verbose_name=_("所在区划"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="carriers")
    managing_unit = models.ForeignKey("org.Unit", verbose_name=_("管理单位"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="carriers")
    address = models.CharField(_("地址"), max_length=200, blank=True)
    total_area = models.DecimalField(_("总面积（平方米）"), validators=NON_NEGATIVE, **AMOUNT)
    usable_area = models.DecimalField(_("可招商面积（平方米）"), validators=NON_NEGATIVE, **AMOUNT)
    occupied_area = models.DecimalField(_("已入驻面积（平方米）"), validators=NON_NEGATIVE, default=0, **AMOUNT)
    tenants = models.TextField(_("入驻企业"), blank=True)
    theme = models.CharField(_("产业主题"), max_length=100, blank=True, help_text=_("一楼一特色、一村一品"))
    lng = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    lat = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)

    scope_public = True  # the carrier map is shown to every signed-in user (招商 is everyone's work)

    class Meta:
        verbose_name = _("招商载体")
        verbose_name_plural = _("招商载体")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(usable_area__lte=models.F("total_area")),
                                   name="carrier_usable_le_total",
                                   violation_error_message=_("可招商面积不能大于总面积。")),
            models.CheckConstraint(condition=models.Q(occupied_area__lte=models.F("usable_area")),
                                   name="carrier_occupied_le_usable",
                                   violation_error_message=_("已入驻面积不能大于可招商面积。")),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("projects:carrier_detail", args=[self.pk])

    @property
    def utilisation_rate(self):
        """利用率 = 已入驻面积 ÷ 可招商面积 (None when nothing is usable)."""
        if not self.usable_area:
            return None
        return (self.occupied_area / self.usable_area * 100).quantize(Decimal("0.1"))


class Project(Item):
    """Project — 重大重点项目. Its 包保领导 is Item.responsible_leader, its 责任单位 Item.lead_unit."""

    lists = models.ManyToManyField(ProjectList, verbose_name=_("所属清单"), blank=True, related_name="projects")
    category = models.CharField(_("项目类别"), max_length=20, choices=ProjectCategory.choices,
                                default=ProjectCategory.INDUSTRY)
    construction_content = models.TextField(_("建设内容"), blank=True)
    total_investment = models.DecimalField(_("总投资（万元）"), validators=NON_NEGATIVE, default=0, **AMOUNT)
    investor = models.CharField(_("投资主体"), max_length=200, blank=True)
    carrier = models.ForeignKey(Carrier, verbose_name=_("招商载体"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="projects")
    lng = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    lat = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    current_stage = models.CharField(_("当前阶段"), max_length=20, choices=Stage.choices, blank=True)
    image_progress = models.TextField(_("形象进度"), blank=True)
    problems = models.TextField(_("存在问题"), blank=True)

    class Meta:
        verbose_name = _("重大重点项目")
        verbose_name_plural = _("重大重点项目")
        ordering = ["-item_ptr_id"]

    def get_absolute_url(self):
        return reverse("projects:project_detail", args=[self.pk])

    @property
    def stage_index(self):
        return STAGE_ORDER.index(self.current_stage) if self.current_stage else -1


class ProjectStage(models.Model):
    """ProjectStage — 项目阶段: the date a stage gate was passed, with evidence; or why it was skipped."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="stages")
    stage = models.CharField(_("阶段"), max_length=20, choices=Stage.choices)
    date = models.DateField(_("日期"), null=True, blank=True)
    evidence = models.ForeignKey("items.Attachment", verbose_name=_("佐证材料"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    note = models.TextField(_("说明"), blank=True)
    skipped = models.BooleanField(_("跳过"), default=False)
    skip_reason = models.TextField(_("跳过原因"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("项目阶段")
        verbose_name_plural = _("项目阶段")
        ordering = ["project", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["project", "stage"], name="projectstage_unique",
                                    violation_error_message=_("该阶段已记录。")),
            models.CheckConstraint(condition=models.Q(skipped=True) | models.Q(date__isnull=False),
                                   name="projectstage_date_unless_skipped",
                                   violation_error_message=_("请填写该阶段的日期。")),
            models.CheckConstraint(condition=models.Q(skipped=False) | ~models.Q(skip_reason=""),
                                   name="projectstage_skip_has_reason",
                                   violation_error_message=_("跳过阶段必须说明原因。")),
        ]

    def __str__(self):
        return f"{self.get_stage_display()} {self.date or ''}"


class AnnualPlan(TimeStampedModel):
    """AnnualPlan — 年度计划投资 of one project in one year (万元)."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="plans")
    year = models.PositiveIntegerField(_("年度"))
    planned_amount = models.DecimalField(_("年度计划投资（万元）"), validators=NON_NEGATIVE, **AMOUNT)

    class Meta:
        verbose_name = _("年度投资计划")
        verbose_name_plural = _("年度投资计划")
        ordering = ["project", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["project", "year"], name="annualplan_unique",
                                    violation_error_message=_("该项目该年度已有投资计划。")),
            models.CheckConstraint(condition=models.Q(planned_amount__gte=0), name="annualplan_non_negative",
                                   violation_error_message=_("金额不能为负数。")),
        ]
        indexes = [models.Index(fields=["year", "project"], name="annualplan_year_project")]

    def __str__(self):
        return f"{self.year}年 {self.planned_amount}万元"


class InvestmentReport(models.Model):
    """InvestmentReport — 月度投资完成情况: the cumulative completed investment of the year up to a month (万元).

    A figure lower than the previous month's is a correction (e.g. 统计口径调整): it needs a correction note
    and is flagged, so the drop stays visible in the history."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE,
                                related_name="investment_reports")
    year = models.PositiveIntegerField(_("年度"))
    month = models.PositiveSmallIntegerField(_("月份"), validators=[MinValueValidator(1), MaxValueValidator(12)])
    cumulative_amount = models.DecimalField(_("年度累计完成投资（万元）"), validators=NON_NEGATIVE, **AMOUNT)
    note = models.TextField(_("说明"), blank=True)
    is_correction = models.BooleanField(_("更正"), default=False)
    correction_note = models.TextField(_("更正说明"), blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("填报人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    reported_at = models.DateTimeField(_("填报时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("月度投资完成情况")
        verbose_name_plural = _("月度投资完成情况")
        ordering = ["project", "year", "month"]
        constraints = [
            models.UniqueConstraint(fields=["project", "year", "month"], name="investmentreport_unique",
                                    violation_error_message=_("该项目该月份已填报。")),
            models.CheckConstraint(condition=models.Q(cumulative_amount__gte=0), name="investmentreport_non_negative",
                                   violation_error_message=_("金额不能为负数。")),
            models.CheckConstraint(condition=models.Q(month__gte=1, month__lte=12), name="investmentreport_month",
                                   violation_error_message=_("月份应在1至12之间。")),
            models.CheckConstraint(condition=models.Q(is_correction=False) | ~models.Q(correction_note=""),
                                   name="investmentreport_correction_note",
                                   violation_error_message=_("更正数据必须填写更正说明。")),
        ]
        # the roll-up: "latest month ≤ M of year Y for each project"
        indexes = [models.Index(fields=["project", "year", "month"], name="invreport_project_year_month")]

    def __str__(self):
        return f"{self.year}年{self.month}月 累计{self.cumulative_amount}万元"


@with_colors({"concentrated": "primary", "expo": "info", "forum": "warning"})
class SigningEventKind(ColoredChoices):
    CONCENTRATED = "concentrated", _("集中签约")
    EXPO = "expo", _("展会")
    FORUM = "forum", _("恳谈会")


class SigningEvent(VersionedModel):
    """SigningEvent — 签约活动: a 集中签约 / 展会 / 恳谈会 at which projects were signed."""

    name = models.CharField(_("活动名称"), max_length=200)
    kind = models.CharField(_("活动类型"), max_length=20, choices=SigningEventKind.choices)
    date = models.DateField(_("活动日期"))
    place = models.CharField(_("地点"), max_length=200, blank=True)
    owning_body = models.ForeignKey("org.Body", verbose_name=_("组织机构"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="signing_events")
    note = models.TextField(_("说明"), blank=True)
    projects = models.ManyToManyField(Project, through="SignedProject", verbose_name=_("签约项目"),
                                      related_name="signing_events", blank=True)

    scope_public = True  # signing events are announced publicly; their projects stay scoped

    class Meta:
        verbose_name = _("签约活动")
        verbose_name_plural = _("签约活动")
        ordering = ["-date", "pk"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("projects:event_detail", args=[self.pk])


class SignedProject(models.Model):
    """A project signed at an event, with the signed amount (签约金额, 万元)."""

    event = models.ForeignKey(SigningEvent, verbose_name=_("签约活动"), on_delete=models.CASCADE,
                              related_name="signed")
    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="signings")
    amount = models.DecimalField(_("签约金额（万元）"), validators=NON_NEGATIVE, **AMOUNT)

    class Meta:
        verbose_name = _("签约项目")
        verbose_name_plural = _("签约项目")
        ordering = ["event", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "project"], name="signedproject_unique",
                                    violation_error_message=_("该项目已在本次活动中签约。")),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="signedproject_non_negative",
                                   violation_error_message=_("金额不能为负数。")),
        ]

    def __str__(self):
        return f"{self.project_id} @ {self.event_id}: {self.amount}万元"
