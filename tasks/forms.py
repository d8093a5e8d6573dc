"""New key task (新建重点任务): the task, its milestones (a formset) and one or several units — choosing
several 交办 the task to each of them (one parent + one linked child per unit). Forms only validate input;
tasks.services decides."""
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.roles import dispatchable_bodies
from items.models import SupervisionLevel
from org.models import Body, BodyKind, Person, Unit


def task_bodies(user):
    """The bodies the new-task form offers `user`: those they may 交办 for (accounts.roles), never the HQ
    (the 总指挥部 dispatches through its 专班)."""
    return dispatchable_bodies(user, Body.objects.exclude(kind=BodyKind.COMMAND))


def _body_label(body):
    return f"{body.mechanism.year} · {body}"


class TaskForm(forms.Form):
    owning_body = forms.ModelChoiceField(label=_("所属专班"), queryset=None)
    title = forms.CharField(label=_("任务名称"), max_length=200)
    target = forms.CharField(label=_("目标任务"), widget=forms.Textarea(attrs={"rows": 3}))
    measures = forms.CharField(label=_("工作措施"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    units = forms.ModelMultipleChoiceField(
        label=_("责任单位"), queryset=Unit.objects.filter(is_active=True),
        help_text=_("选择多个单位即批量交办：每个单位一条任务，另建一条专班总任务汇总进度。"),
        widget=forms.SelectMultiple(attrs={"size": 8}))
    co_units = forms.ModelMultipleChoiceField(label=_("配合单位"), queryset=Unit.objects.filter(is_active=True),
                                              required=False, widget=forms.SelectMultiple(attrs={"size": 4}))
    responsible_leader = forms.ModelChoiceField(label=_("责任领导"), queryset=Person.objects.filter(is_active=True),
                                                required=False)
    due_date = forms.DateField(label=_("办理期限"), widget=forms.DateInput(attrs={"type": "date"}))
    target_value = forms.DecimalField(label=_("目标值"), required=False, max_digits=14, decimal_places=2)
    target_unit = forms.CharField(label=_("计量单位"), required=False, max_length=20)
    supervision_level = forms.ChoiceField(label=_("督办级别"), choices=SupervisionLevel.choices,
                                          initial=SupervisionLevel.NORMAL)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["owning_body"]
        # Any body but the HQ is valid input; who may 交办 for it is tasks.services' decision (a refusal there
        # is audited). The choices shown are the user's own bodies.
        field.queryset = Body.objects.exclude(kind=BodyKind.COMMAND).select_related("mechanism")
        field.label_from_instance = _body_label
        offered = list(task_bodies(user).select_related("mechanism").order_by("-mechanism__year", "sort_order"))
        field.widget.choices = [("", field.empty_label)] + [(b.pk, _body_label(b)) for b in offered]
        if offered and "owning_body" not in self.initial:
            same_year = [b for b in offered if b.mechanism_id == offered[0].mechanism_id]
            if len(same_year) == 1:  # the user dispatches for one body this year: preselect it
                self.initial["owning_body"] = offered[0].pk
        for field in self.fields.values():
            widget = field.widget
            css = "form-select" if isinstance(widget, forms.Select | forms.SelectMultiple) else "form-control"
            widget.attrs.setdefault("class", css)

    def clean(self):
        data = super().clean()
        units, co_units = data.get("units") or [], data.get("co_units") or []
        if units and co_units and set(units) & set(co_units):
            self.add_error("co_units", _("配合单位不能同时是责任单位。"))
        return data


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("节点内容"), max_length=200, required=False,
                            widget=forms.TextInput(attrs={"class": "form-control"}))
    due_date = forms.DateField(label=_("节点期限"), required=False,
                               widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}))

    def clean(self):
        data = super().clean()
        if bool(data.get("title")) != bool(data.get("due_date")):
            raise forms.ValidationError(_("节点内容和期限要同时填写。"))
        return data


MilestoneFormSet = forms.formset_factory(MilestoneForm, extra=4, max_num=20, validate_max=True)
