"""作风督查 — supervision: inspections (督查), findings (督查问题, an item kind), 督办单 and 通报.

- Inspection — 督查: a dated visit (现场督导 / 专项检查 / 明察暗访 / 专项督查) by a team to target units and
  items; planned → held → written up. Not an item: it has no owner or deadline of its own.
- InspectionSchedule — the recurring 督查日 (Wednesday by default) from which inspections are planned.
- Finding — 督查问题: an Item of kind "finding" (its own table, multi-table inheritance). Rectified by its
  lead unit with evidence, verified by a supervisor outside that unit, then struck off (销号).
- SupervisionNotice — 督办单: a numbered 公文 (〔2023〕N号) about an item, with a 蓝/黄/红 level.
- RankingFormula — the weights of the unit ranking in a bulletin.
- Bulletin — 通报: a period's figures; published bulletins are frozen (snapshot + the row ids behind
  each figure) and keep their Word and Excel files.
"""
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.choices import ColoredChoices, with_colors
from core.models import TimeStampedModel, VersionedModel
from items.models import Item


class InspectionType(models.TextChoices):
    ONSITE = "onsite", _("现场督导")
    SPECIAL_CHECK = "special_check", _("专项检查")
    UNANNOUNCED = "unannounced", _("明察暗访")
    SPECIAL = "special", _("专项督查")


@with_colors({"planned": "secondary", "held": "primary", "written_up": "success"})
class InspectionState(ColoredChoices):
    PLANNED = "planned", _("已计划")
    HELD = "held", _("已开展")
    WRITTEN_UP = "written_up", _("已成文")


class Inspection(VersionedModel):
    """Inspection — 督查: one 督查日 visit (or a special one), its team, targets, record and photos."""

    date = models.DateField(_("督查日期"), db_index=True)
    type = models.CharField(_("督查方式"), max_length=20, choices=InspectionType.choices,
                            default=InspectionType.ONSITE)
    title = models.CharField(_("督查主题"), max_length=200)
    state = models.CharField(_("状态"), max_length=20, choices=InspectionState.choices,
                             default=InspectionState.PLANNED)
    team = models.ManyToManyField("org.Person", verbose_name=_("督查组成员"), blank=True,
                                  related_name="inspections")
    target_units = models.ManyToManyField("org.Unit", verbose_name=_("督查对象单位"), blank=True,
                                          related_name="inspections")
    target_items = models.ManyToManyField(Item, verbose_name=_("督查事项"), blank=True, related_name="inspections")
    record = models.TextField(_("督查记录"), blank=True)
    schedule = models.ForeignKey("InspectionSchedule", verbose_name=_("督查日安排"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="inspections")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    held_at = models.DateTimeField(_("开展时间"), null=True, blank=True)
    written_up_at = models.DateTimeField(_("成文时间"), null=True, blank=True)

    # A unit sees the inspections that targeted it (明察暗访 only once held: supervision.selectors).
    scope_units = ("target_units",)
    scope_self = ("created_by",)

    class Meta:
        verbose_name = _("督查")
        verbose_name_plural = _("督查")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["state", "date"], name="inspection_state_date")]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.title}"

    def get_absolute_url(self):
        return reverse("supervision:inspection_detail", args=[self.pk])


class InspectionPhoto(TimeStampedModel):
    """A photo or document of an inspection; checked by content on upload, served only through a
    permission-checked view as an attachment."""

    inspection = models.ForeignKey(Inspection, verbose_name=_("督查"), on_delete=models.CASCADE,
                                   related_name="photos")
    file = models.FileField(_("文件"), upload_to="supervision/inspections/%Y/%m/")
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    caption = models.CharField(_("说明"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("督查照片")
        verbose_name_plural = _("督查照片")
        ordering = ["id"]

    def __str__(self):
        return self.original_name

    @property
    def is_image(self):
        return self.content_type.startswith("image/")


WEEKDAYS = [(0, _("星期一")), (1, _("星期二")), (2, _("星期三")), (3, _("星期四")), (4, _("星期五")),
            (5, _("星期六")), (6, _("星期日"))]


class InspectionSchedule(VersionedModel):
    """The recurring 督查日: every week on `weekday` (Wednesday by default). When that day is not a
    working day (holiday) the inspection moves to the next working day."""

    name = models.CharField(_("名称"), max_length=100, default=_("每周督查日"))
    weekday = models.PositiveSmallIntegerField(_("督查日"), choices=WEEKDAYS, default=2)
    type = models.CharField(_("默认督查方式"), max_length=20, choices=InspectionType.choices,
                            default=InspectionType.ONSITE)
    title_template = models.CharField(_("主题模板"), max_length=100, default=_("%(date)s督查日"),
                                      help_text=_("%(date)s 处填入日期"))
    is_active = models.BooleanField(_("启用"), default=True)
    team = models.ManyToManyField("org.Person", verbose_name=_("默认督查组"), blank=True, related_name="+")

    scope_public = True

    class Meta:
        verbose_name = _("督查日安排")
        verbose_name_plural = _("督查日安排")
        ordering = ["id"]

    def __str__(self):
        return f"{self.name}（{self.get_weekday_display()}）"


class FindingCategory(models.TextChoices):
    PROGRESS = "progress", _("进度滞后")
    CONDUCT = "conduct", _("作风问题")
    QUALITY_SAFETY = "quality_safety", _("质量安全")
    FUNDS = "funds", _("资金")
    OTHER = "other", _("其他")


@with_colors({"minor": "secondary", "serious": "warning", "grave": "danger"})
class Severity(ColoredChoices):
    MINOR = "minor", _("一般")
    SERIOUS = "serious", _("较重")
    GRAVE = "grave", _("严重")


class Finding(Item):
    """Finding — 督查问题: a problem found by an inspection or raised on any item. The rectifying unit is
    the item's lead unit; the rectification deadline counts working days from the day it was found."""

    inspection = models.ForeignKey(Inspection, verbose_name=_("来源督查"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="findings")
    source_item = models.ForeignKey(Item, verbose_name=_("关联事项"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="raised_findings")
    category = models.CharField(_("问题类别"), max_length=20, choices=FindingCategory.choices,
                                default=FindingCategory.OTHER)
    severity = models.CharField(_("严重程度"), max_length=10, choices=Severity.choices, default=Severity.MINOR)
    rectify_person = models.ForeignKey("org.Person", verbose_name=_("整改责任人"), null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="rectifying_findings")
    rectify_workdays = models.PositiveSmallIntegerField(_("整改时限(工作日)"), default=10,
                                                        validators=[MinValueValidator(1)])
    measures = models.TextField(_("整改要求"), blank=True)
    found_on = models.DateField(_("发现日期"), db_index=True)
    rectified_at = models.DateTimeField(_("整改完成时间"), null=True, blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("核验人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    verified_at = models.DateTimeField(_("销号时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("督查问题")
        verbose_name_plural = _("督查问题")
        ordering = ["-item_ptr_id"]

    def get_absolute_url(self):
        return reverse("supervision:finding_detail", args=[self.pk])


@with_colors({"blue": "primary", "yellow": "warning", "red": "danger"})
class NoticeLevel(ColoredChoices):
    BLUE = "blue", _("蓝色督办")
    YELLOW = "yellow", _("黄色督办")
    RED = "red", _("红色督办")


@with_colors({"issued": "secondary", "delivered": "info", "replied": "success"})
class NoticeState(ColoredChoices):
    ISSUED = "issued", _("已签发")
    DELIVERED = "delivered", _("已送达")
    REPLIED = "replied", _("已回复")


class SupervisionNotice(TimeStampedModel):
    """督办单 — a numbered supervision notice about one item (a finding or any red item)."""

    number = models.CharField(_("文号"), max_length=40, unique=True)
    year = models.PositiveIntegerField(_("年度"))
    seq = models.PositiveIntegerField(_("序号"))
    item = models.ForeignKey(Item, verbose_name=_("督办事项"), on_delete=models.PROTECT,
                             related_name="supervision_notices")
    level = models.CharField(_("督办等级"), max_length=10, choices=NoticeLevel.choices)
    level_reason = models.CharField(_("定级依据"), max_length=100, blank=True)
    problem = models.TextField(_("存在问题"))
    measures = models.TextField(_("整改要求"))
    deadline = models.DateField(_("办理时限"), null=True, blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=NoticeState.choices, default=NoticeState.ISSUED)
    file = models.FileField(_("督办单文件"), upload_to="supervision/notices/%Y/", blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("签发人"), null=True,
                                  on_delete=models.SET_NULL, related_name="+")
    issued_on = models.DateField(_("签发日期"))
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    replied_at = models.DateTimeField(_("回复时间"), null=True, blank=True)
    reply = models.TextField(_("回复内容"), blank=True)

    scope_units = ("item__lead_unit", "item__co_units")

    class Meta:
        verbose_name = _("督办单")
        verbose_name_plural = _("督办单")
        ordering = ["-year", "-seq"]
        constraints = [models.UniqueConstraint(fields=["year", "seq"], name="notice_unique_year_seq")]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("supervision:notice_detail", args=[self.pk])


RANKING_PARTS = [
    # (code, label, sign): sign +1 adds to the score, -1 deducts
    ("report_on_time", _("旬报按时报送(次)"), 1),
    ("overdue_items", _("逾期事项(个)"), -1),
    ("findings", _("督查问题(个)"), -1),
    ("rectified_on_time", _("按期整改(个)"), 1),
]


def _weight_field(label):
    return models.DecimalField(label, max_digits=6, decimal_places=2, default=Decimal("1"),
                               validators=[MinValueValidator(Decimal("0"), message=_("权重不能为负数。"))])


class RankingFormula(VersionedModel):
    """The unit ranking's formula: score = base + Σ sign × weight × count. Weights are ≥ 0 and not all 0."""

    name = models.CharField(_("名称"), max_length=100)
    base = models.DecimalField(_("基础分"), max_digits=6, decimal_places=2, default=Decimal("100"))
    w_report_on_time = _weight_field(_("旬报按时报送权重(加分)"))
    w_overdue_items = _weight_field(_("逾期事项权重(扣分)"))
    w_findings = _weight_field(_("督查问题权重(扣分)"))
    w_rectified_on_time = _weight_field(_("按期整改权重(加分)"))
    is_default = models.BooleanField(_("默认公式"), default=False)

    scope_public = True

    class Meta:
        verbose_name = _("排名公式")
        verbose_name_plural = _("排名公式")
        ordering = ["-is_default", "id"]

    def __str__(self):
        return self.name

    def clean(self):
        weights = self.weights()
        negative = [code for code, w in weights.items() if w is not None and w < 0]
        if negative:
            raise ValidationError({f"w_{code}": _("权重不能为负数。") for code in negative})
        if all((w or 0) == 0 for w in weights.values()):
            raise ValidationError(_("权重不能全部为零：至少一项权重须大于零，否则排名没有意义。"))

    def weights(self):
        return {code: getattr(self, f"w_{code}") for code, _label, _sign in RANKING_PARTS}

    def text(self):
        """The formula as one line, shown beside the ranking on the page and in the document."""
        parts = [f"{_fmt(self.base)}"]
        for code, label, sign in RANKING_PARTS:
            w = getattr(self, f"w_{code}")
            if w:
                parts.append(f"{'+' if sign > 0 else '−'} {_fmt(w)}×{label}")
        return _("得分 = ") + " ".join(parts)


def _fmt(value):
    value = Decimal(value)
    return str(value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize())


class PeriodKind(models.TextChoices):
    WEEK = "week", _("周")
    MONTH = "month", _("月")
    CUSTOM = "custom", _("自定义")


@with_colors({"draft": "secondary", "published": "success"})
class BulletinState(ColoredChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")


class Bulletin(VersionedModel):
    """通报 — a period's supervision figures. Drafts are computed live (preview); publishing freezes
    the figures in `snapshot` (with the row ids behind each figure) and stores the Word and Excel files."""

    title = models.CharField(_("标题"), max_length=200)
    period_kind = models.CharField(_("期间类型"), max_length=10, choices=PeriodKind.choices,
                                   default=PeriodKind.MONTH)
    start = models.DateField(_("起始日期"))
    end = models.DateField(_("截止日期"))
    formula = models.ForeignKey(RankingFormula, verbose_name=_("排名公式"), on_delete=models.PROTECT,
                                related_name="bulletins")
    state = models.CharField(_("状态"), max_length=10, choices=BulletinState.choices, default=BulletinState.DRAFT)
    number = models.CharField(_("文号"), max_length=40, blank=True)
    year = models.PositiveIntegerField(_("年度"), null=True, blank=True)
    seq = models.PositiveIntegerField(_("序号"), null=True, blank=True)
    snapshot = models.JSONField(_("冻结数据"), default=dict, blank=True)
    docx = models.FileField(_("通报文件"), upload_to="supervision/bulletins/%Y/", blank=True)
    xlsx = models.FileField(_("Excel附件"), upload_to="supervision/bulletins/%Y/", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发布人"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)

    # Published bulletins go to every unit; drafts only to supervisors (supervision.selectors).
    scope_public = True

    class Meta:
        verbose_name = _("通报")
        verbose_name_plural = _("通报")
        ordering = ["-end", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gte=models.F("start")), name="bulletin_period_order",
                                   violation_error_message=_("截止日期不能早于起始日期。")),
        ]

    def __str__(self):
        return self.number or self.title

    def get_absolute_url(self):
        return reverse("supervision:bulletin_detail", args=[self.pk])

    @property
    def is_published(self):
        return self.state == BulletinState.PUBLISHED
