"""Protections of the public pages (no login): every public form — 网上诉求, Open311, 民生实事征集 … — uses these.

- `rate_limited(request, bucket)`: a per-IP allowance (Django cache; settings.TAIZHANG_PORTAL_RATE =
  (requests, seconds)), counting submissions, look-ups and ratings alike;
- `ChallengeForm`: a challenge against automated submission — an arithmetic question whose answer is kept in
  the session (`new_challenge`), a honeypot field people never see (CSS class `tz-hp`), and a minimum time
  between showing the form and sending it (settings.TAIZHANG_PORTAL_MIN_SECONDS); `challenge_error` checks
  all three once the form is valid.
"""
import secrets
import time

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .middleware import client_ip

CHALLENGE_KEY = "portal_challenge"
SHOWN_AT_KEY = "portal_shown_at"


def rate_limited(request, bucket="portal"):
    """True when this IP has used up its allowance in `bucket` (counts this request)."""
    limit, window = getattr(settings, "TAIZHANG_PORTAL_RATE", (20, 3600))
    key = f"portal:{bucket}:{client_ip(request)}"
    cache.add(key, 0, window)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, window)
        count = 1
    return count > limit


def new_challenge(request):
    """A fresh question for the form being shown (its answer and the time it was shown go to the session)."""
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    request.session[CHALLENGE_KEY] = a + b
    request.session[SHOWN_AT_KEY] = time.time()
    return _("%(a)d 加 %(b)d 等于几？") % {"a": a, "b": b}


class ChallengeForm(forms.Form):
    """A public form's challenge fields: the answer to `new_challenge`'s question and the honeypot."""

    answer = forms.IntegerField(label=gettext_lazy("验证问题"))
    website = forms.CharField(required=False, label="", widget=forms.TextInput(attrs={
        "class": "tz-hp", "tabindex": "-1", "autocomplete": "off", "aria-hidden": "true"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("answer", "website"):  # after the form's own fields, whatever the subclass declares
            self.fields[name] = self.fields.pop(name)


def challenge_error(request, form):
    """Check a valid ChallengeForm against the question shown (used once: the session keys are consumed).
    Returns (field, message) to put on the form, or None when a person sent it."""
    expected = request.session.pop(CHALLENGE_KEY, None)
    shown_at = request.session.pop(SHOWN_AT_KEY, None)
    min_seconds = getattr(settings, "TAIZHANG_PORTAL_MIN_SECONDS", 3)
    if form.cleaned_data.get("website") or shown_at is None or time.time() - shown_at < min_seconds:
        return None, _("提交过快或表单已过期，请重新填写验证问题后提交。")
    if expected is None or form.cleaned_data["answer"] != expected:
        return "answer", _("验证问题回答错误，请重新作答。")
    return None
