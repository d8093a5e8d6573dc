"""What the kit in `core` needs from the apps above it — the data scope and the audit log — handed to it
when Django starts.

`core` is the bottom layer (docs/architecture.md, enforced by the import contracts in `.importlinter`): it
imports none of our apps. Yet every generic view must be scoped and every generic write audited by
construction. So `accounts` and `audit` provide their functions here in their `AppConfig.ready()` — the
same inversion as Django's `AUTH_USER_MODEL` — and the kit calls `ports.scope.visible_to(...)`,
`ports.audit.record(...)`. A port used before it is provided is a configuration error, never a silent
"no scope".
"""
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured


class _Port:
    """Attributes filled by `provide()`; reading one before that raises ImproperlyConfigured."""

    def __init__(self, name, members):
        self._name, self._members, self._provided = name, members, {}

    def provide(self, **functions):
        unknown = set(functions) - set(self._members)
        if unknown:
            raise ImproperlyConfigured(f"core.ports.{self._name}: unknown member(s) {sorted(unknown)}")
        self._provided.update(functions)

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self._provided[name]
        except KeyError:
            raise ImproperlyConfigured(
                f"core.ports.{self._name}.{name} is not provided: is its app in INSTALLED_APPS?") from None


@dataclass(frozen=True)
class AuditActions:
    """The audit log's action codes the kit writes (audit.models.AuditAction values)."""

    create: str = "create"
    update: str = "update"
    delete: str = "delete"
    export: str = "export"
    workflow: str = "workflow"
    denied: str = "denied"


AUDIT = AuditActions()

# accounts.apps: visible_to(user, qs, action="view"), get_scoped_or_404(user, qs, action, **lookup),
# has_model_permission(user, model, action), may_see_personal_data(user), user_scope(user)
scope = _Port("scope", ("visible_to", "get_scoped_or_404", "has_model_permission", "may_see_personal_data",
                        "user_scope"))

# audit.apps: record(**audit_record kwargs), change(action, obj, actor=, before=), snapshot(obj), diff(a, b)
audit = _Port("audit", ("record", "change", "snapshot", "diff"))
