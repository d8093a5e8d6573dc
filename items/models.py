"""Item — 事项: anything tracked to closure, in one base table shared by every ledger kind.

Each kind (重点任务, 项目, 诉求, 督查问题 …) extends Item with its own table (multi-table inheritance,
like Wagtail's pages), so "my to-do list", "everything overdue in unit X" and unit rankings are one
query over Item. State changes happen only in items.services.perform(), driven by items.workflow.
"""
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.choices import ColoredChoices, with_colors
from core.models import TimeStampedModel, VersionedModel


class ItemKind(models.TextChoices):
    TASK = "task", _("重点任务")
    PROJECT = "project", _("重大重点项目")
    APPEAL = "appeal", _("诉求工单")
    FINDING = "finding", _("督查问题")
    LIVELIHOOD = "livelihood", _("民生实事")
    LEDGER_ENTRY = "ledger_entry", _("自定义台账")


@with_colors({
    "draft": "secondary", "assigned": "info", "in_progress": "primary", "submitted": "warning",
    "rectified": "warning", "closed": "success", "struck_off": "success", "bounced": "danger",
})
class ItemState(ColoredChoices):
    DRAFT = "draft", _("草稿")
    ASSIGNED = "assigned", _("待签收")
    BOUNCED = "bounced", _("已回退")
    IN_PROGRESS = "in_progress", _("办理中")
    SUBMITTED = "submitted", _("待审核")
    RECTIFIED = "rectified", _("待核验")
    CLOSED = "closed", _("已办结")
    STRUCK_OFF = "struck_off", _("已销号")


OPEN_STATES = (ItemState.ASSIGNED, ItemState.BOUNCED, ItemState.IN_PROGRESS, ItemState.SUBMITTED, ItemState.RECTIFIED)
DONE_STATES = (ItemState.CLOSED, ItemState.STRUCK_OFF)


@with_colors({"red": "danger", "yellow": "warning", "green": "success", "none": "secondary"})
class Light(ColoredChoices):
    RED = "red", _("红灯")
    YELLOW = "yellow", _("黄灯")
    GREEN = "green", _("绿灯")
    NONE = "none", _("无")


@with_colors({"normal": "secondary", "key": "warning", "listed": "danger"})
class SupervisionLevel(ColoredChoices):
    NORMAL = "normal", _("一般")
    KEY = "key", _("重点")
    LISTED = "listed", _("挂牌督办")


class Item(VersionedModel):
    kind = models.CharField(_("台账类别"), max_length=20, choices=ItemKind.choices, db_index=True)
    number = models.CharField(_("编号"), max_length=30, unique=True)
    title = models.CharField(_("标题"), max_length=200)
    description = models.TextField(_("内容"), blank=True)
    owning_body = models.ForeignKey("org.Body", verbose_name=_("所属机构"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="items")
    area = models.ForeignKey("org.Area", verbose_name=_("属地"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="items")
    lead_unit = models.ForeignKey("org.Unit", verbose_name=_("责任单位"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="led_items")
    co_units = models.ManyToManyField("org.Unit", verbose_name=_("配合单位"), blank=True, related_name="co_items")
    responsible_leader = models.ForeignKey("org.Person", verbose_name=_("责任领导"), null=True, blank=True,
                                           on_delete=models.PROTECT, related_name="led_items")
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("经办人"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="assigned_items")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="created_items")
    parent = models.ForeignKey("self", verbose_name=_("上级事项"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    original_due_date = models.DateField(_("原定期限"), null=True, blank=True)
    due_date = models.DateField(_("办理期限"), null=True, blank=True)
    supervision_level = models.CharField(_("督办级别"), max_length=10, choices=SupervisionLevel.choices,
                                         default=SupervisionLevel.NORMAL)
    state = models.CharField(_("状态"), max_length=20, choices=ItemState.choices, default=ItemState.DRAFT)
    light = models.CharField(_("红黄绿灯"), max_length=10, choices=Light.choices, default=Light.NONE)
    light_reason = models.CharField(_("亮灯原因"), max_length=200, blank=True)
    progress_percent = models.PositiveSmallIntegerField(_("完成进度(%)"), default=0)
    last_report_on = models.DateField(_("最近报送旬"), null=True, blank=True,
                                      help_text=_("最近一次旬报所属旬的起始日"))
    assigned_at = models.DateTimeField(_("交办时间"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    scope_units = ("lead_unit", "co_units")
    scope_self = ("assignee", "created_by")
    scope_bodies = ("owning_body",)

    class Meta:
        verbose_name = _("事项")
        verbose_name_plural = _("事项")
        ordering = ["-id"]
        indexes = [
            # to-do list and "overdue by unit": open items of a unit by due date
            models.Index(fields=["lead_unit", "state", "due_date"], name="item_unit_state_due"),
            # light counts per body (selectors.light_counts_by_body: covering and in GROUP BY order) and a
            # dispatcher's "to review" (selectors.todo_for: owning_body IN … AND state = 'submitted')
            models.Index(fields=["owning_body", "light", "state"], name="item_body_light_state"),
            # list filters by state/light, newest first
            models.Index(fields=["state", "light"], name="item_state_light"),
            # the periodic light recomputation and overdue scans
            models.Index(fields=["due_date", "state"], name="item_due_state"),
            # "my items" of the assignee
            models.Index(fields=["assignee", "state"], name="item_assignee_state"),
            models.Index(fields=["kind", "state"], name="item_kind_state"),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    def get_absolute_url(self):
        return reverse("items:item_detail", args=[self.pk])

    @property
    def is_open(self):
        return self.state in OPEN_STATES

    @property
    def specific(self):
        """The kind's own row (KeyTask, Project …) for this item; the Item itself if the kind adds none."""
        from .kinds import kind_model

        model = kind_model(self.kind)
        if model is None or model is Item or isinstance(self, model):
            return self
        return model.objects.get(pk=self.pk)


class ItemAction(models.Model):
    """A row of an item's timeline: who did what, when, from which state to which, with what note."""

    item = models.ForeignKey(Item, verbose_name=_("事项"), on_delete=models.CASCADE, related_name="actions")
    action = models.CharField(_("操作"), max_length=30)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField(_("操作人姓名"), max_length=100, blank=True)
    unit = models.ForeignKey("org.Unit", verbose_name=_("操作单位"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    time = models.DateTimeField(_("时间"), db_index=True)
    from_state = models.CharField(_("原状态"), max_length=20, blank=True)
    to_state = models.CharField(_("新状态"), max_length=20, blank=True)
    note = models.TextField(_("说明"), blank=True)
    reason_code = models.CharField(_("原因"), max_length=50, blank=True)
    data = models.JSONField(_("数据"), default=dict, blank=True)
    request_key = models.CharField(_("请求标识"), max_length=64, null=True, blank=True)

    class Meta:
        verbose_name = _("事项操作记录")
        verbose_name_plural = _("事项操作记录")
        ordering = ["time", "id"]
        constraints = [
            # idempotency: one timeline row per (item, request key)
            models.UniqueConstraint(fields=["item", "request_key"], name="itemaction_unique_request_key"),
        ]
        indexes = [models.Index(fields=["item", "time"], name="itemaction_item_time")]

    def __str__(self):
        return f"{self.item_id} {self.action} {self.time:%Y-%m-%d %H:%M}"


class Attachment(TimeStampedModel):
    """A file on an item's timeline; stored outside the static root and served only through a
    permission check (items.views.attachment_download)."""

    item = models.ForeignKey(Item, verbose_name=_("事项"), on_delete=models.CASCADE, related_name="attachments")
    action = models.ForeignKey(ItemAction, verbose_name=_("操作记录"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="attachments")
    file = models.FileField(_("文件"), upload_to="attachments/%Y/%m/")
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")

    def __str__(self):
        return self.original_name


class ProgressReport(models.Model):
    """旬报 — one progress report per item per 旬 (dekad: 1–10, 11–20, 21–month end)."""

    item = models.ForeignKey(Item, verbose_name=_("事项"), on_delete=models.CASCADE, related_name="reports")
    period_start = models.DateField(_("所属旬起始日"))
    percent = models.PositiveSmallIntegerField(_("完成进度(%)"))
    narrative = models.TextField(_("进展情况"))
    problems = models.TextField(_("存在问题"), blank=True)
    next_steps = models.TextField(_("下步计划"), blank=True)
    figures = models.JSONField(_("数据"), default=dict, blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("报送人"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    reported_at = models.DateTimeField(_("报送时间"))
    is_late = models.BooleanField(_("逾期报送"), default=False)

    class Meta:
        verbose_name = _("旬报")
        verbose_name_plural = _("旬报")
        ordering = ["-period_start"]
        constraints = [models.UniqueConstraint(fields=["item", "period_start"], name="report_one_per_period",
                                               violation_error_message=_("本旬已报送过进展。"))]
        indexes = [models.Index(fields=["period_start", "item"], name="report_period_item")]

    def __str__(self):
        return f"{self.item_id} {self.period_start} {self.percent}%"


class Instruction(models.Model):
    """批示 — a leader's instruction on an item: it asks for a reply by a date; its follow-through is measured."""

    item = models.ForeignKey(Item, verbose_name=_("事项"), on_delete=models.CASCADE, related_name="instructions")
    leader = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("批示领导"), on_delete=models.PROTECT,
                               related_name="+")
    text = models.TextField(_("批示内容"))
    reply_due = models.DateField(_("回复期限"))
    created_at = models.DateTimeField(_("批示时间"))
    reply = models.TextField(_("回复内容"), blank=True)
    replied_at = models.DateTimeField(_("回复时间"), null=True, blank=True)
    replied_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("回复人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("领导批示")
        verbose_name_plural = _("领导批示")
        ordering = ["-created_at"]

    def __str__(self):
        return self.text[:30]


@with_colors({"pending": "warning", "approved": "success", "rejected": "danger"})
class RequestStatus(ColoredChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已同意")
    REJECTED = "rejected", _("不同意")


class ExtensionRequest(models.Model):
    """延期申请 — keeps the original and the requested due date; approval moves Item.due_date only."""

    item = models.ForeignKey(Item, verbose_name=_("事项"), on_delete=models.CASCADE, related_name="extensions")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("申请人"), on_delete=models.PROTECT,
                                     related_name="+")
    requested_at = models.DateTimeField(_("申请时间"))
    current_due = models.DateField(_("原期限"))
    requested_due = models.DateField(_("申请延至"))
    reason = models.TextField(_("申请理由"))
    status = models.CharField(_("审批状态"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("审批人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.TextField(_("审批意见"), blank=True)

    class Meta:
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")
        ordering = ["-requested_at"]

    def __str__(self):
        return f"{self.item_id} → {self.requested_due}"


class WorkCalendarDay(models.Model):
    """工作日历 exception: a public holiday on a weekday, or a 调休 make-up working day on a weekend.
    Days not listed follow the weekday rule (Mon–Fri work). Seeded from chinese-calendar; editable."""

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("是否工作日"))
    name = models.CharField(_("说明"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("工作日历")
        verbose_name_plural = _("工作日历")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {'班' if self.is_workday else '休'} {self.name}"


class Notification(models.Model):
    """In-app inbox row; e-mail goes out as a daily digest per user (items.notifications)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("接收人"), on_delete=models.CASCADE,
                             related_name="notifications")
    item = models.ForeignKey(Item, verbose_name=_("事项"), null=True, blank=True, on_delete=models.CASCADE,
                             related_name="notifications")
    verb = models.CharField(_("类型"), max_length=30)
    text = models.CharField(_("内容"), max_length=300)
    created_at = models.DateTimeField(_("时间"), db_index=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_unread")]

    def __str__(self):
        return self.text


class ReminderDigest(models.Model):
    """The daily e-mail digest a user was sent (one per user and day): a second run of the job the same day,
    or its retry after a failure half-way, sends nobody a second digest."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("接收人"), on_delete=models.CASCADE,
                             related_name="+")
    day = models.DateField(_("日期"))
    sent_at = models.DateTimeField(_("发送时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("提醒邮件")
        verbose_name_plural = _("提醒邮件")
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="reminder_digest_once_a_day")]

    def __str__(self):
        return f"{self.user_id} {self.day}"


class NumberSequence(models.Model):
    """The last number given per (prefix, year), locked while a new number is taken: RW-2024-0012."""

    prefix = models.CharField(max_length=10)
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prefix", "year"], name="numbersequence_unique")]

    def __str__(self):
        return f"{self.prefix}-{self.year}: {self.last}"
