"""SLA of an appeal, counted in working days on the work calendar (items.calendar: holidays and 调休).

Per category (inherited from the nearest ancestor that sets it):
    sign_days    working days to sign for (签收) after dispatch
    finish_days  working days to finish after the clock starts; 0 = the same (working) day (urgent)
    clock_start  派单 (dispatch) or 签收 (accept)
    pause_states item states during which the clock stops (default: 已回退, while the centre re-dispatches);
                 on leaving such a state the deadlines move on by the working days spent in it.
An approved extension (延期) moves Item.due_date and keeps Item.original_due_date (the engine does this).

Deadline rule: started on day d, the deadline is add_workdays(d, finish_days) — the n-th working day after d —
and for 0 the first working day on or after d. An appeal closed on or before its deadline is on time.
"""
import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ValidationError
from items.calendar import add_workdays, next_workday, workdays_between


def local_date(moment):
    if isinstance(moment, datetime.datetime):
        return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()
    return moment


def sla_of(category, *, urgent=False):
    """(sign_days, finish_days, clock_start, pause_states) for `category`; ValidationError without an SLA."""
    finish = category.effective("finish_days")
    if finish is None:
        raise ValidationError({"category": _("诉求类别“%(c)s”未设置办结时限，请管理员先配置该类别的时限。")
                               % {"c": category.name}})
    sign = category.effective("sign_days")
    clock = category.effective("clock_start") or "dispatch"
    pauses = [s.strip() for s in (category.effective("pause_states") or "").split(",") if s.strip()]
    if urgent:
        finish, sign = 0, 0
    return (1 if sign is None else sign), finish, clock, pauses


def deadline(start, days):
    start = local_date(start)
    return next_workday(start) if days == 0 else add_workdays(start, days)


def sign_deadline(category, dispatched_at, *, urgent=False):
    sign, _finish, _clock, _pauses = sla_of(category, urgent=urgent)
    return deadline(dispatched_at, sign)


def finish_deadline(category, started_at, *, urgent=False):
    _sign, finish, _clock, _pauses = sla_of(category, urgent=urgent)
    return deadline(started_at, finish)


def paused_workdays(since, until):
    """Working days the clock stood still: (since, until] — a pause within one day costs nothing."""
    return max(0, workdays_between(local_date(since), local_date(until)))
