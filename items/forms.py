"""Forms of the item pages: they only validate input; items.services.perform() applies the rules.

One ActionForm serves every workflow action: ACTION_FIELDS says which inputs an action shows, the
action's Transition.required says which of them must be filled. Fields named in DATA_FIELDS travel in
perform(data=…); note / reason_code / files are perform()'s own arguments.
"""
import uuid

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import RequestStatus

# Inputs each action shows (in this order). Unknown actions (a kind's own transition) get a note.
ACTION_FIELDS = {
    "assign": ("note",),
    "accept": ("note",),
    "bounce": ("reason_code", "note"),
    "reassign": ("lead_unit", "note"),
    "submit": ("note", "files"),
    "approve": ("note",),
    "return": ("note", "files"),
    "request_extension": ("due_date", "note"),
    "decide_extension": ("extension_id", "decision", "note"),
    "urge": ("note",),
    "escalate": ("note",),
    "instruct": ("note", "due_date"),
    "reply_instruction": ("instruction_id", "reply", "files"),
    "reopen": ("note",),
    "comment": ("note", "files"),
}
DEFAULT_FIELDS = ("note",)
DATA_FIELDS = ("due_date", "extension_id", "decision", "instruction_id", "reply", "lead_unit")
NOTE_LABELS = {
    "bounce": _("回退说明"), "return": _("退回意见"), "request_extension": _("延期理由"),
    "instruct": _("批示内容"), "reopen": _("重新打开的原因"), "urge": _("催办内容"), "escalate": _("督办意见"),
    "decide_extension": _("审批意见"), "approve": _("审核意见"), "comment": _("留言"),
}
DUE_LABELS = {"request_extension": _("申请延至"), "instruct": _("回复期限")}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


def new_request_key():
    return uuid.uuid4().hex


class ActionForm(forms.Form):
    """The inputs of one workflow action on one item, plus the version and a request key."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    request_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, transition=None, item=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.transition = transition
        action = transition.action
        required = {name.removeprefix("data.") for name in (getattr(transition, "required", ()) or ())}
        self.prefix = action  # several action forms on one page: ids and names stay unique
        for name in ACTION_FIELDS.get(action, DEFAULT_FIELDS):
            field = self._make_field(name, action, item)
            if field is None:
                continue
            field.required = name in required or name in ("extension_id", "instruction_id", "decision") or (
                name == "reply")
            self.fields[name] = field
        for name, field in self.fields.items():
            if isinstance(field.widget, (forms.HiddenInput, forms.FileInput)):
                continue
            css = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            field.widget.attrs.setdefault("class", css)
            field.widget.attrs.setdefault("data-testid", f"{action}-{name}")
        if "files" in self.fields:
            self.fields["files"].widget.attrs.update({"class": "form-control", "data-testid": f"{action}-files"})

    def _make_field(self, name, action, item):
        if name == "note":
            return forms.CharField(label=NOTE_LABELS.get(action, _("说明")), max_length=2000, required=False,
                                   widget=forms.Textarea(attrs={"rows": 2}))
        if name == "reason_code":
            from .workflow import BOUNCE_REASONS

            return forms.ChoiceField(label=_("回退原因"), choices=[("", _("请选择"))] + list(_pairs(BOUNCE_REASONS)))
        if name == "due_date":
            return forms.DateField(label=DUE_LABELS.get(action, _("日期")),
                                   widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
        if name == "decision":
            return forms.ChoiceField(label=_("审批结果"), widget=forms.RadioSelect,
                                     choices=[("approve", _("同意延期")), ("reject", _("不同意"))])
        if name == "extension_id":
            pending = [e for e in (item.extensions.all() if item else []) if e.status == RequestStatus.PENDING]
            return forms.TypedChoiceField(label=_("延期申请"), coerce=int, choices=[
                (e.pk, _("%(date)s 申请延至 %(due)s") % {"date": e.requested_at.date(), "due": e.requested_due})
                for e in pending])
        if name == "instruction_id":
            open_ones = [i for i in (item.instructions.all() if item else []) if not i.replied_at]
            return forms.TypedChoiceField(label=_("回复哪条批示"), coerce=int, choices=[
                (i.pk, f"{i.created_at.date()} {i.text[:30]}") for i in open_ones])
        if name == "reply":
            return forms.CharField(label=_("回复内容"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
        if name == "lead_unit":
            from org.models import Unit

            return forms.ModelChoiceField(label=_("改由哪个单位办理（不选则交回原单位）"), required=False,
                                          queryset=Unit.objects.filter(is_active=True).order_by("path"),
                                          initial=item.lead_unit_id if item else None)
        if name == "files":
            return MultipleFileField(label=_("附件"), required=False,
                                     help_text=_("可多选；单个文件不超过 %(mb)s MB") % {
                                         "mb": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)})
        return None

    def perform_kwargs(self):
        """The keyword arguments for items.services.perform() (besides item, action, actor, version)."""
        cd = self.cleaned_data
        data = {}
        for name in DATA_FIELDS:
            value = cd.get(name)
            if value in (None, ""):
                continue
            if hasattr(value, "pk"):
                value = value.pk
            data[name] = value.isoformat() if hasattr(value, "isoformat") else value
        return {
            "note": cd.get("note", "") or "",
            "reason_code": cd.get("reason_code", "") or "",
            "data": data,
            "files": cd.get("files") or (),
            "request_key": cd["request_key"],
        }


def _pairs(choices):
    """BOUNCE_REASONS as (code, label) pairs whether it is a dict, a choices enum or a list of pairs."""
    if hasattr(choices, "choices"):
        return choices.choices
    if isinstance(choices, dict):
        return choices.items()
    return choices


class ReportForm(forms.Form):
    """旬报: pre-filled with the last report so the unit types only what changed."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    request_key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    percent = forms.IntegerField(label=_("完成进度(%)"), min_value=0, max_value=100,
                                 widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 1}))
    narrative = forms.CharField(label=_("本旬进展情况"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5}))
    problems = forms.CharField(label=_("存在问题"), max_length=2000, required=False,
                               widget=forms.Textarea(attrs={"rows": 3}))
    next_steps = forms.CharField(label=_("下步计划"), max_length=2000, required=False,
                                 widget=forms.Textarea(attrs={"rows": 3}))
    files = MultipleFileField(label=_("附件（照片、材料）"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.HiddenInput):
                continue
            field.widget.attrs.setdefault("class", "form-control")
            field.widget.attrs.setdefault("data-testid", f"report-{name}")

    def perform_kwargs(self):
        cd = self.cleaned_data
        data = {"percent": cd["percent"], "narrative": cd["narrative"]}
        for name in ("problems", "next_steps"):
            if cd.get(name):
                data[name] = cd[name]
        return {"data": data, "files": cd.get("files") or (), "request_key": cd["request_key"], "note": ""}


class CalendarDayForm(forms.Form):
    date = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date", "class": "form-control"},
                                                                    format="%Y-%m-%d"))
    is_workday = forms.TypedChoiceField(label=_("类型"), coerce=lambda v: v == "1",
                                        choices=[("0", _("放假（节假日）")), ("1", _("上班（调休工作日）"))],
                                        widget=forms.Select(attrs={"class": "form-select"}))
    name = forms.CharField(label=_("说明"), max_length=50, required=False,
                           widget=forms.TextInput(attrs={"class": "form-control", "placeholder": _("如：国庆节、国庆调休")}))

