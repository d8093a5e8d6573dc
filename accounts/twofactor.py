"""Two-factor login (双因素认证, 等保 2.0 level 3) with django-otp: a TOTP authenticator app, plus ten
single-use backup codes.

- Required for administrators, auditors and leaders (TAIZHANG_2FA_REQUIRED_ROLES) when TAIZHANG_2FA_ENFORCED
  is on (the production default); optional for everyone else, who may enrol on their 双因素认证 page.
- Whoever has a confirmed device must give its code after the password, enforced or not.
- `TwoFactorMiddleware` is the one gate: a session that still owes its code reaches only the 2FA pages and
  logout (the API answers 403); a required user without a device is sent to enrolment first.
"""
import base64
import io

from django.conf import settings
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .roles import role_codes

BACKUP_CODES = 10
NOTHING_OWED_KEY = "taizhang_2fa_nothing_owed"
OPEN_PATHS = ("/accounts/2fa/", "/accounts/logout/", "/static/", "/i18n/", "/jsi18n/", "/health/", "/metrics")


def is_required(user) -> bool:
    """Must this user use two-factor login (their role, and enforcement on)?"""
    if not settings.TAIZHANG_2FA_ENFORCED or not user.is_authenticated:
        return False
    return user.is_superuser or bool(role_codes(user) & set(settings.TAIZHANG_2FA_REQUIRED_ROLES))


def has_device(user) -> bool:
    return user.is_authenticated and user_has_device(user, confirmed=True)


def totp_device(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def verify(user, code: str):
    """The device (TOTP, or the backup codes) that accepts `code`, or None. django-otp throttles failures."""
    code = (code or "").strip().replace(" ", "")
    if not code:
        return None
    with transaction.atomic():  # the devices are locked while a code is checked (no replay in parallel)
        for device in devices_for_user(user, confirmed=True, for_verify=True):
            if device.verify_is_allowed()[0] and device.verify_token(code):
                return device
    return None


def check_for_token(user, code) -> str | None:
    """Why an API token may not be issued to `user` with this code (None: it may)."""
    if has_device(user):
        return None if verify(user, code) else _("动态验证码错误。Wrong or missing two-factor code (otp_token).")
    if is_required(user):
        return _("该账号须先在网页上启用双因素认证。Enrol two-factor login on the web first.")
    return None


def start_enrolment(user) -> TOTPDevice:
    """The user's unconfirmed TOTP device (a new secret unless one is pending)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="TOTP", confirmed=False)


def confirm_enrolment(user, device, code) -> list[str] | None:
    """Confirm `device` with a code from the app; returns the new backup codes (shown once), or None."""
    if not device.verify_token((code or "").strip()):
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return new_backup_codes(user)


def new_backup_codes(user) -> list[str]:
    static, _created = StaticDevice.objects.get_or_create(user=user, name="backup", defaults={"confirmed": True})
    static.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=c) for c in codes])
    return codes


def remove(user):
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def qr_svg_data_uri(device) -> str:
    """The otpauth:// URL as an SVG QR code, for an <img> (CSP allows data: images, not inline scripts)."""
    import qrcode
    import qrcode.image.svg

    out = io.BytesIO()
    qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage).save(out)
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode()


def secret_base32(device) -> str:
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def remember_nothing_owed(sender, request, user, **kwargs):
    """user_logged_in receiver: a login without a device and without a required role owes no code — noted in
    the session, so the gate costs no query on its requests (enrolling later, in this session, verifies it)."""
    if request is not None and hasattr(request, "session") and not has_device(user) and not is_required(user):
        request.session[NOTHING_OWED_KEY] = True


class TwoFactorMiddleware:
    """After django_otp's OTPMiddleware: a signed-in session that owes its code (a device, or a required role)
    reaches only the 2FA pages, logout and static files."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated and not request.path.startswith(OPEN_PATHS)
                and not user.is_verified() and not request.session.get(NOTHING_OWED_KEY)):
            enrolled = has_device(user)
            if enrolled or is_required(user):
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": _("需要双因素认证。Two-factor verification required.")},
                                        status=403)
                target = reverse("accounts:2fa_verify" if enrolled else "accounts:2fa_setup")
                return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
