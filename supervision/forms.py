"""Forms of the supervision pages: they only validate input; supervision.services applies the rules."""
import re

from django import forms
from django.utils.translation import gettext_lazy as _

from items.forms import ActionForm, MultipleFileField
from items.models import Item
from org.models import Person, Unit

from .models import (
    WEEKDAYS,
    FindingCategory,
    InspectionType,
    NoticeLevel,
    PeriodKind,
    RankingFormula,
    Severity,
)


def _style(form):
    for name, field in form.fields.items():
        widget = field.widget
        if isinstance(widget, (forms.HiddenInput, forms.CheckboxInput)):
            continue
        if isinstance(widget, (forms.Select, forms.SelectMultiple)):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")
        widget.attrs.setdefault("data-testid", name)
    return form


class StyledForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


def active_units():
    return Unit.objects.filter(is_active=True).order_by("path")


class InspectionForm(StyledForm):
    date = forms.DateField(label=_("督查日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    type = forms.ChoiceField(label=_("督查方式"), choices=InspectionType.choices)
    title = forms.CharField(label=_("督查主题"), max_length=200)
    target_units = forms.ModelMultipleChoiceField(label=_("督查对象单位"), queryset=Unit.objects.none(),
                                                  required=False, widget=forms.SelectMultiple(attrs={"size": 6}))
    # Items (key tasks, projects, appeals …) are too many for a select: typed by number, like on paper.
    target_items = forms.CharField(
        label=_("督查事项（编号）"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("事项、项目的编号，多个用逗号、空格或换行分隔，例如 RW-2026-0012 XM-2026-0003。"))
    team = forms.ModelMultipleChoiceField(label=_("督查组成员"), queryset=Person.objects.none(), required=False,
                                          widget=forms.SelectMultiple(attrs={"size": 6}))
    record = forms.CharField(label=_("督查记录"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    held = forms.BooleanField(label=_("已开展（登记已进行的督查）"), required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["target_units"].queryset = active_units()
        self.fields["team"].queryset = Person.objects.filter(is_active=True)

    def clean_target_items(self):
        """The typed numbers → the items, each of which must exist within the user's data scope."""
        from accounts.scope import visible_to

        numbers = list(dict.fromkeys(re.split(r"[\s,，、;；]+", self.cleaned_data["target_items"].strip().upper())))
        numbers = [n for n in numbers if n]
        if not numbers:
            return []
        found = {i.number: i for i in visible_to(self.user, Item.objects.filter(number__in=numbers))}
        missing = [n for n in numbers if n not in found]
        if missing:
            raise forms.ValidationError(_("找不到这些事项（编号有误或不在您的数据范围内）：%(numbers)s") % {
                "numbers": "、".join(missing)})
        return [found[n] for n in numbers]


class InspectionEditForm(InspectionForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["held"]


class RecordForm(StyledForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    record = forms.CharField(label=_("督查记录"), required=False, widget=forms.Textarea(attrs={"rows": 4}))


class PhotoForm(StyledForm):
    file = forms.FileField(label=_("照片或文件"))
    caption = forms.CharField(label=_("说明"), max_length=200, required=False)


class FindingForm(StyledForm):
    title = forms.CharField(label=_("问题描述（标题）"), max_length=200)
    lead_unit = forms.ModelChoiceField(label=_("整改单位"), queryset=Unit.objects.none())
    category = forms.ChoiceField(label=_("问题类别"), choices=FindingCategory.choices)
    severity = forms.ChoiceField(label=_("严重程度"), choices=Severity.choices)
    rectify_workdays = forms.IntegerField(label=_("整改时限(工作日)"), min_value=1, max_value=250, initial=10)
    rectify_person = forms.ModelChoiceField(label=_("整改责任人"), queryset=Person.objects.none(), required=False)
    measures = forms.CharField(label=_("整改要求"), widget=forms.Textarea(attrs={"rows": 3}))
    description = forms.CharField(label=_("问题详情"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].queryset = active_units()
        self.fields["rectify_person"].queryset = Person.objects.filter(is_active=True).select_related("unit")

    def clean(self):
        data = super().clean()
        person, unit = data.get("rectify_person"), data.get("lead_unit")
        if person is not None and unit is not None and person.unit_id != unit.pk:
            self.add_error("rectify_person", _("整改责任人须是整改单位的人员。"))
        return data


class FromItemForm(StyledForm):
    category = forms.ChoiceField(label=_("问题类别"), choices=FindingCategory.choices,
                                 initial=FindingCategory.PROGRESS)
    severity = forms.ChoiceField(label=_("严重程度"), choices=Severity.choices, initial=Severity.SERIOUS)
    rectify_workdays = forms.IntegerField(label=_("整改时限(工作日)"), min_value=1, max_value=250, initial=10)
    measures = forms.CharField(label=_("整改要求"), widget=forms.Textarea(attrs={"rows": 3}))


class RectifyForm(ActionForm):
    """整改 (items.kit form_classes["rectify"]): the action's note plus before/after evidence files, which
    supervision.services.finding_rectify puts on the finding's timeline. The other actions of a finding use the
    kit's ActionForm."""

    before = MultipleFileField(label=_("整改前照片/材料"), required=False)
    after = MultipleFileField(label=_("整改后照片/材料"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(["note", "before", "after"])
        for name in ("before", "after"):
            self.fields[name].widget.attrs.update({"class": "form-control", "data-testid": f"rectify-{name}"})

    def clean(self):
        data = super().clean()
        if not (data.get("before") or data.get("after")):
            raise forms.ValidationError(_("请上传整改佐证材料（整改前后照片或文件），没有佐证材料不能提交整改。"))
        return data


class NoticeForm(StyledForm):
    level = forms.ChoiceField(label=_("督办等级"), choices=[("", _("按紧急程度自动定级"))] + list(NoticeLevel.choices),
                              required=False)
    problem = forms.CharField(label=_("存在问题"), widget=forms.Textarea(attrs={"rows": 3}))
    measures = forms.CharField(label=_("整改要求"), widget=forms.Textarea(attrs={"rows": 3}))
    deadline = forms.DateField(label=_("办理时限"), required=False,
                               widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


class ReplyForm(StyledForm):
    reply = forms.CharField(label=_("回复内容"), widget=forms.Textarea(attrs={"rows": 3}))
    files = MultipleFileField(label=_("附件"), required=False)


class BulletinForm(StyledForm):
    period_kind = forms.ChoiceField(label=_("期间类型"), choices=PeriodKind.choices, initial=PeriodKind.MONTH)
    day = forms.DateField(label=_("所在日期（周/月）"), required=False,
                          widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    start = forms.DateField(label=_("起始日期（自定义）"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    end = forms.DateField(label=_("截止日期（自定义）"), required=False,
                          widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    formula = forms.ModelChoiceField(label=_("排名公式"), queryset=RankingFormula.objects.all(), required=False)
    title = forms.CharField(label=_("标题（可留空自动生成）"), max_length=200, required=False)

    def clean(self):
        from .bulletins import month_of, week_of

        data = super().clean()
        kind = data.get("period_kind")
        if kind == PeriodKind.CUSTOM:
            if not data.get("start") or not data.get("end"):
                raise forms.ValidationError(_("自定义期间请填写起止日期。"))
            if data["end"] < data["start"]:
                raise forms.ValidationError(_("截止日期不能早于起始日期。"))
        elif kind in (PeriodKind.WEEK, PeriodKind.MONTH):
            if not data.get("day"):
                raise forms.ValidationError(_("请选择所在日期。"))
            data["start"], data["end"] = (week_of if kind == PeriodKind.WEEK else month_of)(data["day"])
        return data


class FormulaForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)  # an edit's: the version shown

    class Meta:
        model = RankingFormula
        fields = ["name", "base", "w_report_on_time", "w_overdue_items", "w_findings", "w_rectified_on_time",
                  "is_default"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version
        _style(self)

    def _post_clean(self):
        # RankingFormula.clean runs in the service (full_clean): the form only checks the types.
        pass


class ScheduleForm(StyledForm):
    version = forms.IntegerField(widget=forms.HiddenInput)  # the schedule's, as the page showed it
    weekday = forms.TypedChoiceField(label=_("督查日"), choices=WEEKDAYS, coerce=int)
    type = forms.ChoiceField(label=_("默认督查方式"), choices=InspectionType.choices)
    count = forms.IntegerField(label=_("安排未来几次"), min_value=1, max_value=52, initial=4, required=False)


