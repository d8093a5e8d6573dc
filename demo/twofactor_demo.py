"""Two-factor login for the demo: when TAIZHANG_2FA_ENFORCED is on (production settings), the logins whose
roles require it (leader, admin, auditor) get a TOTP device with the demo secret TAIZHANG_DEMO_TOTP_KEY,
printed with the logins — add it to any authenticator app, or read the current code with
`manage.py demo_totp`. With enforcement off (`make run`) the demo logins stay password-only."""
import base64

from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User


def demo_users():
    return User.objects.filter(roles__code__in=settings.TAIZHANG_2FA_REQUIRED_ROLES, is_active=True).distinct()


def load(context):
    if not settings.TAIZHANG_2FA_ENFORCED:
        return {}
    for user in demo_users():
        TOTPDevice.objects.update_or_create(user=user, name="demo", defaults={
            "key": settings.TAIZHANG_DEMO_TOTP_KEY, "confirmed": True})
    return {}


def secret_base32():
    return base64.b32encode(bytes.fromhex(settings.TAIZHANG_DEMO_TOTP_KEY)).decode().rstrip("=")


def describe():
    """Lines for the printed logins (empty when the demo has no 2FA)."""
    users = [u.username for u in demo_users() if TOTPDevice.objects.filter(user=u, name="demo").exists()]
    if not users:
        return []
    return [f"\nTwo-factor login for {', '.join(users)} (demo secret, TOTP, 6 digits, 30 s):",
            f"  secret {secret_base32()}  — add it to an authenticator app, or run `manage.py demo_totp`"]
