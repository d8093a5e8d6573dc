"""ImportBatch — 导入批次: one uploaded file on its way into one ledger (target), with its preview (every bad
cell as an ImportIssue, every change of an existing row as an ImportChange) and, once committed, what undo
needs. ImportMapping — the column mapping remembered per target (header → field)."""
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.choices import ColoredChoices, with_colors
from core.models import VersionedModel


@with_colors({"uploaded": "secondary", "checking": "info", "checked": "primary", "committing": "info",
              "committed": "success", "undone": "dark", "failed": "danger"})
class BatchState(ColoredChoices):
    UPLOADED = "uploaded", _("待确认对应关系")
    CHECKING = "checking", _("检查中")
    CHECKED = "checked", _("已检查")
    COMMITTING = "committing", _("导入中")
    COMMITTED = "committed", _("已导入")
    UNDONE = "undone", _("已撤销")
    FAILED = "failed", _("失败")


class ImportBatch(VersionedModel):
    number = models.CharField(_("批次号"), max_length=30, unique=True)
    target_code = models.CharField(_("导入目标"), max_length=100, db_index=True)
    target_label = models.CharField(_("台账"), max_length=200)
    file = models.FileField(_("文件"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    file_format = models.CharField(_("格式"), max_length=10)
    sheet_name = models.CharField(_("工作表"), max_length=100, blank=True)
    table = models.JSONField(_("表头"), default=dict, blank=True)  # reading.Table.as_dict()
    mapping = models.JSONField(_("列对应"), default=dict, blank=True)  # {"column index": field name}
    options = models.JSONField(_("参数"), default=dict, blank=True)
    state = models.CharField(_("状态"), max_length=20, choices=BatchState.choices, default=BatchState.UPLOADED)
    phase = models.CharField(_("进度说明"), max_length=100, blank=True)
    progress_done = models.PositiveIntegerField(_("已处理行数"), default=0)
    progress_total = models.PositiveIntegerField(_("总行数"), default=0)
    rows_total = models.PositiveIntegerField(_("数据行"), default=0)
    rows_skipped = models.PositiveIntegerField(_("跳过行"), default=0)
    rows_create = models.PositiveIntegerField(_("新增"), default=0)
    rows_update = models.PositiveIntegerField(_("更新"), default=0)
    rows_unchanged = models.PositiveIntegerField(_("无变化"), default=0)
    error_count = models.PositiveIntegerField(_("错误数"), default=0)
    warning_count = models.PositiveIntegerField(_("提示数"), default=0)
    key_fields = models.JSONField(_("关键字段"), default=list, blank=True)
    plan_digest = models.CharField(_("预览摘要"), max_length=64, blank=True)
    created_rows = models.JSONField(_("新增的记录"), default=list, blank=True)  # [[pk, token], …] for undo
    message = models.TextField(_("说明"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    unit = models.ForeignKey("org.Unit", verbose_name=_("上传单位"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    checked_at = models.DateTimeField(_("检查时间"), null=True, blank=True)
    committed_at = models.DateTimeField(_("导入时间"), null=True, blank=True)
    committed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("导入人"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    undone_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    undone_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("撤销人"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")

    # the uploader, and whoever's data scope covers the uploader's unit (their leaders, the administrator)
    scope_units = ("unit",)
    scope_self = ("created_by",)

    class Meta:
        verbose_name = _("导入批次")
        verbose_name_plural = _("导入批次")
        ordering = ["-id"]
        indexes = [models.Index(fields=["target_code", "state"], name="importbatch_target_state")]

    def __str__(self):
        return f"{self.number} {self.original_name}"

    def get_absolute_url(self):
        return reverse("imports:batch_detail", args=[self.pk])

    @property
    def progress_percent(self):
        if not self.progress_total:
            return 0
        return min(100, round(self.progress_done * 100 / self.progress_total))

    @property
    def state_color(self):
        return BatchState.color(self.state)

    @property
    def is_running(self):
        return self.state in (BatchState.CHECKING, BatchState.COMMITTING)


class IssueSeverity(models.TextChoices):
    ERROR = "error", _("错误")
    WARNING = "warning", _("提示")


class ImportIssue(models.Model):
    """A bad cell (or row, or file) of a batch's preview: where, what, why — in Chinese and English."""

    batch = models.ForeignKey(ImportBatch, verbose_name=_("导入批次"), on_delete=models.CASCADE, related_name="issues")
    severity = models.CharField(_("级别"), max_length=10, choices=IssueSeverity.choices, default=IssueSeverity.ERROR)
    sheet = models.CharField(_("工作表"), max_length=100, blank=True)
    row = models.PositiveIntegerField(_("行"), null=True, blank=True)
    column = models.CharField(_("列"), max_length=5, blank=True)  # A, B … AA
    header = models.CharField(_("列名"), max_length=200, blank=True)
    field = models.CharField(_("字段"), max_length=100, blank=True)
    value = models.CharField(_("单元格内容"), max_length=200, blank=True)  # personal data stored masked
    message_zh = models.TextField(_("原因"))
    message_en = models.TextField(_("原因（英文）"), blank=True)

    scope_units = ("batch__unit",)
    scope_self = ("batch__created_by",)

    class Meta:
        verbose_name = _("导入问题")
        verbose_name_plural = _("导入问题")
        ordering = ["batch", "row", "pk"]

    def __str__(self):
        return f"{self.batch_id} {self.row}{self.column}: {self.message_zh}"


class ChangeAction(models.TextChoices):
    CREATE = "create", _("新增")
    UPDATE = "update", _("更新")


class ImportChange(models.Model):
    """A row of the preview (an update: what changes, field by field) and, once committed, what undo puts back
    (`before`, engine values as JSON) and the row's token after the write."""

    batch = models.ForeignKey(ImportBatch, verbose_name=_("导入批次"), on_delete=models.CASCADE,
                              related_name="changes")
    row = models.PositiveIntegerField(_("行"))
    action = models.CharField(_("操作"), max_length=10, choices=ChangeAction.choices)
    object_id = models.BigIntegerField(_("记录ID"), null=True, blank=True)
    key = models.CharField(_("关键字段"), max_length=300, blank=True)
    changes = models.JSONField(_("变化"), default=dict, blank=True)  # {field label: [old, new]} for display
    before = models.JSONField(_("原值"), default=dict, blank=True)  # {field name: JSON engine value}
    token = models.CharField(_("写入后标记"), max_length=64, blank=True)

    scope_units = ("batch__unit",)
    scope_self = ("batch__created_by",)

    class Meta:
        verbose_name = _("导入变化")
        verbose_name_plural = _("导入变化")
        ordering = ["batch", "row"]

    def __str__(self):
        return f"{self.batch_id} {self.row} {self.action}"


class ImportMapping(models.Model):
    """The column mapping remembered for a target: normalised header → field name (last committed wins)."""

    target_code = models.CharField(_("导入目标"), max_length=100, unique=True)
    headers = models.JSONField(_("列名对应"), default=dict)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    scope_public = True  # which header means which field is not confidential

    class Meta:
        verbose_name = _("列对应关系")
        verbose_name_plural = _("列对应关系")

    def __str__(self):
        return self.target_code
