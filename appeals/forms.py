"""Forms of the appeal pages: they only validate input; appeals.services and items.services apply the rules."""
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.scope import visible_to
from enterprises.models import Enterprise, Visit
from items.forms import ActionForm
from org.models import Area, Unit

from .models import (
    AppealCategory,
    Channel,
    DissatisfactionReason,
    Level,
    Outcome,
    RoutingRule,
    Satisfaction,
)
from .services import render_template


def _style(form):
    for field in form.fields.values():
        if isinstance(field.widget, (forms.HiddenInput, forms.FileInput, forms.CheckboxInput, forms.RadioSelect)):
            continue
        field.widget.attrs.setdefault("class", "form-select" if isinstance(field.widget, forms.Select) else "form-control")


class AppealForm(forms.Form):
    """登记诉求 (staff): the requester's data is typed here once and masked everywhere afterwards."""

    title = forms.CharField(label=_("诉求标题"), max_length=200)
    description = forms.CharField(label=_("诉求内容"), widget=forms.Textarea(attrs={"rows": 4}))
    channel = forms.ChoiceField(label=_("来源渠道"), choices=Channel.choices)
    category = forms.ModelChoiceField(label=_("诉求类别"), queryset=AppealCategory.objects.filter(is_active=True))
    area = forms.ModelChoiceField(label=_("属地"), queryset=Area.objects.all(), required=False)
    lead_unit = forms.ModelChoiceField(label=_("责任单位"), queryset=Unit.objects.filter(is_active=True), required=False,
                                       help_text=_("留空则按派单规则自动建议"))
    is_urgent = forms.BooleanField(label=_("紧急（当日办结）"), required=False)
    requester_name = forms.CharField(label=_("诉求人"), max_length=50, required=False)
    requester_phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    requester_id_number = forms.CharField(label=_("身份证号码"), max_length=20, required=False)
    requester_address = forms.CharField(label=_("联系地址"), max_length=200, required=False)
    location = forms.CharField(label=_("事发地点"), max_length=200, required=False)
    lng = forms.DecimalField(label=_("经度"), max_digits=9, decimal_places=6, required=False, min_value=-180, max_value=180)
    lat = forms.DecimalField(label=_("纬度"), max_digits=9, decimal_places=6, required=False, min_value=-90, max_value=90)
    enterprise = forms.ModelChoiceField(label=_("企业"), queryset=Enterprise.objects.all(), required=False)
    visit = forms.ModelChoiceField(label=_("走访记录"), queryset=Visit.objects.all(), required=False,
                                   widget=forms.HiddenInput)
    complained_unit = forms.ModelChoiceField(label=_("被投诉单位"), queryset=Unit.objects.filter(is_active=True),
                                             required=False)
    dispatch = forms.BooleanField(label=_("保存后立即派单"), required=False, initial=True)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:  # only a visit the user may see (走访 rows are scoped to their units)
            self.fields["visit"].queryset = visible_to(user, Visit.objects.all())
        _style(self)

    def clean(self):
        cd = super().clean()
        visit, enterprise = cd.get("visit"), cd.get("enterprise")
        if visit is not None:
            if enterprise is None:
                cd["enterprise"] = visit.enterprise
            elif enterprise.pk != visit.enterprise_id:
                raise forms.ValidationError(_("走访记录与所选企业不一致。"))
        return cd


APPEAL_ACTION_FIELDS = {
    "reply": ("outcome", "level", "reply", "files"),
    "approve": ("outcome", "reply"),
    "rate": ("satisfaction", "dissatisfaction_reason", "note"),
    "follow_up": ("note", "satisfaction", "dissatisfaction_reason"),
    "arbitrate": ("lead_unit", "note"),
    "reassign": ("lead_unit", "note"),
}


class AppealActionForm(ActionForm):
    """The engine's ActionForm plus the appeal's own inputs (outcome, reply, rating, lead unit)."""

    def __init__(self, *args, transition=None, item=None, **kwargs):
        super().__init__(*args, transition=transition, item=item, **kwargs)
        extra = APPEAL_ACTION_FIELDS.get(transition.action)
        if not extra:
            return
        for name in list(self.fields):
            if name not in ("version", "request_key") and name not in extra:
                del self.fields[name]
        for name in extra:
            field = self._appeal_field(name, transition.action, item)
            if field is not None:
                self.fields[name] = field
        if transition.action in ("arbitrate", "follow_up"):
            self.fields["note"].required = True
        _style(self)
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("data-testid", f"{transition.action}-{name}")

    def _appeal_field(self, name, action, item):
        if name == "outcome":
            return forms.ChoiceField(label=_("办理结果"), choices=[("", _("请选择"))] + list(Outcome.choices),
                                     required=action == "reply")
        if name == "level":
            return forms.ChoiceField(label=_("事权层级"), choices=Level.choices, required=False,
                                     initial=getattr(item, "level", Level.DISTRICT))
        if name == "reply":
            initial = render_template(item.specific) if item is not None else ""
            return forms.CharField(label=_("答复内容"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
                                   initial=initial, help_text=_("已按类别答复模板预填，可修改"))
        if name == "satisfaction":
            return forms.ChoiceField(label=_("满意度"), choices=[("", _("请选择"))] + list(Satisfaction.choices),
                                     required=action == "rate")
        if name == "dissatisfaction_reason":
            return forms.ChoiceField(label=_("不满意原因"), required=False,
                                     choices=[("", "—")] + list(DissatisfactionReason.choices))
        if name in ("note", "files", "lead_unit"):
            return self.fields.get(name) or self._make_field(name, action, item)
        return None

    def perform_kwargs(self):
        kwargs = super().perform_kwargs()
        for name in ("outcome", "level", "reply", "satisfaction", "dissatisfaction_reason"):
            value = self.cleaned_data.get(name)
            if value not in (None, ""):
                kwargs["data"][name] = value
        return kwargs


class CategoryForm(forms.ModelForm):
    # the version the user saw, for the compare-and-swap (a change without it is refused with 428)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = AppealCategory
        fields = ["name", "code", "parent", "description", "sign_days", "finish_days", "clock_start", "pause_states",
                  "reply_template", "is_public", "is_active", "sort_order"]
        widgets = {"reply_template": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        _style(self)


class RoutingRuleForm(forms.ModelForm):
    class Meta:
        model = RoutingRule
        fields = ["category", "area", "lead_unit"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)

    def validate_unique(self):
        """The service refuses duplicates with a message."""
