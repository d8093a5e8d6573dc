"""红黄绿灯 — the traffic light of an item, one rule for every kind plus the kind's own part.

    none    draft, closed or struck off
    red     overdue: the due date has passed
    yellow  due within settings.TAIZHANG_LIGHTS["yellow_working_days"] working days; or the previous 旬's
            report is missing (an item in progress, accepted before that 旬's due date, whose latest report
            is older than that 旬 — a report in the current 旬 counts as catching up); or the kind says it
            is behind schedule (KindSpec.light_rule(item, today) → (light, reason) or None)
    green   otherwise

The light is stored on the item (light, light_reason) so lists and counts are plain indexed queries.
perform() recomputes it on every action; `manage.py recompute_lights` recomputes every item with a handful of
set-based UPDATEs (the date thresholds are computed once in Python, the comparison runs in the database).

A kind's rule may also carry a set-based form for the periodic recompute: `light_rule.bulk(items, today)`
(items: a queryset of candidate Item rows of that kind) returning (pk, light, reason) rows for the items
the kind wants to colour. Without it the command calls the rule once per candidate item.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .calendar import add_workdays
from .kinds import all_kinds, kind_spec, kinds_without_dekad_reports
from .models import DONE_STATES, OPEN_STATES, Item, ItemState, Light
from .periods import Period, last_completed_period

SEVERITY = {Light.NONE: 0, Light.GREEN: 1, Light.YELLOW: 2, Light.RED: 3}


def yellow_working_days() -> int:
    return int(getattr(settings, "TAIZHANG_LIGHTS", {}).get("yellow_working_days", 3))


@dataclass(frozen=True)
class Thresholds:
    """Everything the rule needs that depends only on `today`, computed once per run."""

    today: datetime.date
    yellow_until: datetime.date  # due on or before this date (and not overdue) → yellow
    report_period: Period  # the last completed 旬, whose report an item in progress owes
    report_accepted_before: datetime.datetime  # accepted before this instant → owed that report

    @classmethod
    def for_day(cls, today):
        period = last_completed_period(today)
        tz = timezone.get_current_timezone()
        boundary = datetime.datetime.combine(period.due, datetime.time.min, tzinfo=tz)
        return cls(today, add_workdays(today, yellow_working_days()), period, boundary)

    # Reasons are the same text in compute_light and the bulk command, so recomputing changes nothing.
    def overdue_reason(self):
        return _("已超过办理期限")

    def due_soon_reason(self):
        return _("%(n)s个工作日内到期") % {"n": yellow_working_days()}

    def missed_report_reason(self):
        return _("%(period)s进展未报送") % {"period": self.report_period.label}


def _shared_light(item, t: Thresholds):
    if item.state not in OPEN_STATES:
        return Light.NONE, ""
    if item.due_date and item.due_date < t.today:
        return Light.RED, t.overdue_reason()
    if item.due_date and item.due_date <= t.yellow_until:
        return Light.YELLOW, t.due_soon_reason()
    if (item.state == ItemState.IN_PROGRESS and item.accepted_at is not None
            and item.kind not in kinds_without_dekad_reports()
            and item.accepted_at < t.report_accepted_before
            and (item.last_report_on is None or item.last_report_on < t.report_period.start)):
        return Light.YELLOW, t.missed_report_reason()
    return Light.GREEN, ""


def compute_light(item, today=None, thresholds=None) -> tuple[str, str]:
    """(light, reason) of `item` on `today` (local date by default)."""
    t = thresholds or Thresholds.for_day(today or timezone.localdate())
    light, reason = _shared_light(item, t)
    # The kind's own rule (milestones, 序时进度 …) may make a green or yellow item worse: worst wins.
    if light in (Light.GREEN, Light.YELLOW):
        spec = kind_spec(item.kind)
        if spec is not None and spec.light_rule is not None:
            own = spec.light_rule(item, t.today)
            if own and SEVERITY.get(own[0], 0) > SEVERITY[light]:
                light, reason = own
    return light, (reason or "")[:200]


def refresh_light(item, today=None) -> tuple[str, str]:
    """Recompute and store the light of one item (a single UPDATE, only when it changed)."""
    light, reason = compute_light(item, today)
    if (light, reason) != (item.light, item.light_reason):
        Item.objects.filter(pk=item.pk).update(light=light, light_reason=reason)
        item.light, item.light_reason = light, reason
    return light, reason


def _set(qs, light, reason) -> int:
    """Set-based: update only the rows whose stored light or reason differs."""
    return qs.exclude(light=light, light_reason=reason).update(light=light, light_reason=reason)


def recompute_all(today=None, queryset=None) -> dict[str, int]:
    """Recompute the lights of every item (or of `queryset`) with set-based UPDATEs.
    Returns how many rows changed per rule."""
    t = Thresholds.for_day(today or timezone.localdate())
    base = queryset if queryset is not None else Item.objects.all()
    base = base.order_by()
    changed = {}
    changed["none"] = _set(base.exclude(state__in=OPEN_STATES), Light.NONE, "")
    open_items = base.filter(state__in=OPEN_STATES)
    red_q = Q(due_date__lt=t.today)
    soon_q = Q(due_date__gte=t.today, due_date__lte=t.yellow_until)
    missed_q = (Q(state=ItemState.IN_PROGRESS, accepted_at__lt=t.report_accepted_before)
                & (Q(last_report_on__isnull=True) | Q(last_report_on__lt=t.report_period.start))
                & ~Q(kind__in=kinds_without_dekad_reports()))
    changed["red"] = _set(open_items.filter(red_q), Light.RED, t.overdue_reason())
    changed["due_soon"] = _set(open_items.filter(soon_q), Light.YELLOW, t.due_soon_reason())
    rest = open_items.exclude(red_q).exclude(soon_q)
    changed["missed_report"] = _set(rest.filter(missed_q), Light.YELLOW, t.missed_report_reason())
    green = rest.exclude(missed_q)
    # Kinds with their own rule: their candidates are decided below, so leave them out of the green update.
    kinds = all_kinds()
    ruled_kinds = [code for code, spec in kinds.items() if spec.light_rule is not None]
    changed["green"] = _set(green.exclude(kind__in=ruled_kinds), Light.GREEN, "")
    changed["kind_rules"] = 0
    for code in ruled_kinds:
        rule = kinds[code].light_rule
        # The rule sees every open, not-overdue item of its kind: it may turn a green or a yellow item worse.
        candidates = open_items.exclude(red_q).filter(kind=code)
        green_candidates = green.filter(kind=code)
        flagged = {}
        bulk = getattr(rule, "bulk", None)
        if bulk is not None:
            for pk, light, reason in bulk(candidates, t.today):
                flagged[pk] = (light, (reason or "")[:200])
        else:
            for item in candidates.iterator(chunk_size=2000):
                own = rule(item, t.today)
                if own and SEVERITY.get(own[0], 0) > SEVERITY[Light.GREEN]:
                    flagged[item.pk] = (own[0], (own[1] or "")[:200])
        by_value = {}
        for pk, value in flagged.items():
            by_value.setdefault(value, []).append(pk)
        for (light, reason), pks in by_value.items():
            # Red overrides anything; yellow only overrides green (a shared yellow keeps its own reason).
            target = Item.objects.all() if light == Light.RED else green_candidates
            for i in range(0, len(pks), 500):
                changed["kind_rules"] += _set(target.filter(pk__in=pks[i:i + 500]), light, reason)
        candidates = green_candidates
        if flagged:
            # Whatever the kind did not flag is green. Chunked exclusion keeps the statement small.
            pks = list(flagged)
            if len(pks) <= 5000:
                changed["green"] += _set(candidates.exclude(pk__in=pks), Light.GREEN, "")
            else:
                flagged_set = set(pks)
                greens = [pk for pk in candidates.values_list("pk", flat=True).iterator(chunk_size=5000)
                          if pk not in flagged_set]
                for i in range(0, len(greens), 500):
                    changed["green"] += _set(Item.objects.filter(pk__in=greens[i:i + 500]), Light.GREEN, "")
        else:
            changed["green"] += _set(candidates, Light.GREEN, "")
    return changed


__all__ = ["compute_light", "refresh_light", "recompute_all", "Thresholds", "SEVERITY", "DONE_STATES"]
