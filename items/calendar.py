"""工作日历 — the working-day calendar every deadline counted in working days uses.

A day is a working day by the weekday rule (Monday–Friday) unless a WorkCalendarDay row says otherwise: a
public holiday on a weekday (休) or a 调休 make-up working day on a weekend (班). The rows are seeded from the
chinese-calendar package (`manage.py seed_calendar --years 2024 2025`); for years the package does not know
yet, administrators add the State Council's holiday notice by hand (calendar_day_set) — until then such a
year follows the weekday rule.

The exceptions are few (a few dozen a year), so each process keeps them all in memory: the cache is cleared
when a row changes in this process and reloaded after CACHE_SECONDS so other processes see edits too.
"""
from __future__ import annotations

import datetime
import threading
import time

import chinese_calendar
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import gettext as _

from accounts.roles import is_admin
from audit.models import AuditAction
from audit.services import audit_change, audit_record, snapshot
from core.errors import PermissionDenied, ValidationError

from .models import WorkCalendarDay

CACHE_SECONDS = 300
_lock = threading.Lock()
_cache: dict = {"loaded_at": None, "days": {}}

ONE_DAY = datetime.timedelta(days=1)


def clear_cache():
    with _lock:
        _cache["loaded_at"] = None
        _cache["days"] = {}


def _exceptions() -> dict[datetime.date, tuple[bool, str]]:
    loaded_at = _cache["loaded_at"]
    if loaded_at is not None and time.monotonic() - loaded_at < CACHE_SECONDS:
        return _cache["days"]
    days = {d: (w, n) for d, w, n in WorkCalendarDay.objects.values_list("date", "is_workday", "name")}
    with _lock:
        _cache["days"] = days
        _cache["loaded_at"] = time.monotonic()
    return days


@receiver(post_save, sender=WorkCalendarDay)
@receiver(post_delete, sender=WorkCalendarDay)
def _calendar_changed(**kwargs):
    clear_cache()
    transaction.on_commit(clear_cache)


def _as_date(d):
    return d.date() if isinstance(d, datetime.datetime) else d


def is_workday(d) -> bool:
    d = _as_date(d)
    exception = _exceptions().get(d)
    if exception is not None:
        return exception[0]
    return d.weekday() < 5


def day_name(d) -> str:
    """The holiday or 调休 name of `d` ("春节", "国庆节调休上班"), or ""."""
    exception = _exceptions().get(_as_date(d))
    return exception[1] if exception else ""


def add_workdays(d, n: int) -> datetime.date:
    """The n-th working day after `d` (before it when n < 0); `d` itself when n == 0.
    add_workdays(Friday, 1) is the next Monday unless that is a holiday."""
    d = _as_date(d)
    step = ONE_DAY if n >= 0 else -ONE_DAY
    remaining = abs(n)
    while remaining:
        d += step
        if is_workday(d):
            remaining -= 1
    return d


def workdays_between(a, b) -> int:
    """Working days in (a, b]: the days after `a` up to and including `b` (negative when b < a).
    Assigned on a Friday, bounced on Monday: 1 working day has passed."""
    a, b = _as_date(a), _as_date(b)
    if b < a:
        return -workdays_between(b, a)
    count = 0
    d = a
    while d < b:
        d += ONE_DAY
        if is_workday(d):
            count += 1
    return count


def next_workday(d) -> datetime.date:
    """`d` if it is a working day, else the first working day after it."""
    d = _as_date(d)
    while not is_workday(d):
        d += ONE_DAY
    return d


# --- administration ---------------------------------------------------------------------------------

def _require_admin(actor):
    # The page shows the form to holders of items.change_workcalendarday: the service accepts the same.
    if actor is None or not (is_admin(actor) or actor.has_perm("items.change_workcalendarday")):
        raise PermissionDenied(_("只有系统管理员可以修改工作日历。"))


@transaction.atomic
def calendar_day_set(*, actor, date, is_workday, name="") -> WorkCalendarDay | None:
    """Mark `date` as a working day or a day off. A day that matches the weekday rule and has no name
    needs no row, so the row is removed. Administrators only; audited."""
    _require_admin(actor)
    if not isinstance(date, datetime.date):
        raise ValidationError({"date": _("请输入有效的日期。")})
    rule = date.weekday() < 5
    existing = WorkCalendarDay.objects.select_for_update().filter(date=date).first()
    if bool(is_workday) == rule and not name:
        if existing:
            before = snapshot(existing)
            pk = existing.pk
            existing.delete()
            existing.pk = pk
            audit_record(action=AuditAction.DELETE, actor=actor, before=before,
                         object_type=WorkCalendarDay._meta.label_lower, object_id=str(pk),
                         object_repr=str(existing))
        return None
    if existing:
        before = snapshot(existing)
        existing.is_workday = bool(is_workday)
        existing.name = name
        existing.full_clean()
        existing.save()
        audit_change(AuditAction.UPDATE, existing, actor=actor, before=before)
        return existing
    day = WorkCalendarDay(date=date, is_workday=bool(is_workday), name=name)
    day.full_clean()
    day.save()
    audit_change(AuditAction.CREATE, day, actor=actor)
    return day


def package_exceptions(year: int) -> list[tuple[datetime.date, bool, str]]:
    """(date, is_workday, name) for the days of `year` that differ from the weekday rule, from the
    chinese-calendar package. Raises NotImplementedError for a year the package does not know."""
    names = {h.value: getattr(h, "chinese", h.value) for h in chinese_calendar.Holiday}
    rows = []
    d = datetime.date(year, 1, 1)
    while d.year == year:
        workday = chinese_calendar.is_workday(d)
        rule = d.weekday() < 5
        if workday != rule:
            _on_holiday, holiday = chinese_calendar.get_holiday_detail(d)
            label = names.get(holiday, holiday or "")
            if workday:
                label = _("%(name)s调休上班") % {"name": label} if label else _("调休上班")
            rows.append((d, workday, label or _("休息日")))
        d += ONE_DAY
    return rows


@transaction.atomic
def calendar_seed_year(*, actor, year: int) -> int:
    """Write the package's exceptions for `year` (replacing that year's rows). Returns the row count."""
    rows = package_exceptions(year)  # raises NotImplementedError before anything is written
    WorkCalendarDay.objects.filter(date__year=year).delete()
    WorkCalendarDay.objects.bulk_create([WorkCalendarDay(date=d, is_workday=w, name=n) for d, w, n in rows])
    clear_cache()
    transaction.on_commit(clear_cache)
    audit_record(action=AuditAction.IMPORT, actor=actor, object_type=WorkCalendarDay._meta.label_lower,
                 object_id=str(year), object_repr=_("%(year)s年工作日历") % {"year": year},
                 message=_("从 chinese-calendar 导入 %(n)s 个节假日/调休日") % {"n": len(rows)})
    return len(rows)
