"""Reads of the supervision pages and API, all scoped through accounts.scope.visible_to.

- Inspections: a unit sees the inspections that targeted it — an unannounced one (明察暗访) only once held;
  supervisors see all.
- Findings: scoped like every item (lead unit, co-units, owning body …).
- 督办单: seen by whoever sees its item's unit; 通报: published ones by everyone signed in, drafts by
  supervisors only.
"""
from __future__ import annotations

import datetime

from django.db.models import Count, Q
from django.utils import timezone

from accounts.roles import is_admin, is_supervisor
from accounts.scope import visible_to
from items.models import OPEN_STATES, Item, ItemState, Light

from .models import (
    Bulletin,
    BulletinState,
    Finding,
    Inspection,
    InspectionState,
    InspectionType,
    SupervisionNotice,
)


def may_supervise(user) -> bool:
    """督查人员 or 系统管理员: plans inspections, records findings, issues 督办单 and 通报 (accounts.roles)."""
    return is_supervisor(user) or is_admin(user)


def inspections_visible(user, action="view"):
    qs = visible_to(user, Inspection.objects.all(), action)
    if not may_supervise(user):
        qs = qs.exclude(type=InspectionType.UNANNOUNCED, state=InspectionState.PLANNED)
    return qs


def inspection_target_items(user, inspection):
    """督查事项: the inspection's target items that the user may see (a town sees only its own among them)."""
    return visible_to(user, inspection.target_items.all()).order_by("number")


def findings_visible(user):
    return visible_to(user, Finding.objects.all())


def notices_visible(user):
    return visible_to(user, SupervisionNotice.objects.all())


def bulletins_visible(user):
    qs = visible_to(user, Bulletin.objects.all())
    return qs if may_supervise(user) else qs.filter(state=BulletinState.PUBLISHED)


def awaiting_verification_count(user):
    return findings_visible(user).filter(state=ItemState.RECTIFIED).count()


def this_week(user, today=None):
    """The week of `today` (Monday–Sunday): its planned and held inspections and what they found."""
    today = today or timezone.localdate()
    start = today - datetime.timedelta(days=today.weekday())
    end = start + datetime.timedelta(days=6)
    inspections = list(inspections_visible(user).filter(date__range=(start, end))
                       .prefetch_related("target_units", "team").order_by("date", "id"))
    findings = (findings_visible(user).filter(Q(inspection__in=[i.pk for i in inspections])
                                              | Q(found_on__range=(start, end)))
                .select_related("lead_unit", "inspection").order_by("-found_on", "-pk"))
    return {"start": start, "end": end, "today": today, "inspections": inspections, "findings": list(findings)}


def dashboard(user, today=None):
    """Findings by state and by unit, overdue rectifications, lights — over the findings `user` may see."""
    today = today or timezone.localdate()
    qs = findings_visible(user).order_by()
    by_state = {row["state"]: row["n"] for row in qs.values("state").annotate(n=Count("pk"))}
    states = [(value, label, ItemState.color(value), by_state.get(value, 0))
              for value, label in ItemState.choices if value in by_state or value in (
                  ItemState.IN_PROGRESS, ItemState.RECTIFIED, ItemState.STRUCK_OFF)]
    lights = {row["light"]: row["n"] for row in qs.filter(state__in=OPEN_STATES).values("light")
              .annotate(n=Count("pk"))}
    by_unit = list(qs.filter(lead_unit__isnull=False).values("lead_unit_id", "lead_unit__name", "lead_unit__short_name")
                   .annotate(total=Count("pk"),
                             open=Count("pk", filter=Q(state__in=OPEN_STATES)),
                             rectified=Count("pk", filter=Q(state=ItemState.RECTIFIED)),
                             struck_off=Count("pk", filter=Q(state=ItemState.STRUCK_OFF)),
                             overdue=Count("pk", filter=Q(state__in=OPEN_STATES, due_date__lt=today)))
                   .order_by("-open", "-total", "lead_unit__name"))
    overdue = (qs.filter(state__in=OPEN_STATES, due_date__lt=today).exclude(state=ItemState.RECTIFIED)
               .select_related("lead_unit").order_by("due_date", "pk")[:20])
    awaiting = qs.filter(state=ItemState.RECTIFIED).select_related("lead_unit").order_by("rectified_at", "pk")[:20]
    return {
        "total": sum(by_state.values()),
        "states": states,
        "lights": [(value, label, Light.color(value), lights.get(value, 0))
                   for value, label in Light.choices if value != Light.NONE],
        "by_unit": by_unit,
        "overdue": list(overdue),
        "awaiting": list(awaiting),
        "today": today,
    }


def evidence(finding):
    """The finding's files on its timeline, newest first, with the action they came with."""
    return (finding.attachments.select_related("action", "uploaded_by").order_by("-created_at", "-pk"))


def items_visible(user):
    """Items of every kind `user` may see (targets of inspections, 督办单, the rows behind a bulletin)."""
    return visible_to(user, Item.objects.all())


def red_items(user, limit=10):
    """Red items of other ledgers (overdue …): candidates for a finding or a 督办单, worst first."""
    return list(items_visible(user).filter(light=Light.RED, state__in=OPEN_STATES).exclude(kind="finding")
                .select_related("lead_unit").order_by("due_date", "pk")[:limit])
