"""Login, logout and failed login go to the audit log (the change log proper is written by services)."""
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .models import AuditAction, AuditOutcome
from .services import audit_record


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    audit_record(action=AuditAction.LOGIN, actor=user, object_type="accounts.user", object_id=str(user.pk),
                 object_repr=user.get_username())


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(action=AuditAction.LOGOUT, actor=user, object_type="accounts.user", object_id=str(user.pk),
                     object_repr=user.get_username())


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    audit_record(action=AuditAction.LOGIN_FAILED, outcome=AuditOutcome.FAILED, username=username,
                 object_type="accounts.user", object_repr=username)
