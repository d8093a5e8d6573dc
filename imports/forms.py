"""Forms of the import pages: they only validate input; imports.services does the work."""
from django import forms
from django.utils.translation import gettext_lazy as _

from .targets import FieldType

ACCEPT = ".xlsx,.xls,.csv"


class UploadForm(forms.Form):
    target = forms.ChoiceField(label=_("导入到"))
    file = forms.FileField(label=_("文件"), help_text=_("支持 .xlsx、.xls、.csv（UTF-8 或 GBK）"),
                           widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}))
    sheet = forms.CharField(label=_("工作表"), required=False, help_text=_("留空则读取第一个工作表"))

    def __init__(self, *args, targets=(), target=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [(t.code, t.label) for t in targets]
        if target is not None:
            self.fields["target"].initial = target.code
            for option in target.options:
                self.fields[f"option_{option.name}"] = option_field(option)
        for f in self.fields.values():
            f.widget.attrs.setdefault("class", "form-select" if isinstance(f.widget, forms.Select) else "form-control")

    def options(self):
        return {k[len("option_"):]: v for k, v in self.cleaned_data.items() if k.startswith("option_")}


def option_field(option):
    if option.type == FieldType.INTEGER:
        return forms.IntegerField(label=option.label, required=option.required, help_text=option.help_text)
    if option.type == FieldType.CHOICE:
        return forms.ChoiceField(label=option.label, required=option.required, choices=option.choices)
    if option.type == FieldType.DATE:
        return forms.DateField(label=option.label, required=option.required,
                               widget=forms.DateInput(attrs={"type": "date"}))
    return forms.CharField(label=option.label, required=option.required, help_text=option.help_text)


class MappingForm(forms.Form):
    """One select per column of the file: the field it fills (or nothing)."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, batch, target, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("（不导入）"))] + [(f.name, f"{f.label}{' *' if f.required else ''}") for f in target.fields]
        self.columns = []
        for column in batch.table.get("columns", []):
            name = f"col_{column['index']}"
            self.fields[name] = forms.ChoiceField(
                label=f"{column['letter']} · {column['header']}", choices=choices, required=False,
                initial=batch.mapping.get(str(column["index"]), ""),
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}))
            self.columns.append((self[name], column))
        self.fields["version"].initial = batch.version

    def mapping(self):
        return {k[len("col_"):]: v for k, v in self.cleaned_data.items() if k.startswith("col_") and v}


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
