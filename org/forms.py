from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Area, Body, Mechanism, Person, Seat, Unit


class StyledModelForm(forms.ModelForm):
    """Bootstrap classes on every widget; the version travels as a hidden field for compare-and-swap."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, (forms.CheckboxInput,)):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.SelectMultiple):
                widget.attrs.setdefault("class", "form-select")
                widget.attrs.setdefault("size", "8")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")
        if self.instance and self.instance.pk and hasattr(self.instance, "version"):
            self.fields["expected_version"].initial = self.instance.version

    def changes(self):
        """The cleaned values of the model's own (non-M2M) fields."""
        return {name: self.cleaned_data[name] for name in self._meta.fields
                if name in self.cleaned_data and not self._meta.model._meta.get_field(name).many_to_many}


class AreaForm(StyledModelForm):
    class Meta:
        model = Area
        fields = ["name", "code", "level", "parent", "sort_order"]


class UnitForm(StyledModelForm):
    class Meta:
        model = Unit
        fields = ["name", "short_name", "kind", "area", "parent", "sort_order", "is_active"]


class PersonForm(StyledModelForm):
    class Meta:
        model = Person
        fields = ["name", "unit", "title", "phone", "sort_order", "is_active"]


class MechanismForm(StyledModelForm):
    class Meta:
        model = Mechanism
        fields = ["year", "name", "description"]


class BodyForm(StyledModelForm):
    class Meta:
        model = Body
        fields = ["mechanism", "kind", "name", "short_name", "mission", "parent", "lead_unit", "member_units", "sort_order"]
        widgets = {"mission": forms.Textarea(attrs={"rows": 3})}


class SeatForm(StyledModelForm):
    class Meta:
        model = Seat
        fields = ["mechanism", "body", "person", "post", "note", "sort_order"]


class MechanismCopyForm(forms.Form):
    year = forms.IntegerField(label=_("新年度"), min_value=2000, max_value=2100,
                              widget=forms.NumberInput(attrs={"class": "form-control"}))
    name = forms.CharField(label=_("名称"), max_length=100, required=False,
                           widget=forms.TextInput(attrs={"class": "form-control"}))
