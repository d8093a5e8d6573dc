"""Which rows may this user see or change — the one place that answers it.

Every page, export, report, API endpoint and Open311 call reaches rows through `visible_to()`.
A model says how its rows relate to units, people and bodies with class attributes:

    scope_public = True              every signed-in user may view every row (org structure)
    scope_units  = ("lead_unit", …)  a row belongs to these units (FK or M2M to org.Unit)
    scope_self   = ("assignee", …)   a row belongs to these users (for the 仅本人 scope)
    scope_bodies = ("owning_body",)  body members see the body's rows
    scope_unit_is_row = True         the row *is* a unit (org.Unit)

Viewing needs only the data scope. Any other action ("add", "change", "delete") also needs the model
permission `app.<action>_<model>` from one of the user's roles; the rows it applies to are the same scope.
"""
from dataclasses import dataclass, field

from django.db.models import Q
from django.http import Http404

from org.models import Seat, Unit

from .models import DataScope

VIEW = "view"


@dataclass
class UserScope:
    everything: bool = False
    unit_ids: set = field(default_factory=set)
    self_only: bool = False
    body_ids: set = field(default_factory=set)


def user_scope(user):
    """The union of the user's roles' data scopes, computed once per user object (i.e. per request)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return UserScope()
    cached = getattr(user, "_taizhang_scope", None)
    if cached is not None:
        return cached
    scope = UserScope()
    if user.is_superuser:
        scope.everything = True
    for role in user.roles.all():
        if role.data_scope == DataScope.ALL:
            scope.everything = True
        elif role.data_scope == DataScope.UNIT_AND_BELOW and user.unit_id:
            scope.unit_ids |= set(Unit.objects.filter(path__startswith=user.unit.path).values_list("pk", flat=True))
        elif role.data_scope == DataScope.UNIT and user.unit_id:
            scope.unit_ids.add(user.unit_id)
        elif role.data_scope == DataScope.CUSTOM:
            scope.unit_ids |= set(role.custom_units.values_list("pk", flat=True))
        elif role.data_scope == DataScope.SELF:
            scope.self_only = True
    if user.person_id:
        scope.body_ids = set(Seat.objects.filter(person_id=user.person_id).values_list("body_id", flat=True))
    user._taizhang_scope = scope
    return scope


def _path_q(model, path, ids, prefix=""):
    """`path__in=ids`; when the path's last hop is a many-to-many (an item's co-units) as a subquery on the
    through table, so that rows are not repeated — no DISTINCT, and the through table's index is used."""
    parts = path.split("__")
    owner = model
    for part in parts[:-1]:
        owner = owner._meta.get_field(part).related_model
    field = owner._meta.get_field(parts[-1])
    if field.many_to_many and not field.auto_created:
        through = field.remote_field.through
        rows = through.objects.filter(**{f"{field.m2m_reverse_field_name()}__in": ids}).values(field.m2m_field_name())
        lead = "__".join(parts[:-1])
        return Q(**{f"{prefix}{lead + '__' if lead else ''}pk__in": rows})
    return Q(**{f"{prefix}{path}__in": ids})


def scope_q(user, model, prefix=""):
    """The Q selecting the rows of `model` that `user` may view; None means no restriction. `prefix`
    ("item__") builds the same condition for a model that points at `model` — the board's reports, say."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    scope = user_scope(user)
    if scope.everything:
        return None
    q = Q(**{f"{prefix}pk__in": []})
    if getattr(model, "scope_unit_is_row", False):
        q |= Q(**{f"{prefix}pk__in": sorted(scope.unit_ids)})
    if scope.unit_ids:
        unit_ids = sorted(scope.unit_ids)
        for name in getattr(model, "scope_units", ()):
            q |= _path_q(model, name, unit_ids, prefix)
    if scope.body_ids:
        body_ids = sorted(scope.body_ids)
        for name in getattr(model, "scope_bodies", ()):
            q |= _path_q(model, name, body_ids, prefix)
    if scope.self_only:
        for name in getattr(model, "scope_self", ()):
            q |= Q(**{f"{prefix}{name}": user.pk})
    return q


def _repeats_rows(model):
    """Whether a scope path goes *through* a many-to-many before its end (then a row can match twice)."""
    for path in (*getattr(model, "scope_units", ()), *getattr(model, "scope_bodies", ())):
        owner = model
        for part in path.split("__")[:-1]:
            field = owner._meta.get_field(part)
            if field.many_to_many or field.one_to_many:
                return True
            owner = field.related_model
    return False


def has_model_permission(user, model, action):
    if action == VIEW:
        return True
    opts = model._meta
    return user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}")


def visible_to(user, queryset, action=VIEW):
    """`queryset` narrowed to the rows `user` may `action` ("view", "add", "change", "delete")."""
    model = queryset.model
    if user is None or not user.is_authenticated or not user.is_active:
        return queryset.none()
    if not has_model_permission(user, model, action):
        return queryset.none()
    if action == VIEW and getattr(model, "scope_public", False):
        return queryset
    q = scope_q(user, model)
    if q is None:
        return queryset
    narrowed = queryset.filter(q)
    return narrowed.distinct() if _repeats_rows(model) else narrowed


def can(user, obj, action=VIEW):
    """Whether `user` may `action` this one object (same rule as visible_to)."""
    return visible_to(user, type(obj)._default_manager.filter(pk=obj.pk), action).exists()


def get_scoped_or_404(user, queryset, action=VIEW, **lookup):
    """The object, or 404 when it does not exist *or* lies outside the user's scope (no existence leak)."""
    try:
        return visible_to(user, queryset, action).get(**lookup)
    except queryset.model.DoesNotExist as exc:
        raise Http404 from exc


def may_add(user, model, unit=None):
    """May `user` create a `model` row (belonging to `unit`, for scoped models)?"""
    if not has_model_permission(user, model, "add"):
        return False
    scope = user_scope(user)
    if scope.everything or unit is None:
        return True
    return unit.pk in scope.unit_ids
