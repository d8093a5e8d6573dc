"""网上诉求平台 — the public portal under /appeals/public/: no login, phone-sized first.

Every view here has `public = True` (the URL-scope test recognises public views by it). Defences:
- core.portal's per-IP rate limit (counting submissions, look-ups and ratings alike) and its challenge
  against automated submission (an arithmetic question, a honeypot, a minimum time to fill the form);
- no enumeration: a wrong number and a wrong code give the same "not found" page (404), and the code is
  checked against a slow hash;
- nothing internal on the public page: only the state, dates, the public reply and the rating — no staff
  notes, names, units' internal remarks or personal data.
"""

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core.errors import NotFound, ValidationError
from core.portal import ChallengeForm, challenge_error, new_challenge, rate_limited
from core.validators import validate_mobile
from items.forms import MultipleFileField
from items.models import ItemState
from org.models import Area

from . import services
from .forms import _style
from .models import AppealCategory, DissatisfactionReason, Satisfaction

PUBLIC_STATES = {
    ItemState.DRAFT: gettext_lazy("已受理，待派单"),
    ItemState.ASSIGNED: gettext_lazy("已派单，待承办单位签收"),
    ItemState.BOUNCED: gettext_lazy("正在重新派单"),
    ItemState.IN_PROGRESS: gettext_lazy("办理中"),
    ItemState.SUBMITTED: gettext_lazy("办理中（审核）"),
    ItemState.CLOSED: gettext_lazy("已办结"),
}


def _too_many(request):
    return render(request, "appeals/portal/message.html", {
        "title": _("请求过于频繁"), "message": _("您的操作过于频繁，请稍后再试；紧急情况请拨打12345热线。")}, status=429)


class SubmitForm(ChallengeForm):
    category = forms.ModelChoiceField(label=gettext_lazy("诉求类别"), empty_label=gettext_lazy("请选择"),
                                      queryset=AppealCategory.objects.filter(is_public=True, is_active=True))
    description = forms.CharField(label=gettext_lazy("诉求内容"), min_length=5, max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 5}))
    area = forms.ModelChoiceField(label=gettext_lazy("所在镇（街道）"), required=False, empty_label=gettext_lazy("不清楚"),
                                  queryset=Area.objects.filter(depth=1).order_by("sort_order", "path"))
    location = forms.CharField(label=gettext_lazy("事发地点"), max_length=200, required=False)
    lng = forms.DecimalField(label=gettext_lazy("经度"), required=False, max_digits=9, decimal_places=6,
                             min_value=-180, max_value=180, widget=forms.HiddenInput)
    lat = forms.DecimalField(label=gettext_lazy("纬度"), required=False, max_digits=9, decimal_places=6,
                             min_value=-90, max_value=90, widget=forms.HiddenInput)
    photos = MultipleFileField(label=gettext_lazy("照片（可选，最多3张）"), required=False)
    name = forms.CharField(label=gettext_lazy("称呼（可选）"), max_length=50, required=False)
    phone = forms.CharField(label=gettext_lazy("手机号码（可选，便于回访）"), max_length=20, required=False,
                            validators=[validate_mobile])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)
        self.fields["photos"].widget.attrs.update({"class": "form-control", "accept": "image/jpeg,image/png"})


class TrackForm(forms.Form):
    tracking_number = forms.CharField(label=gettext_lazy("查询编号"), max_length=20)
    code = forms.CharField(label=gettext_lazy("查询码"), max_length=10)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class RateForm(TrackForm):
    satisfaction = forms.ChoiceField(label=gettext_lazy("满意度"), choices=Satisfaction.choices,
                                     widget=forms.RadioSelect)
    reason = forms.ChoiceField(label=gettext_lazy("不满意的原因"), required=False,
                               choices=[("", "—")] + list(DissatisfactionReason.choices))
    note = forms.CharField(label=gettext_lazy("意见（可选）"), max_length=500, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class PortalHome(View):
    public = True

    def get(self, request):
        return render(request, "appeals/portal/home.html", {"title": _("网上诉求")})


class PortalSubmit(View):
    public = True
    template_name = "appeals/portal/submit.html"

    def _render(self, request, form, status=200):
        return render(request, self.template_name, {"form": form, "question": new_challenge(request),
                                                    "title": _("我要反映")}, status=status)

    def get(self, request):
        return self._render(request, SubmitForm())

    def post(self, request):
        if rate_limited(request):
            return _too_many(request)
        form = SubmitForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._render(request, form, status=400)
        error = challenge_error(request, form)
        if error:
            form.add_error(*error)
            return self._render(request, form, status=400)
        photos = form.cleaned_data.get("photos") or []
        if len(photos) > 3:
            form.add_error("photos", _("最多上传3张照片。"))
            return self._render(request, form, status=400)
        cd = form.cleaned_data
        try:
            appeal, code = services.public_submit(
                category=cd["category"], description=cd["description"], area=cd["area"], location=cd["location"], lng=cd["lng"],
                lat=cd["lat"], name=cd["name"], phone=cd["phone"], photos=photos)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
            return self._render(request, form, status=400)
        return render(request, "appeals/portal/submitted.html", {
            "title": _("提交成功"), "tracking_number": appeal.tracking_number, "code": code}, status=201)


def public_view(appeal):
    """What the public page may show: state, dates, category, the public reply — nothing else."""
    steps = []
    for row in appeal.actions.filter(to_state__in=list(PUBLIC_STATES)).order_by("time", "id"):
        if row.from_state != row.to_state:
            steps.append({"time": row.time, "label": PUBLIC_STATES.get(row.to_state, "")})
    return {
        "tracking_number": appeal.tracking_number, "category": appeal.category.name,
        "created_at": appeal.created_at, "state": PUBLIC_STATES.get(appeal.state, _("办理中")),
        "closed": appeal.state == ItemState.CLOSED, "reply": appeal.reply if appeal.state == ItemState.CLOSED else "",
        "outcome": appeal.get_outcome_display() if appeal.state == ItemState.CLOSED else "",
        "satisfaction": appeal.get_satisfaction_display() if appeal.satisfaction else "",
        "may_rate": appeal.state == ItemState.CLOSED and (appeal.rated_at is None or (
            appeal.closed_at is not None and appeal.rated_at < appeal.closed_at)),
        "steps": steps,
    }


def _not_found(request, form):
    return render(request, "appeals/portal/track.html", {
        "form": form, "title": _("查询办理进度"),
        "not_found": _("未找到该诉求：请核对查询编号和查询码。")}, status=404)


class PortalTrack(View):
    public = True

    def get(self, request):
        return render(request, "appeals/portal/track.html", {"form": TrackForm(), "title": _("查询办理进度")})

    def post(self, request):
        if rate_limited(request):
            return _too_many(request)
        form = TrackForm(request.POST)
        if not form.is_valid():
            return render(request, "appeals/portal/track.html", {"form": form, "title": _("查询办理进度")},
                          status=400)
        try:
            appeal = services.public_lookup(form.cleaned_data["tracking_number"], form.cleaned_data["code"])
        except NotFound:
            return _not_found(request, form)
        return render(request, "appeals/portal/status.html", {
            "title": _("办理进度"), "a": public_view(appeal),
            "rate_form": RateForm(initial={"tracking_number": appeal.tracking_number,
                                           "code": form.cleaned_data["code"]})})


class PortalRate(View):
    public = True

    def post(self, request):
        if rate_limited(request):
            return _too_many(request)
        form = RateForm(request.POST)
        if not form.is_valid():
            return render(request, "appeals/portal/track.html", {"form": TrackForm(request.POST),
                                                                 "title": _("查询办理进度")}, status=400)
        cd = form.cleaned_data
        try:
            services.public_rate(tracking_number=cd["tracking_number"], code=cd["code"],
                                 satisfaction=cd["satisfaction"], reason=cd["reason"], note=cd["note"])
        except NotFound:
            return _not_found(request, TrackForm(request.POST))
        except ValidationError as exc:
            appeal = services.public_lookup(cd["tracking_number"], cd["code"])
            return render(request, "appeals/portal/status.html", {
                "title": _("办理进度"), "a": public_view(appeal), "rate_form": form,
                "error": "；".join(exc.messages)}, status=400)
        appeal = services.public_lookup(cd["tracking_number"], cd["code"])
        return render(request, "appeals/portal/status.html", {
            "title": _("办理进度"), "a": public_view(appeal), "thanks": True,
            "rate_form": RateForm(initial={"tracking_number": cd["tracking_number"], "code": cd["code"]})})
