"""Forms of the ledger pages. They only collect input: the entry form hands the raw values to
validation.clean_entry (through the service) and shows its messages on the fields — the same messages the
API and the import give; the definition form hands its rows to services.definition_save."""
from django import forms
from django.utils.translation import gettext_lazy as _

from org.models import Area, Body, Person, Unit

from .models import DecimalUnit, Dictionary, FieldType, LedgerField, Workflow
from .validation import UNIT_KEY, Lookups


def _styled(form):
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, (forms.CheckboxInput, forms.CheckboxSelectMultiple, forms.HiddenInput)):
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            continue
        css = "form-select" if isinstance(widget, (forms.Select, forms.SelectMultiple)) else "form-control"
        widget.attrs.setdefault("class", css)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EntryForm(forms.Form):
    """The entry form generated from the definition: one input per active field (computed ones are shown,
    not typed). Every input is optional here — clean_entry decides, with the ledger's own messages."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, definition, user, entry=None, hide_personal=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.definition, self.entry = definition, entry
        lookups = Lookups(definition)
        self.personal_locked = []
        units = Unit.objects.filter(is_active=True).order_by("path")
        self.fields[UNIT_KEY] = forms.ChoiceField(label=definition.unit_label, required=False,
                                                  choices=[("", "---------")] + [(u.pk, u.name) for u in units])
        for f in definition.fields.all():
            if f.removed or f.type == FieldType.COMPUTED:
                continue
            if f.personal_kind and hide_personal and entry is not None:
                self.personal_locked.append(f)  # shown masked on the page, never sent back masked
                continue
            self.fields[f.key] = self._field(f, lookups)
        _styled(self)
        if entry is not None and not self.is_bound:
            self.initial.update({UNIT_KEY: entry.lead_unit_id, "version": entry.version})
            for f in definition.fields.all():
                value = (entry.data or {}).get(f.key)
                if f.key in self.fields and value is not None and f.type != FieldType.ATTACHMENT:
                    self.initial[f.key] = value if f.type != FieldType.DATETIME else str(value)

    def _field(self, f, lookups):
        t = f.type
        common = {"label": f.label + (" *" if f.required else ""), "required": False, "help_text": f.help_text}
        if t == FieldType.LONG_TEXT:
            return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), **common)
        if t in (FieldType.INTEGER, FieldType.DECIMAL):
            unit = f"（{f.unit}）" if f.unit else ""
            common["label"] = f.label + unit + (" *" if f.required else "")
            return forms.CharField(widget=forms.TextInput(attrs={"inputmode": "decimal"}), **common)
        if t == FieldType.DATE:
            return forms.CharField(widget=forms.DateInput(attrs={"type": "date"}), **common)
        if t == FieldType.DATETIME:
            return forms.CharField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}), **common)
        if t == FieldType.BOOLEAN:
            return forms.ChoiceField(choices=[("", "---------"), ("true", _("是")), ("false", _("否"))], **common)
        if t == FieldType.CHOICE:
            return forms.ChoiceField(choices=[("", "---------"), *lookups.choices(f)], **common)
        if t == FieldType.MULTI_CHOICE:
            return forms.MultipleChoiceField(choices=lookups.choices(f), widget=forms.CheckboxSelectMultiple, **common)
        if t in (FieldType.UNIT, FieldType.AREA, FieldType.PERSON):
            model = {FieldType.UNIT: Unit, FieldType.AREA: Area, FieldType.PERSON: Person}[t]
            rows = model.objects.all()
            return forms.ChoiceField(choices=[("", "---------"), *((r.pk, str(r)) for r in rows)], **common)
        if t == FieldType.ATTACHMENT:
            return forms.FileField(widget=MultipleFileInput, **common)
        attrs = {"inputmode": "tel"} if t == FieldType.PHONE else {}
        return forms.CharField(widget=forms.TextInput(attrs=attrs), **common)

    def raw(self):
        """What the user typed, by field key (attachments travel as files)."""
        keys = [UNIT_KEY] + [k for k, f in self.fields.items() if k not in ("version", UNIT_KEY)
                             and not isinstance(f, forms.FileField)]
        out = {}
        for key in keys:
            value = self.data.getlist(key) if isinstance(self.fields[key], forms.MultipleChoiceField) else \
                self.data.get(key, "")
            out[key] = value
        return out

    def files_by_key(self):
        return {k: self.files.getlist(k) for k, f in self.fields.items()
                if isinstance(f, forms.FileField) and self.files and self.files.getlist(k)}


class DefinitionForm(forms.Form):
    """The ledger's own attributes; its fields come from FieldFormSet."""

    code = forms.SlugField(label=_("台账代码"), max_length=17, required=False,
                           help_text=_("小写字母和数字，保存后不能修改（用于网址和接口）"))
    name = forms.CharField(label=_("台账名称"), max_length=100)
    description = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    prefix = forms.CharField(label=_("编号前缀"), max_length=6, help_text=_("大写字母，如 MD → MD-2024-0001"))
    owning_body = forms.ModelChoiceField(label=_("所属机构"), queryset=Body.objects.select_related("mechanism"))
    unit_label = forms.CharField(label=_("责任单位字段名称"), max_length=30, initial=_("责任单位"))
    title_field = forms.CharField(label=_("标题字段（字段代码）"), max_length=30, required=False)
    workflow = forms.ChoiceField(label=_("流程"), choices=Workflow.choices)
    dekad_reports = forms.BooleanField(label=_("每旬报送进展"), required=False)
    due_field = forms.CharField(label=_("期限字段（字段代码）"), max_length=30, required=False)
    yellow_days = forms.IntegerField(label=_("临期黄灯（工作日）"), min_value=0, max_value=60, required=False)
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)
    note = forms.CharField(label=_("修改说明"), max_length=200, required=False)

    def __init__(self, *args, creating=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owning_body"].label_from_instance = lambda b: f"{b.mechanism.year} · {b}"
        if not creating:
            del self.fields["code"]
        _styled(self)


class FieldForm(forms.Form):
    key = forms.CharField(label=_("字段代码"), max_length=30, required=False)
    label = forms.CharField(label=_("字段名称"), max_length=50, required=False)
    type = forms.ChoiceField(label=_("类型"), choices=FieldType.choices, initial=FieldType.TEXT)
    unit = forms.ChoiceField(label=_("单位"), choices=[("", "—"), *DecimalUnit.choices], required=False)
    dictionary = forms.ModelChoiceField(label=_("字典"), queryset=Dictionary.objects.all(), required=False)
    required = forms.BooleanField(label=_("必填"), required=False)
    unique = forms.BooleanField(label=_("唯一"), required=False)
    min_value = forms.CharField(label=_("最小值"), required=False)
    max_value = forms.CharField(label=_("最大值"), required=False)
    pattern = forms.CharField(label=_("格式"), max_length=200, required=False)
    help_text = forms.CharField(label=_("填写说明"), max_length=200, required=False)
    in_list = forms.BooleanField(label=_("列表显示"), required=False, initial=True)
    filterable = forms.BooleanField(label=_("可筛选"), required=False)
    exported = forms.BooleanField(label=_("导出"), required=False, initial=True)
    personal = forms.BooleanField(label=_("姓名（个人信息）"), required=False)
    formula = forms.CharField(label=_("公式"), max_length=300, required=False)
    choices = forms.CharField(label=_("选项（新建字典）"), max_length=2000, required=False,
                              help_text=_("单选、多选未选字典时：用“、”分隔的选项，保存时建成本字段的字典"))
    removed = forms.BooleanField(label=_("停用"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)
        for name in ("key", "label", "min_value", "max_value", "pattern", "help_text", "formula", "choices"):
            self.fields[name].widget.attrs["class"] = "form-control form-control-sm"
        for name in ("type", "unit", "dictionary"):
            self.fields[name].widget.attrs["class"] = "form-select form-select-sm"

    def spec(self):
        return dict(self.cleaned_data)


FieldFormSet = forms.formset_factory(FieldForm, extra=3, max_num=80, validate_max=True)


def field_initial(definition):
    """The formset's initial rows: every field of the definition (the removed ones too, marked 停用)."""
    from .formula import display

    labels = {f.key: f.label for f in definition.fields.all()}
    rows = []
    for f in definition.fields.all():
        row = {name: getattr(f, name) for name in ("key", "label", "type", "unit", "required", "unique", "pattern",
                                                    "help_text", "in_list", "filterable", "exported", "personal",
                                                    "removed")}
        row.update(dictionary=f.dictionary_id, min_value="" if f.min_value is None else f.min_value.normalize(),
                   max_value="" if f.max_value is None else f.max_value.normalize(),
                   formula=display(f.formula, labels) if f.formula else "")
        rows.append(row)
    return rows


class DictionaryForm(forms.Form):
    code = forms.SlugField(label=_("字典代码"), max_length=40, required=False)
    name = forms.CharField(label=_("字典名称"), max_length=100)
    description = forms.CharField(label=_("说明"), max_length=200, required=False)
    entries = forms.CharField(label=_("字典项"), widget=forms.Textarea(attrs={"rows": 10}),
                              help_text=_("每行一项：“值 名称”，或只写名称；行首加 # 表示停用"))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, creating=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not creating:
            del self.fields["code"]
        _styled(self)

    def entry_rows(self):
        rows = []
        for line in self.cleaned_data["entries"].splitlines():
            line = line.strip()
            if not line:
                continue
            active = not line.startswith("#")
            line = line.lstrip("#").strip()
            value, _sep, label = line.partition(" ")
            rows.append((value, label.strip() or value, active))
        return rows


def dictionary_text(dictionary):
    return "\n".join(("" if e.is_active else "# ") + (e.value if e.value == e.label else f"{e.value} {e.label}")
                     for e in dictionary.entries.all())


__all__ = ["EntryForm", "DefinitionForm", "FieldFormSet", "DictionaryForm", "LedgerField"]
