"""通报 figures — compiled from the rows, reproducible as of a moment from the timelines.

`compile_bulletin(start, end, formula, as_of=None)` returns a JSON-safe dict: the summary figures, the
figures by unit and by category, the named cases, the unit ranking with its formula, and for every figure
the ids of the rows behind it (`rows`). A draft bulletin shows it live (preview); publishing stores it in
Bulletin.snapshot, so the published page and files never change, and compiling again with
`as_of=published_at` gives the same figures (rows created or actions taken later are left out).

Definitions (each figure is a count of rows):
- inspections: inspections held (or written up) with a date in the period;
- findings: findings found (found_on) in the period;
- rectified: findings with a 整改 action in the period; struck_off: with a 核验销号 action in the period;
- overdue (逾期未整改): findings found up to the period's end, still with the unit at the period's end
  (not struck off, not waiting for verification), whose deadline had passed by the *reference moment*;
- ranking per unit: score = base + w₁·旬报按时 − w₂·逾期事项 − w₃·督查问题 + w₄·按期整改, where 旬报按时 counts
  the unit's on-time 旬 reports of the period, 逾期事项 its other items open and past due at the reference
  moment, 督查问题 its findings of the period, 按期整改 its findings rectified in the period by their deadline.

Overdue is judged at the reference moment: the period's end (00:00 after its last day) or the moment the
bulletin is compiled (`as_of`, default now), whichever comes first. A deadline has passed at that moment
when its whole day is over, i.e. `due_date < local date of the reference moment` — the rule of the lights
(items.lights: overdue when due_date < today). So a bulletin for this month compiled on the 1st does not
count a finding due on the 10th, nor one due today; a bulletin for a past month counts a finding due on its
last day and still not rectified at its end.
"""
from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from items.models import DONE_STATES, Item, ItemAction, ItemState, ProgressReport

from .models import RANKING_PARTS, Finding, FindingCategory, Inspection, InspectionState, Severity

ROW_MODELS = {"inspections": "inspection", "report_on_time": "report", "overdue_items": "item"}
FAR_FUTURE = datetime.datetime(9999, 1, 1, tzinfo=datetime.UTC)


def period_label(start, end):
    if start == end:
        return f"{start.year}年{start.month}月{start.day}日"
    if start.day == 1 and (end + datetime.timedelta(days=1)).day == 1 and start.month == end.month:
        return f"{start.year}年{start.month}月"
    return f"{start.year}年{start.month}月{start.day}日至{end.year}年{end.month}月{end.day}日"


def week_of(day):
    start = day - datetime.timedelta(days=day.weekday())
    return start, start + datetime.timedelta(days=6)


def month_of(day):
    start = day.replace(day=1)
    nxt = (start + datetime.timedelta(days=32)).replace(day=1)
    return start, nxt - datetime.timedelta(days=1)


def _day_start(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _states_at(finding_ids, cutoff):
    """Each finding's state at `cutoff`, read from its timeline (the last to_state before it)."""
    states = {}
    for item_id, to_state in (ItemAction.objects.filter(item_id__in=finding_ids, time__lt=cutoff)
                              .exclude(to_state="").order_by("time", "id").values_list("item_id", "to_state")):
        states[item_id] = to_state
    return states


def compile_bulletin(*, start, end, formula, as_of=None) -> dict:
    """The bulletin's figures for [start, end] (dates, inclusive) as known at `as_of` (default: now)."""
    period_end = _day_start(end + datetime.timedelta(days=1))
    period_start = _day_start(start)
    created_limit = as_of or FAR_FUTURE
    cutoff = min(period_end, as_of) if as_of else period_end
    # overdue = due before the local day of the reference moment (see the module's docstring)
    ref_day = timezone.localdate(min(period_end, as_of or timezone.now()))

    inspections = list(Inspection.objects.filter(
        date__range=(start, end), state__in=(InspectionState.HELD, InspectionState.WRITTEN_UP),
        created_at__lte=created_limit).filter(Q(held_at__isnull=True) | Q(held_at__lte=created_limit))
        .order_by("date", "id").values_list("pk", flat=True))

    candidates = list(Finding.objects.filter(found_on__lte=end, created_at__lte=created_limit)
                      .select_related("lead_unit").order_by("found_on", "pk"))
    by_id = {f.pk: f for f in candidates}
    states = _states_at(list(by_id), cutoff)
    found = [f for f in candidates if f.found_on >= start]
    acts = (ItemAction.objects.filter(item_id__in=list(by_id), time__gte=period_start, time__lt=cutoff,
                                      action__in=("rectify", "verify")).order_by("time", "id")
            .values_list("item_id", "action", "time"))
    rectified, struck, rectified_on_time = [], [], []
    for item_id, action, time in acts:
        f = by_id[item_id]
        if action == "rectify" and item_id not in rectified:
            rectified.append(item_id)
            if f.due_date is None or timezone.localtime(time).date() <= f.due_date:
                rectified_on_time.append(item_id)
        elif action == "verify" and item_id not in struck:
            struck.append(item_id)
    # 逾期未整改: still with the unit (a finding waiting for verification has been rectified)
    open_values = {str(s) for s in ItemState.values
                   if s not in DONE_STATES and s not in (ItemState.DRAFT, ItemState.RECTIFIED)}
    overdue = [f.pk for f in candidates
               if states.get(f.pk) in open_values and f.due_date is not None and f.due_date < ref_day]

    summary = {"inspections": len(inspections), "findings": len(found), "rectified": len(rectified),
               "struck_off": len(struck), "overdue": len(overdue)}
    rows = {"inspections": inspections, "findings": [f.pk for f in found], "rectified": rectified,
            "struck_off": struck, "overdue": overdue}

    # --- by unit -----------------------------------------------------------------------------
    units = {}
    per_unit = defaultdict(lambda: {"total": [], "rectified": [], "struck_off": [], "overdue": []})
    for key, ids in (("total", [f.pk for f in found]), ("rectified", rectified), ("struck_off", struck),
                     ("overdue", overdue)):
        for pk in ids:
            f = by_id[pk]
            uid = f.lead_unit_id or 0
            units[uid] = str(f.lead_unit) if f.lead_unit_id else _("未指定单位")
            per_unit[uid][key].append(pk)
    by_unit = [{"unit_id": uid, "unit": units[uid], **{k: len(v) for k, v in parts.items()}, "rows": parts}
               for uid, parts in per_unit.items()]
    by_unit.sort(key=lambda r: (-r["total"], -r["overdue"], r["unit"]))

    labels = dict(FindingCategory.choices)
    per_cat = defaultdict(list)
    for f in found:
        per_cat[f.category].append(f.pk)
    by_category = [{"code": code, "category": str(labels.get(code, code)), "total": len(ids), "rows": ids}
                   for code, ids in sorted(per_cat.items(), key=lambda kv: (-len(kv[1]), kv[0]))]

    # --- named cases: the grave ones of the period, and serious ones left overdue ----------------
    state_labels = dict(ItemState.choices)
    cases = []
    overdue_set = set(overdue)
    for f in sorted(candidates, key=lambda f: (f.severity != Severity.GRAVE, f.found_on, f.pk)):
        named = (f.found_on >= start and f.severity == Severity.GRAVE) or (
            f.pk in overdue_set and f.severity in (Severity.SERIOUS, Severity.GRAVE))
        if named and len(cases) < 10:
            note = _("已逾期，整改期限为%(due)s。") % {"due": f.due_date} if f.pk in overdue_set else ""
            cases.append({"id": f.pk, "number": f.number, "title": f.title,
                          "unit": str(f.lead_unit) if f.lead_unit_id else "",
                          "category": str(labels.get(f.category, f.category)),
                          "state": str(state_labels.get(states.get(f.pk, f.state), "")), "note": note})

    ranking = _ranking(formula, start=start, end=end, found=found, rectified_on_time=rectified_on_time,
                       by_id=by_id, cutoff=cutoff, created_limit=created_limit, ref_day=ref_day)
    return {
        "period": {"start": start.isoformat(), "end": end.isoformat(), "label": period_label(start, end)},
        "as_of": (as_of or timezone.now()).isoformat(),
        "empty": not any(summary.values()),
        "formula": {"id": formula.pk, "name": formula.name, "text": str(formula.text()),
                    "base": float(formula.base), "weights": {k: float(v) for k, v in formula.weights().items()}},
        "summary": summary,
        "rows": rows,
        "by_unit": by_unit,
        "by_category": by_category,
        "cases": cases,
        "ranking": ranking,
    }


def _ranking(formula, *, start, end, found, rectified_on_time, by_id, cutoff, created_limit, ref_day):
    parts = defaultdict(lambda: {code: [] for code, _l, _s in RANKING_PARTS})
    names = {}
    for rid, uid, uname in (ProgressReport.objects.filter(
            period_start__range=(start, end), is_late=False, reported_at__lt=cutoff,
            item__lead_unit__isnull=False).values_list("pk", "item__lead_unit_id", "item__lead_unit__short_name")):
        parts[uid]["report_on_time"].append(rid)
        names.setdefault(uid, uname)
    overdue_items = (Item.objects.exclude(kind="finding").exclude(state=ItemState.DRAFT)
                     .filter(lead_unit__isnull=False, due_date__lt=ref_day, created_at__lte=created_limit,
                             assigned_at__lt=cutoff)
                     .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=cutoff))
                     .values_list("pk", "lead_unit_id", "lead_unit__short_name"))
    for pk, uid, uname in overdue_items:
        parts[uid]["overdue_items"].append(pk)
        names.setdefault(uid, uname)
    for f in found:
        if f.lead_unit_id:
            parts[f.lead_unit_id]["findings"].append(f.pk)
            names.setdefault(f.lead_unit_id, f.lead_unit.short_name)
    for pk in rectified_on_time:
        f = by_id[pk]
        if f.lead_unit_id:
            parts[f.lead_unit_id]["rectified_on_time"].append(pk)
            names.setdefault(f.lead_unit_id, f.lead_unit.short_name)
    if parts:
        from org.models import Unit

        full = dict(Unit.objects.filter(pk__in=list(parts)).values_list("pk", "name"))
        names = {uid: (names.get(uid) or full.get(uid, "")) for uid in parts}
    weights = formula.weights()
    rows = []
    for uid, p in parts.items():
        score = Decimal(formula.base)
        for code, _label, sign in RANKING_PARTS:
            score += sign * Decimal(weights[code]) * len(p[code])
        rows.append({"unit_id": uid, "unit": names[uid], "score": float(round(score, 2)),
                     "parts": {code: len(ids) for code, ids in p.items()}, "rows": p})
    rows.sort(key=lambda r: (-r["score"], r["unit"]))
    rank, previous = 0, None
    for i, row in enumerate(rows, 1):
        if row["score"] != previous:
            rank, previous = i, row["score"]
        row["rank"] = rank
    return rows


def figure_rows(snapshot: dict, key: str):
    """The row ids and model behind one figure of a snapshot. Keys: "summary.<name>",
    "unit.<unit_id>.<name>", "category.<code>", "rank.<unit_id>.<part>". None when unknown."""
    parts = key.split(".")
    try:
        if parts[0] == "summary" and len(parts) == 2:
            return ROW_MODELS.get(parts[1], "finding"), list(snapshot["rows"][parts[1]])
        if parts[0] == "unit" and len(parts) == 3:
            row = next(r for r in snapshot["by_unit"] if str(r["unit_id"]) == parts[1])
            return "finding", list(row["rows"][parts[2]])
        if parts[0] == "category" and len(parts) == 2:
            row = next(r for r in snapshot["by_category"] if r["code"] == parts[1])
            return "finding", list(row["rows"])
        if parts[0] == "rank" and len(parts) == 3:
            row = next(r for r in snapshot["ranking"] if str(r["unit_id"]) == parts[1])
            return ROW_MODELS.get(parts[2], "finding"), list(row["rows"][parts[2]])
    except (KeyError, StopIteration, TypeError):
        return None
    return None


def figures_only(snapshot: dict) -> dict:
    """The figures of a snapshot without its compile time (for comparing two compilations)."""
    return {k: v for k, v in snapshot.items() if k != "as_of"}
