from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core import ports


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("审计日志")

    def ready(self):
        # the models are loaded only now (signals and services import them)
        from . import signals  # noqa: F401  login / logout / failed login
        from .services import audit_change, audit_record, diff, snapshot

        ports.audit.provide(record=audit_record, change=audit_change, snapshot=snapshot, diff=diff)
