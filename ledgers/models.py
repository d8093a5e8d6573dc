"""自定义台账 — ledgers an administrator defines without code (NetBox's custom fields, as whole ledgers).

    Dictionary 字典 ──< DictionaryEntry          the choices of choice / multi-choice fields (editable)
    LedgerDefinition 台账定义 ──< LedgerField     the ledger and its typed fields (the current state)
                              ──< DefinitionVersion  every saved version, as a snapshot (entries name theirs)
    LedgerEntry(Item) 台账记录                     one row of a ledger: an Item of the ledger's own kind
                                                  ("lg_<code>"), its values in one JSON column `data`
    EntryValue                                    the typed index of an entry's filterable / unique fields

Storage (docs/ledgers.md, bench/ledgers.py): the values live in `LedgerEntry.data` — one JSON object keyed by
the fields' stable keys, read whole for a page, an export or the API. Filtering on two custom fields of a
million entries needs index-only look-ups, which SQLite's JSON1 expression indexes cannot give (the row is
read to evaluate the second condition), so the filterable and unique fields are also written, typed, to
EntryValue (text / number, one row per entry and field, several for a multi-choice): a filter is a chain of
covering-index probes, a uniqueness check one index look-up. Only the services write either (the same
transaction), so the two never disagree.
"""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.choices import ColoredChoices
from core.models import VersionedModel
from items.models import Item

KIND_PREFIX = "lg_"  # an entry's Item.kind: "lg_" + the definition's code


class Dictionary(VersionedModel):
    """字典 — a named list of choices (纠纷类型, 隐患类别 …), edited by the administrator. Entries are never
    deleted while a value may use them: a retired entry is inactive (not offered, still shown)."""

    code = models.SlugField(_("字典代码"), max_length=40, unique=True)
    name = models.CharField(_("字典名称"), max_length=100)
    description = models.CharField(_("说明"), max_length=200, blank=True)

    scope_public = True

    class Meta:
        verbose_name = _("字典")
        verbose_name_plural = _("字典")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("ledgers:dictionary_edit", args=[self.pk])


class DictionaryEntry(models.Model):
    dictionary = models.ForeignKey(Dictionary, verbose_name=_("字典"), on_delete=models.CASCADE,
                                   related_name="entries")
    value = models.CharField(_("值"), max_length=50)
    label = models.CharField(_("名称"), max_length=100)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("字典项")
        verbose_name_plural = _("字典项")
        ordering = ["dictionary", "sort_order", "pk"]
        constraints = [models.UniqueConstraint(fields=["dictionary", "value"], name="dictionaryentry_unique_value",
                                               violation_error_message=_("字典项的值不能重复。"))]

    def __str__(self):
        return self.label


class Workflow(ColoredChoices):
    """Which rows of the workflow table a ledger's entries move through (ledgers.workflow)."""

    REGISTER = "register", _("登记 → 办结")
    SHARED = "shared", _("交办 → 签收 → 办理 → 审核 → 办结")
    RECTIFY = "rectify", _("整改 → 核验 → 销号")


class FieldType(models.TextChoices):
    TEXT = "text", _("文本")
    LONG_TEXT = "long_text", _("长文本")
    INTEGER = "integer", _("整数")
    DECIMAL = "decimal", _("小数/金额")
    DATE = "date", _("日期")
    DATETIME = "datetime", _("日期时间")
    BOOLEAN = "boolean", _("是/否")
    CHOICE = "choice", _("单选（字典）")
    MULTI_CHOICE = "multi_choice", _("多选（字典）")
    UNIT = "unit", _("单位")
    AREA = "area", _("区划")
    PERSON = "person", _("人员")
    PHONE = "phone", _("电话（个人信息）")
    ID_NUMBER = "id_number", _("身份证号码（个人信息）")
    ATTACHMENT = "attachment", _("附件")
    COMPUTED = "computed", _("计算字段（公式）")


class DecimalUnit(models.TextChoices):
    YUAN = "元", _("元")
    WAN = "万元", _("万元")
    YI = "亿元", _("亿元")
    PERCENT = "%", _("%")


class LedgerDefinition(VersionedModel):
    """台账定义 — one ledger defined by an administrator: its name, number prefix, owning body, the label of its
    responsible-unit field, its typed fields, its workflow, whether it owes 旬 reports and its light rule.
    Each save is kept (DefinitionVersion); `schema_version` is the current one."""

    code = models.SlugField(_("台账代码"), max_length=17, unique=True,
                            help_text=_("小写字母和数字，保存后不能修改（用于网址和接口）"))
    name = models.CharField(_("台账名称"), max_length=100)
    description = models.TextField(_("说明"), blank=True)
    prefix = models.CharField(_("编号前缀"), max_length=6, help_text=_("大写字母，如 MD → MD-2024-0001"))
    owning_body = models.ForeignKey("org.Body", verbose_name=_("所属机构"), on_delete=models.PROTECT,
                                    related_name="ledger_definitions")
    unit_label = models.CharField(_("责任单位字段名称"), max_length=30, default="责任单位",
                                  help_text=_("如：责任单位、调解组织、整改单位、包联单位"))
    title_field = models.CharField(_("标题字段"), max_length=30, blank=True,
                                   help_text=_("哪个文本字段作为记录的标题（用于列表、搜索）"))
    workflow = models.CharField(_("流程"), max_length=10, choices=Workflow.choices, default=Workflow.REGISTER)
    dekad_reports = models.BooleanField(_("每旬报送进展"), default=False)
    due_field = models.CharField(_("期限字段"), max_length=30, blank=True,
                                 help_text=_("哪个日期字段是办理期限（红黄绿灯：逾期红灯）"))
    yellow_days = models.PositiveSmallIntegerField(_("临期黄灯（工作日）"), null=True, blank=True,
                                                   help_text=_("期限前多少个工作日亮黄灯；空则用系统默认"))
    is_active = models.BooleanField(_("启用"), default=True)
    schema_version = models.PositiveIntegerField(_("定义版本"), default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    scope_public = True  # every signed-in user may read a definition (the rows are scoped, not the schema)

    class Meta:
        verbose_name = _("台账定义")
        verbose_name_plural = _("台账定义")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("ledgers:definition_edit", args=[self.pk])

    @property
    def kind(self):
        return KIND_PREFIX + self.code

    def entries_url(self):
        return f"{reverse('ledgers:entry_list')}?ledger={self.code}"

    def active_fields(self):
        """The fields in use (the removed ones are kept for the data, hidden)."""
        return [f for f in self.fields.all() if not f.removed]


class LedgerField(models.Model):
    """One typed field of a ledger (NetBox's CustomField): its key never changes once saved (the JSON key of
    every entry's value), its label and rules may; a removed field is hidden, its data kept."""

    definition = models.ForeignKey(LedgerDefinition, verbose_name=_("台账"), on_delete=models.CASCADE,
                                   related_name="fields")
    key = models.CharField(_("字段代码"), max_length=30)
    label = models.CharField(_("字段名称"), max_length=50)
    type = models.CharField(_("类型"), max_length=20, choices=FieldType.choices, default=FieldType.TEXT)
    unit = models.CharField(_("单位"), max_length=4, choices=DecimalUnit.choices, blank=True)
    dictionary = models.ForeignKey(Dictionary, verbose_name=_("字典"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="fields")
    required = models.BooleanField(_("必填"), default=False)
    unique = models.BooleanField(_("唯一"), default=False)
    min_value = models.DecimalField(_("最小值"), max_digits=20, decimal_places=4, null=True, blank=True)
    max_value = models.DecimalField(_("最大值"), max_digits=20, decimal_places=4, null=True, blank=True)
    pattern = models.CharField(_("格式（正则表达式）"), max_length=200, blank=True)
    help_text = models.CharField(_("填写说明"), max_length=200, blank=True)
    in_list = models.BooleanField(_("列表显示"), default=True)
    filterable = models.BooleanField(_("可筛选"), default=False)
    exported = models.BooleanField(_("导出"), default=True)
    personal = models.BooleanField(_("个人信息（姓名）"), default=False,
                                   help_text=_("文本字段存放姓名时勾选：按个人信息脱敏"))
    formula = models.CharField(_("公式"), max_length=300, blank=True,
                               help_text=_("计算字段：如 {完成投资} / {计划投资} * 100"))
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    removed = models.BooleanField(_("已停用"), default=False)

    class Meta:
        verbose_name = _("台账字段")
        verbose_name_plural = _("台账字段")
        ordering = ["definition", "sort_order", "pk"]
        constraints = [models.UniqueConstraint(fields=["definition", "key"], name="ledgerfield_unique_key",
                                               violation_error_message=_("字段代码不能重复。"))]

    def __str__(self):
        return self.label

    @property
    def personal_kind(self):
        """The masking rule (core.masking) of a personal field, or None."""
        if self.type == FieldType.PHONE:
            return "phone"
        if self.type == FieldType.ID_NUMBER:
            return "id_number"
        if self.personal and self.type == FieldType.TEXT:
            return "name"
        return None

    @property
    def indexed(self):
        """Written to EntryValue: filterable or unique (a long text is matched in the JSON, not indexed)."""
        return (self.filterable or self.unique) and self.type not in (FieldType.LONG_TEXT, FieldType.ATTACHMENT)


class DefinitionVersion(models.Model):
    """A saved version of a definition: the whole definition and its fields as they were, who saved it, why."""

    definition = models.ForeignKey(LedgerDefinition, verbose_name=_("台账"), on_delete=models.CASCADE,
                                   related_name="versions")
    number = models.PositiveIntegerField(_("版本"))
    schema = models.JSONField(_("定义内容"))
    saved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("保存人"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    saved_at = models.DateTimeField(_("保存时间"))
    note = models.CharField(_("修改说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("台账定义版本")
        verbose_name_plural = _("台账定义版本")
        ordering = ["definition", "-number"]
        constraints = [models.UniqueConstraint(fields=["definition", "number"], name="definitionversion_unique")]

    def __str__(self):
        return f"{self.definition_id} v{self.number}"


class LedgerEntry(Item):
    """台账记录 — one row of a defined ledger. Item carries what every ledger shares (number, title, unit,
    due date, state, light, timeline); `data` the ledger's own values by field key; `schema_version` the
    version of the definition the row was last written under."""

    definition = models.ForeignKey(LedgerDefinition, verbose_name=_("台账"), on_delete=models.PROTECT,
                                   related_name="entries")
    schema_version = models.PositiveIntegerField(_("定义版本"), default=1)
    data = models.JSONField(_("字段值"), default=dict, blank=True)

    class Meta:
        verbose_name = _("台账记录")
        verbose_name_plural = _("台账记录")
        ordering = ["-item_ptr_id"]
        indexes = [models.Index(fields=["definition", "item_ptr"], name="ledgerentry_def_id")]

    def get_absolute_url(self):
        return reverse("ledgers:entry_detail", args=[self.pk])

    def masked_data(self, fields):
        """`data` with every personal field masked (core.masking) — what the audit log and a user without
        the personal-data permission get."""
        from core.masking import mask

        data = dict(self.data or {})
        for f in fields:
            kind = f.personal_kind
            if kind and data.get(f.key):
                data[f.key] = mask(kind, data[f.key])
        return data

    def audit_snapshot_value(self, name, value):
        """audit.services.snapshot's hook: the JSON of values reaches the audit log with personal data masked."""
        if name == "data":
            return self.masked_data(self.definition.fields.all())
        return value


class EntryValue(models.Model):
    """The typed index of one field of one entry (see the module docstring): text for text, choices, dates
    (ISO), booleans; number for integers, decimals, computed values and unit/area/person ids."""

    entry = models.ForeignKey(LedgerEntry, on_delete=models.CASCADE, related_name="values", db_index=False)
    field = models.ForeignKey(LedgerField, on_delete=models.CASCADE, related_name="+")
    text = models.CharField(max_length=200, null=True, blank=True)
    number = models.DecimalField(max_digits=24, decimal_places=6, null=True, blank=True)

    class Meta:
        indexes = [
            # covering: a filter probes (field, value) and reads the entry id from the index alone
            models.Index(fields=["field", "text", "entry"], name="entryvalue_text", condition=Q(text__isnull=False)),
            models.Index(fields=["field", "number", "entry"], name="entryvalue_number",
                         condition=Q(number__isnull=False)),
            # covering for the other conditions of a filter (EXISTS … entry = ? AND field = ? AND value …) and
            # the entry's own rows (rewritten on every change)
            models.Index(fields=["entry", "field", "text", "number"], name="entryvalue_entry"),
        ]

    def __str__(self):
        return f"{self.entry_id}.{self.field_id}"


__all__ = ["Dictionary", "DictionaryEntry", "LedgerDefinition", "LedgerField", "DefinitionVersion", "LedgerEntry",
           "EntryValue", "FieldType", "DecimalUnit", "Workflow", "KIND_PREFIX"]
