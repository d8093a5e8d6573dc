"""Item reads: what a user may see, their to-do list, the 旬 submission board, rankings and counts.

Every function reaches items through `items_visible(user)` — the Item form of accounts.scope.visible_to
written with sub-queries instead of a join on co-units, so it needs no DISTINCT and keeps list pages and
aggregates on 1M items cheap. The number of queries never depends on the number of rows.
"""
from __future__ import annotations

import datetime

from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404
from django.utils import timezone

from accounts.scope import scope_q, user_scope, visible_to

from .kinds import kinds_without_dekad_reports
from .models import (
    OPEN_STATES,
    Attachment,
    ExtensionRequest,
    Instruction,
    Item,
    ItemAction,
    ItemState,
    Light,
    ProgressReport,
    RequestStatus,
)
from .periods import Period, current_period

CoUnits = Item.co_units.through


def _scope_q(user, prefix=""):
    """The Q selecting the items `user` may see (None = everything) — accounts.scope's rule, with `prefix`
    ("item__") for a model that points at Item."""
    return scope_q(user, Item, prefix)


def _within_scope(q, user, prefix=""):
    scope_cond = _scope_q(user, prefix)
    return q if scope_cond is None else q & scope_cond


def items_visible(user, queryset=None):
    """Items `user` may see: `accounts.scope.visible_to`, the one rule (its co-unit condition is a subquery,
    so no DISTINCT)."""
    return visible_to(user, queryset if queryset is not None else Item.objects.all())


def item_for_user(user, pk, queryset=None):
    """The item, or Http404 when it does not exist or lies outside the user's scope."""
    try:
        return items_visible(user, queryset).get(pk=pk)
    except (Item.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def attachment_for_user(user, pk) -> Attachment:
    """The attachment, or Http404 when it does not exist or its item is outside the user's scope."""
    try:
        att = Attachment.objects.select_related("item").get(pk=pk)
    except (Attachment.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if not items_visible(user).filter(pk=att.item_id).exists():
        raise Http404
    return att


def timeline(item):
    """The item's actions, oldest first, with actor, unit and attachments loaded (3 queries)."""
    return (ItemAction.objects.filter(item_id=getattr(item, "pk", item))
            .select_related("actor", "unit").prefetch_related("attachments").order_by("time", "id"))


def last_report(item):
    """The latest 旬 report of the item (to pre-fill the next one), or None."""
    return ProgressReport.objects.filter(item_id=getattr(item, "pk", item)).order_by("-period_start").first()


def report_initial(item, today=None) -> dict:
    """Initial values for this 旬's report form: the last report's values (fill once, change what moved)."""
    prev = last_report(item)
    if prev is None:
        return {"percent": getattr(item, "progress_percent", 0) or 0}
    return {"percent": prev.percent, "narrative": prev.narrative, "problems": prev.problems,
            "next_steps": prev.next_steps, "figures": prev.figures}


# --- to-do -------------------------------------------------------------------------------------------

def _mine_q(user, prefix=""):
    """Items the user's unit is responsible for, or assigned to the user — within the user's scope.
    Written as an OR of indexable terms (lead unit / assignee), each carrying the scope only where it is
    not implied, so databases can answer it with two index look-ups (SQLite's multi-index OR)."""
    scope = user_scope(user)
    parts = []
    if user.unit_id:
        lead = Q(**{f"{prefix}lead_unit_id": user.unit_id})
        parts.append(lead if scope.everything or user.unit_id in scope.unit_ids else _within_scope(lead, user, prefix))
    parts.append(_within_scope(Q(**{f"{prefix}assignee_id": user.pk}), user, prefix))
    q = parts[0]
    for part in parts[1:]:
        q |= part
    return q


def _dispatch_q(user, prefix=""):
    """Items the user dispatches: of a body they sit in (always within their scope), or created by them."""
    q = _within_scope(Q(**{f"{prefix}created_by_id": user.pk}), user, prefix)
    body_ids = user_scope(user).body_ids
    if body_ids:
        q = Q(**{f"{prefix}owning_body_id__in": sorted(body_ids)}) | q
    return q


def _no_user(user):
    return user is None or not getattr(user, "is_authenticated", False) or not user.is_active


def _owes_report_q(period):
    """In progress, of a kind that reports per 旬, and not yet reported for `period` (待报送)."""
    return (Q(state=ItemState.IN_PROGRESS) & ~Q(kind__in=kinds_without_dekad_reports())
            & (Q(last_report_on__isnull=True) | Q(last_report_on__lt=period.start)))


def todo_for(user, today=None) -> dict:
    """我的待办 — querysets of what waits for `user` across every kind:

    to_accept       assigned to my unit (or me), to sign for (签收) or bounce
    to_report       in progress in my unit without a report for the current 旬
    to_review       submitted in bodies I dispatch for (or created by me)
    overdue         open items of my unit (or me) past their due date
    instructions_awaiting_reply   leaders' instructions on my unit's items, not yet replied
    extensions_to_decide          pending extension requests on items I dispatch
    """
    today = today or timezone.localdate()
    period = current_period(today)
    if _no_user(user):
        none = Item.objects.none()
        return {key: (none if key not in ("instructions_awaiting_reply", "extensions_to_decide") else
                      (Instruction if key.startswith("instr") else ExtensionRequest).objects.none())
                for key in TODO_KEYS}
    items = Item.objects.select_related("lead_unit", "owning_body")
    mine = items.filter(_mine_q(user))
    dispatch = items.filter(_dispatch_q(user))
    return {
        "to_accept": mine.filter(state=ItemState.ASSIGNED).order_by("due_date", "pk"),
        "to_report": mine.filter(_owes_report_q(period)).order_by("due_date", "pk"),
        "to_review": dispatch.filter(state=ItemState.SUBMITTED).order_by("submitted_at", "pk"),
        "overdue": mine.filter(state__in=OPEN_STATES, due_date__lt=today).order_by("due_date", "pk"),
        # Joins (not IN lists) so the partial indexes of open instructions / pending requests drive them.
        "instructions_awaiting_reply": Instruction.objects.filter(replied_at__isnull=True)
        .filter(_mine_q(user, "item__")).select_related("item", "leader").order_by("reply_due", "pk"),
        "extensions_to_decide": ExtensionRequest.objects.filter(status=RequestStatus.PENDING)
        .filter(_dispatch_q(user, "item__")).select_related("item", "requested_by").order_by("requested_at", "pk"),
    }


TODO_KEYS = ("to_accept", "to_report", "to_review", "overdue", "instructions_awaiting_reply",
             "extensions_to_decide")


def todo_counts(user, today=None) -> dict:
    """The counts of todo_for in three queries (one conditional aggregate over items, two small counts)."""
    if _no_user(user):
        return dict.fromkeys(TODO_KEYS, 0)
    today = today or timezone.localdate()
    period = current_period(today)
    mine, dispatch = _mine_q(user), _dispatch_q(user)
    # Dispatchers only count what waits for review, so their (large) bodies are read through
    # (owning_body, state) for submitted items only.
    review = dispatch & Q(state=ItemState.SUBMITTED)
    counts = Item.objects.filter((mine & Q(state__in=OPEN_STATES)) | review).aggregate(
        to_accept=Count("pk", filter=mine & Q(state=ItemState.ASSIGNED)),
        to_report=Count("pk", filter=mine & _owes_report_q(period)),
        to_review=Count("pk", filter=review),
        overdue=Count("pk", filter=mine & Q(state__in=OPEN_STATES, due_date__lt=today)),
    )
    counts["instructions_awaiting_reply"] = Instruction.objects.filter(
        replied_at__isnull=True).filter(_mine_q(user, "item__")).count()
    counts["extensions_to_decide"] = ExtensionRequest.objects.filter(
        status=RequestStatus.PENDING).filter(_dispatch_q(user, "item__")).count()
    return counts


def todo_count(user) -> int:
    """The number in the navigation badge (sum of todo_counts, overdue counted only once as it overlaps).
    The to-do page has just counted them for this request (user.todo_counts_now): reuse, don't recount."""
    c = getattr(user, "todo_counts_now", None) or todo_counts(user)
    return c["to_accept"] + c["to_report"] + c["to_review"] + c["instructions_awaiting_reply"] + \
        c["extensions_to_decide"]


# --- the 旬 submission board -------------------------------------------------------------------------

def _period_end_boundary(period: Period):
    tz = timezone.get_current_timezone()
    return datetime.datetime.combine(period.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)


def submission_items(*, body=None, unit=None, period: Period | None = None, user=None):
    """The items that owe a report for `period` (in progress and accepted before the 旬 ended, or already
    reported for it), annotated with has_report / is_late. Filtered by body, by unit (and the units below
    it) and by the user's scope."""
    period = period or current_period()
    qs = items_visible(user) if user is not None else Item.objects.all()
    if body is not None:
        qs = qs.filter(owning_body_id=getattr(body, "pk", body))
    if unit is not None:
        from org.models import Unit

        unit_obj = unit if isinstance(unit, Unit) else Unit.objects.get(pk=unit)
        qs = qs.filter(lead_unit__path__startswith=unit_obj.path)
    reports = ProgressReport.objects.filter(item_id=OuterRef("pk"), period_start=period.start)
    qs = qs.annotate(has_report=Exists(reports), is_late_report=Exists(reports.filter(is_late=True)))
    owing = Q(state=ItemState.IN_PROGRESS, accepted_at__lt=_period_end_boundary(period)) | Q(has_report=True)
    return qs.filter(owing).exclude(kind__in=kinds_without_dekad_reports())


def _board_filters(*, body, unit, user, prefix=""):
    """Q for the board's body / unit (and below) / user scope, on Item or (prefix "item__") on a model
    pointing at Item."""
    q = Q()
    if body is not None:
        q &= Q(**{f"{prefix}owning_body_id": getattr(body, "pk", body)})
    if unit is not None:
        from org.models import Unit

        unit_obj = unit if isinstance(unit, Unit) else Unit.objects.get(pk=unit)
        q &= Q(**{f"{prefix}lead_unit__path__startswith": unit_obj.path})
    if user is not None:
        if _no_user(user):
            return None
        scope_q = _scope_q(user, prefix)
        if scope_q is not None:
            q &= scope_q
    return q


def submission_board(body=None, unit=None, period: Period | None = None, user=None, today=None) -> list[dict]:
    """Per lead unit: items owing a report for the 旬, reported, missing, late (3 queries).
    `missing` for the current 旬 means "not yet"; once the due date passed it means "missed".

    The same rows as submission_items(), counted in two set-based passes that each use an index: the
    items in progress (accepted before the 旬 ended), and the 旬's reports (whose items may have moved on
    since — they still owed and gave the report)."""
    from org.models import Unit

    period = period or current_period(today)
    item_q = _board_filters(body=body, unit=unit, user=user)
    if item_q is None:
        return []
    boundary = _period_end_boundary(period)
    owing_q = Q(state=ItemState.IN_PROGRESS, accepted_at__lt=boundary)
    counts = {}
    for r in (Item.objects.filter(item_q).filter(owing_q).order_by().values("lead_unit_id")
              .annotate(n=Count("pk"))):
        counts[r["lead_unit_id"]] = {"owing": r["n"], "reported": 0, "late": 0}
    # Written from Item joined to its report of the 旬 (one per item): the planner may start from the
    # user's units (lead_unit index) or from the 旬's reports (report_period_item), whichever is smaller.
    for r in (Item.objects.filter(item_q).filter(reports__period_start=period.start).order_by()
              .values("lead_unit_id")
              .annotate(n=Count("pk"), late=Count("pk", filter=Q(reports__is_late=True)),
                        extra=Count("pk", filter=~Q(state=ItemState.IN_PROGRESS)
                                    | Q(accepted_at__isnull=True) | Q(accepted_at__gte=boundary)))):
        entry = counts.setdefault(r["lead_unit_id"], {"owing": 0, "reported": 0, "late": 0})
        entry["owing"] += r["extra"]
        entry["reported"] += r["n"]
        entry["late"] += r["late"]
    units = Unit.objects.in_bulk([pk for pk in counts if pk])
    today = today or timezone.localdate()
    board = []
    for unit_id, c in counts.items():
        board.append({
            "unit_id": unit_id, "unit": units.get(unit_id),
            "owing": c["owing"], "reported": c["reported"], "missing": c["owing"] - c["reported"],
            "late": c["late"], "overdue": today > period.due and c["owing"] > c["reported"],
        })
    board.sort(key=lambda x: (-x["missing"], -x["late"], getattr(x["unit"], "path", "")))
    return board


# --- rankings and counts ------------------------------------------------------------------------------

def overdue_items(user, today=None):
    today = today or timezone.localdate()
    return items_visible(user).filter(state__in=OPEN_STATES, due_date__lt=today)


def overdue_by_unit(user, today=None) -> list[dict]:
    """Open overdue items per lead unit, most first (2 queries)."""
    from org.models import Unit

    rows = list(overdue_items(user, today).order_by().values("lead_unit_id")
                .annotate(count=Count("*")).order_by("-count", "lead_unit_id"))  # COUNT(*): index-only scan
    # Names only: a district has hundreds of units, and the rows are for a ranking, not for editing.
    units = Unit.objects.only("id", "name", "short_name").in_bulk([r["lead_unit_id"] for r in rows if r["lead_unit_id"]])
    return [{"unit_id": r["lead_unit_id"], "unit": units.get(r["lead_unit_id"]), "count": r["count"]} for r in rows]


def light_counts_by_body(user) -> list[dict]:
    """Per owning body: how many open items are red, yellow, green (2 queries)."""
    from org.models import Body

    rows = (items_visible(user).filter(state__in=OPEN_STATES, owning_body__isnull=False).order_by()
            .values("owning_body_id", "light").annotate(count=Count("*")))  # COUNT(*): index-only scan
    by_body = {}
    for r in rows:
        entry = by_body.setdefault(r["owning_body_id"], {Light.RED: 0, Light.YELLOW: 0, Light.GREEN: 0,
                                                        Light.NONE: 0})
        entry[r["light"]] = entry.get(r["light"], 0) + r["count"]
    bodies = Body.objects.in_bulk(list(by_body))
    result = [{"body_id": pk, "body": bodies.get(pk), "red": c[Light.RED], "yellow": c[Light.YELLOW],
               "green": c[Light.GREEN], "total": sum(c.values())} for pk, c in by_body.items()]
    result.sort(key=lambda x: (getattr(x["body"], "sort_order", 0), x["body_id"]))
    return result


def light_counts(user, queryset=None) -> dict:
    """Counts of open items per light for `user` (one query)."""
    qs = items_visible(user, queryset).filter(state__in=OPEN_STATES)
    return qs.aggregate(red=Count("pk", filter=Q(light=Light.RED)), yellow=Count("pk", filter=Q(light=Light.YELLOW)),
                        green=Count("pk", filter=Q(light=Light.GREEN)))
