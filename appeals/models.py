"""Appeal — 诉求/工单: one ledger for enterprise appeals and citizens' work orders (12345热线, 信访 …).

An Appeal extends items.Item (its number, lead unit, due date, state and timeline live there), so the
to-do list, overdue lists and unit rankings work across ledgers. What only appeals have is here: channel,
category (a tree, each category with its SLA in working days), requester (personal data — masked by
default, see appeals.privacy), location, enterprise, level 区级/市级, outcome, reply, satisfaction,
回访, the public tracking number with its hashed verification code, and the complained-about unit.
"""
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.choices import ColoredChoices, with_colors
from core.models import TimeStampedModel, VersionedModel
from core.validators import validate_id_number, validate_mobile
from items.models import Item, ItemKind


class Channel(ColoredChoices):
    HOTLINE = "hotline", _("12345热线")
    ENTERPRISE = "enterprise", _("企业诉求/政企茶话会")
    HOME_VISIT = "home_visit", _("民情家访")
    PETITION = "petition", _("信访")
    ONLINE = "online", _("网络问政")
    ON_SITE = "on_site", _("现场")
    PORTAL = "portal", _("网上诉求平台")
    OPEN311 = "open311", _("Open311接口")


@with_colors({"district": "primary", "city": "warning"})
class Level(ColoredChoices):
    DISTRICT = "district", _("区级")
    CITY = "city", _("市级")


@with_colors({"solved": "success", "explained": "info", "rejected": "secondary"})
class Outcome(ColoredChoices):
    SOLVED = "solved", _("解决")
    EXPLAINED = "explained", _("解释说明")
    REJECTED = "rejected", _("不予受理")


@with_colors({"satisfied": "success", "basically": "info", "dissatisfied": "danger"})
class Satisfaction(ColoredChoices):
    SATISFIED = "satisfied", _("满意")
    BASICALLY = "basically", _("基本满意")
    DISSATISFIED = "dissatisfied", _("不满意")


class DissatisfactionReason(models.TextChoices):
    SUBJECTIVE = "subjective", _("办理态度或结果不满意（主观原因）")
    OBJECTIVE = "objective", _("诉求超出政策或法律范围（客观原因）")


class ClockStart(models.TextChoices):
    DISPATCH = "dispatch", _("派单时起算")
    ACCEPT = "accept", _("签收时起算")


class AppealCategory(VersionedModel):
    """AppealCategory — 诉求类别: a tree; each category states its SLA in working days."""

    name = models.CharField(_("名称"), max_length=100)
    code = models.SlugField(_("编码"), max_length=50, unique=True,
                            help_text=_("对外编码，Open311 的 service_code"))
    parent = models.ForeignKey("self", verbose_name=_("上级类别"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    description = models.CharField(_("说明"), max_length=300, blank=True)
    sign_days = models.PositiveSmallIntegerField(_("签收时限（工作日）"), null=True, blank=True)
    finish_days = models.PositiveSmallIntegerField(_("办结时限（工作日）"), null=True, blank=True,
                                                   help_text=_("0 表示当日办结（紧急）"))
    clock_start = models.CharField(_("计时起点"), max_length=10, choices=ClockStart.choices,
                                   default=ClockStart.DISPATCH)
    pause_states = models.CharField(_("暂停计时的状态"), max_length=100, blank=True, default="bounced",
                                    help_text=_("事项状态编码，逗号分隔，如 bounced"))
    reply_template = models.TextField(_("答复模板"), blank=True,
                                      help_text=_("可用 {number} {title} {unit} {date} 占位"))
    is_public = models.BooleanField(_("对公众开放"), default=True,
                                    help_text=_("在网上诉求平台和 Open311 中提供"))
    is_active = models.BooleanField(_("启用"), default=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    scope_public = True

    class Meta:
        verbose_name = _("诉求类别")
        verbose_name_plural = _("诉求类别")
        ordering = ["sort_order", "pk"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("appeals:category_edit", args=[self.pk])

    @property
    def has_sla(self):
        return self.finish_days is not None

    @property
    def pause_state_list(self):
        return [s.strip() for s in self.pause_states.split(",") if s.strip()]

    def effective(self, field):
        """The SLA value of this category or, when unset, of its nearest ancestor."""
        node = self
        while node is not None:
            value = getattr(node, field)
            if value not in (None, ""):
                return value
            node = node.parent
        return None


class RoutingRule(TimeStampedModel):
    """RoutingRule — 派单规则: category × area → the suggested lead unit (the most specific rule wins)."""

    category = models.ForeignKey(AppealCategory, verbose_name=_("诉求类别"), on_delete=models.CASCADE,
                                 related_name="routing_rules")
    area = models.ForeignKey("org.Area", verbose_name=_("属地"), null=True, blank=True, on_delete=models.CASCADE,
                             related_name="+", help_text=_("留空表示全区"))
    lead_unit = models.ForeignKey("org.Unit", verbose_name=_("建议责任单位"), on_delete=models.CASCADE, related_name="+")

    scope_public = True

    class Meta:
        verbose_name = _("派单规则")
        verbose_name_plural = _("派单规则")
        constraints = [models.UniqueConstraint(fields=["category", "area"], name="routingrule_unique",
                                               violation_error_message=_("该类别在该属地已有派单规则。"))]

    def __str__(self):
        return f"{self.category} × {self.area or _('全区')} → {self.lead_unit}"

    def get_absolute_url(self):
        return reverse("appeals:routing_edit", args=[self.pk])


class Appeal(Item):
    """Appeal — 诉求/工单 (kind "appeal", numbers SQ-2024-0001)."""

    channel = models.CharField(_("来源渠道"), max_length=20, choices=Channel.choices, db_index=True)
    category = models.ForeignKey(AppealCategory, verbose_name=_("诉求类别"), on_delete=models.PROTECT,
                                 related_name="appeals")
    requester_name = models.CharField(_("诉求人"), max_length=50, blank=True)
    requester_phone = models.CharField(_("联系电话"), max_length=20, blank=True, validators=[validate_mobile])
    requester_id_number = models.CharField(_("身份证号码"), max_length=18, blank=True, validators=[validate_id_number])
    requester_address = models.CharField(_("联系地址"), max_length=200, blank=True)
    location = models.CharField(_("事发地点"), max_length=200, blank=True)
    lng = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    lat = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("企业"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="appeals")
    visit = models.ForeignKey("enterprises.Visit", verbose_name=_("走访记录"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="appeals")
    level = models.CharField(_("事权层级"), max_length=10, choices=Level.choices, default=Level.DISTRICT)
    complained_unit = models.ForeignKey("org.Unit", verbose_name=_("被投诉单位"), null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="complaints_against",
                                        help_text=_("被投诉单位的人员永远看不到诉求人信息"))
    is_urgent = models.BooleanField(_("紧急"), default=False)
    source_number = models.CharField(_("来源工单号"), max_length=50, blank=True, db_index=True,
                                     help_text=_("12345 热线等来源系统的工单编号（导入时按它更新已有工单）"))
    # SLA (deadlines in working days; Item.due_date is the finish deadline, Item.original_due_date the one
    # before any extension)
    sign_due_date = models.DateField(_("签收期限"), null=True, blank=True)
    clock_started_at = models.DateTimeField(_("计时开始"), null=True, blank=True)
    paused_since = models.DateTimeField(_("暂停计时自"), null=True, blank=True)
    paused_workdays = models.PositiveSmallIntegerField(_("累计暂停工作日"), default=0)
    arbitrated = models.BooleanField(_("已仲裁"), default=False)
    # result
    outcome = models.CharField(_("办理结果"), max_length=10, choices=Outcome.choices, blank=True)
    reply = models.TextField(_("答复内容"), blank=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    satisfaction = models.CharField(_("满意度"), max_length=15, choices=Satisfaction.choices, blank=True)
    dissatisfaction_reason = models.CharField(_("不满意原因"), max_length=15, choices=DissatisfactionReason.choices,
                                              blank=True)
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)
    reopened_for_dissatisfaction = models.BooleanField(_("因不满意重办"), default=False)
    follow_up_note = models.TextField(_("回访记录"), blank=True)
    follow_up_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    follow_up_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("回访人"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    # public follow-up: the tracking number is random (numbers do not reveal volume), the code hashed
    tracking_number = models.CharField(_("查询编号"), max_length=20, unique=True, null=True, blank=True)
    verification_hash = models.CharField(_("查询码摘要"), max_length=200, blank=True)
    public_token = models.CharField(_("Open311 token"), max_length=40, unique=True, null=True, blank=True)

    personal_fields = {"requester_name": "name", "requester_phone": "phone", "requester_id_number": "id_number",
                       "requester_address": "text"}

    class Meta:
        verbose_name = _("诉求工单")
        verbose_name_plural = _("诉求工单")
        ordering = ["-item_ptr_id"]
        indexes = [models.Index(fields=["category", "channel"], name="appeal_category_channel")]

    def save(self, *args, **kwargs):
        self.kind = ItemKind.APPEAL
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("appeals:appeal_detail", args=[self.pk])

    @property
    def is_overdue(self):
        return self.is_open and self.due_date is not None and self.due_date < timezone.localdate()

    @property
    def closed_on_time(self):
        if self.closed_at is None or self.due_date is None:
            return None
        return timezone.localtime(self.closed_at).date() <= self.due_date


class Open311ApiKey(TimeStampedModel):
    """Open311ApiKey — Open311 接口密钥: a client that may POST requests (the key itself is stored hashed)."""

    name = models.CharField(_("客户端名称"), max_length=100)
    key_hash = models.CharField(_("密钥摘要"), max_length=64, unique=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("Open311 接口密钥")
        verbose_name_plural = _("Open311 接口密钥")

    def __str__(self):
        return self.name
