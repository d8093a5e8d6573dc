"""Role predicates — who a user is, regardless of any particular row. Every app asks these; none writes
its own (workflow relationships to one item live in items.workflow.roles_of, built on these).

    is_admin       系统管理员: superuser or role "admin"
    is_leader      领导: role "district_leader", or a seat in a command HQ (总指挥部)
    is_supervisor  督查人员: role "supervisor" (作风督查组)
    is_hq_member   a seat in a command HQ
    may_dispatch   交办方 of a body: may 交办 and review its work
"""
from org.models import Body, BodyKind

from .scope import user_scope

ADMIN_ROLE = "admin"
LEADER_ROLE = "district_leader"
SUPERVISOR_ROLE = "supervisor"


def _active(user):
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def role_codes(user) -> set[str]:
    """The codes of the user's roles, cached on the user object (i.e. per request)."""
    if not _active(user):
        return set()
    cached = getattr(user, "_taizhang_role_codes", None)
    if cached is None:
        cached = set(user.roles.values_list("code", flat=True))
        user._taizhang_role_codes = cached
    return cached


def is_hq_member(user) -> bool:
    """A seat in a command HQ (总指挥部) — cached on the user object."""
    if not _active(user):
        return False
    cached = getattr(user, "_taizhang_hq_member", None)
    if cached is None:
        body_ids = user_scope(user).body_ids
        cached = bool(body_ids) and Body.objects.filter(pk__in=body_ids, kind=BodyKind.COMMAND).exists()
        user._taizhang_hq_member = cached
    return cached


def is_admin(user) -> bool:
    return _active(user) and bool(user.is_superuser or ADMIN_ROLE in role_codes(user))


def is_leader(user) -> bool:
    return _active(user) and (LEADER_ROLE in role_codes(user) or is_hq_member(user))


def is_supervisor(user) -> bool:
    return _active(user) and SUPERVISOR_ROLE in role_codes(user)


def may_dispatch(user, body) -> bool:
    """交办方 of `body`: may 交办 (dispatch) its work and review it. An administrator or a leader for any body;
    otherwise a person seated in `body` or in a body above it (the 总指挥部 above every 专班)."""
    if not _active(user) or body is None:
        return False
    if is_admin(user) or is_leader(user):
        return True
    seated = user_scope(user).body_ids
    if not seated:
        return False
    seen = set()
    while body is not None and body.pk not in seen:
        if body.pk in seated:
            return True
        seen.add(body.pk)
        body = body.parent
    return False


def dispatchable_bodies(user, queryset):
    """The bodies of `queryset` that `user` may dispatch for (a form's choices): all of them for an
    administrator or a leader, else the bodies the user sits in and the bodies below those."""
    if not _active(user):
        return queryset.none()
    if is_admin(user) or is_leader(user):
        return queryset
    seated = user_scope(user).body_ids
    if not seated:
        return queryset.none()
    allowed, frontier = set(seated), set(seated)
    while frontier:  # bodies below a seated body (a 专班's sub-groups)
        frontier = set(Body.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - allowed
        allowed |= frontier
    return queryset.filter(pk__in=allowed)
