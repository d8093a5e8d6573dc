"""Forms only validate input; enterprises.services applies the rules."""
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from org.models import Person

from .models import Enterprise


class StyledForm:
    def _style(self):
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            if isinstance(field.widget, forms.SelectMultiple):
                css = "form-select"
                field.widget.attrs.setdefault("size", 6)
            field.widget.attrs.setdefault("class", css)


class EnterpriseForm(StyledForm, forms.ModelForm):
    # the version the user saw, for the compare-and-swap (a change without it is refused with 428)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Enterprise
        fields = ["credit_code", "name", "industry", "scale", "area", "unit", "address", "building",
                  "contact_name", "contact_phone", "tags"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        self._style()

    def validate_unique(self):
        """Duplicates are refused by the service with the existing enterprise's name in the message."""


class VisitForm(StyledForm, forms.Form):
    date = forms.DateField(label=_("走访日期"), widget=forms.DateInput(attrs={"type": "date"}))
    cadres = forms.ModelMultipleChoiceField(label=_("走访干部"), queryset=Person.objects.filter(is_active=True))
    findings = forms.CharField(label=_("走访情况"), widget=forms.Textarea(attrs={"rows": 4}), required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None and user.unit_id:
            self.fields["cadres"].queryset = Person.objects.filter(is_active=True, unit__path__startswith=user.unit.path)
        self.fields["date"].initial = timezone.localdate()
        self._style()

    def clean_date(self):
        value = self.cleaned_data["date"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("走访日期不能晚于今天。"))
        return value


class PairingForm(StyledForm, forms.Form):
    person = forms.ModelChoiceField(label=_("包联干部"), queryset=Person.objects.filter(is_active=True))
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year
        self._style()
