"""API tokens (API 令牌) that expire like sessions, and their audited use.

`issue(user)` makes a key (returned once; only its SHA-256 is stored). `ExpiringTokenAuthentication` — the
API's `Authorization: Token <key>` — accepts it until SESSION_ABSOLUTE_TIMEOUT after issue and while it was
used within SESSION_IDLE_TIMEOUT (the last use is written at most once a minute, not on every request); an
expired or unknown key answers 401 and is audited as a failed login, an issued token as a login.
"""
import datetime
import hashlib
import secrets

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from audit.models import AuditAction, AuditOutcome
from audit.services import audit_record

from .models import ApiToken

LAST_USED_RESOLUTION = datetime.timedelta(seconds=60)
EXPIRED = _("令牌已过期，请重新获取。Token expired.")
INVALID = _("令牌无效。Invalid token.")


def digest_of(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def issue(user) -> str:
    """A new token for `user` (their expired ones are deleted); returns the key. Audited as a login."""
    now = timezone.now()
    expired_before(now).filter(user=user).delete()
    key = secrets.token_hex(20)
    ApiToken.objects.create(digest=digest_of(key), user=user, created_at=now, last_used_at=now)
    audit_record(action=AuditAction.LOGIN, actor=user, object_type="accounts.apitoken", object_id=str(user.pk),
                 object_repr=user.get_username(), message="签发 API 令牌")
    return key


def expired_before(now):
    from django.db.models import Q

    absolute = now - datetime.timedelta(seconds=settings.SESSION_ABSOLUTE_TIMEOUT)
    idle = now - datetime.timedelta(seconds=settings.SESSION_IDLE_TIMEOUT)
    return ApiToken.objects.filter(Q(created_at__lt=absolute) | Q(last_used_at__lt=idle))


class ExpiringTokenAuthentication(authentication.TokenAuthentication):
    keyword = "Token"

    def authenticate_credentials(self, key):
        now = timezone.now()
        token = ApiToken.objects.select_related("user").filter(digest=digest_of(key)).first()
        if token is None or not token.user.is_active:
            audit_record(action=AuditAction.LOGIN_FAILED, outcome=AuditOutcome.FAILED,
                         object_type="accounts.apitoken", message="无效的 API 令牌")
            raise exceptions.AuthenticationFailed(INVALID)
        absolute = token.created_at + datetime.timedelta(seconds=settings.SESSION_ABSOLUTE_TIMEOUT)
        idle = token.last_used_at + datetime.timedelta(seconds=settings.SESSION_IDLE_TIMEOUT)
        if now > absolute or now > idle:
            token.delete()
            audit_record(action=AuditAction.LOGIN_FAILED, outcome=AuditOutcome.FAILED, actor=token.user,
                         object_type="accounts.apitoken", object_id=str(token.user_id),
                         object_repr=token.user.get_username(),
                         message="API 令牌已过期（" + ("绝对时限" if now > absolute else "空闲超时") + "）")
            raise exceptions.AuthenticationFailed(EXPIRED)
        if now - token.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token
