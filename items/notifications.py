"""Notifications — 通知: the in-app inbox and one e-mail digest per user per day.

perform() calls `notify()` once its transaction has committed. E-mail never goes out per event: the
daily `send_daily_digests()` (manage.py send_reminders) sends each user one message with their unread
notifications and the reminders of the day — 旬 reports due within two days, items due within N working
days — through Django's mail settings (console backend by default).
"""
from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .calendar import add_workdays
from .models import ItemState, Notification, ReminderDigest
from .periods import period_of

REPORT_REMINDER_DAYS = 2  # remind when the 旬 report is due within this many days


def _ids(objs):
    return [getattr(o, "pk", o) for o in objs if o is not None]


def notify(users, item, verb, text) -> int:
    """Put one inbox row per user (users: User objects or ids; duplicates removed). Returns the count."""
    now = timezone.now()
    item_id = getattr(item, "pk", item)
    user_ids = list(dict.fromkeys(_ids(users)))
    Notification.objects.bulk_create([
        Notification(user_id=uid, item_id=item_id, verb=str(verb)[:30], text=str(text)[:300], created_at=now)
        for uid in user_ids
    ])
    return len(user_ids)


def unread_for(user):
    return Notification.objects.filter(user=user, read_at__isnull=True).select_related("item")


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def mark_read(*, user, ids=None) -> int:
    """Mark the user's notifications read (all, or those in `ids`); only their own rows."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())


def reminders_for(user, today) -> list[str]:
    """Today's reminders for one user: their unit's open items due soon, and the 旬 report when due soon."""
    from .selectors import items_visible

    lines = []
    if not user.unit_id:
        return lines
    mine = items_visible(user).filter(Q(lead_unit_id=user.unit_id) | Q(assignee=user))
    days = int(getattr(settings, "TAIZHANG_REMINDERS", {}).get("due_working_days", 3))
    until = add_workdays(today, days)
    for number, title, due in (mine.filter(state__in=(ItemState.ASSIGNED, ItemState.IN_PROGRESS),
                                           due_date__gte=today, due_date__lte=until)
                               .order_by("due_date").values_list("number", "title", "due_date")[:50]):
        lines.append(_("%(number)s %(title)s 将于 %(due)s 到期") % {"number": number, "title": title, "due": due})
    period = period_of(today)
    if 0 <= (period.due - today).days <= REPORT_REMINDER_DAYS:
        owing = (mine.filter(state=ItemState.IN_PROGRESS)
                 .filter(Q(last_report_on__isnull=True) | Q(last_report_on__lt=period.start)).count())
        if owing:
            lines.append(_("%(period)s进展须于 %(due)s 前报送，尚有 %(n)s 项未报") %
                         {"period": period.label, "due": period.due, "n": owing})
    return lines


def send_daily_digests(today=None) -> int:
    """One e-mail per user with an address: unread notifications not yet e-mailed + today's reminders.
    Returns the number of e-mails sent."""
    from accounts.models import User

    today = today or timezone.localdate()
    sent = 0
    pending = (Notification.objects.filter(read_at__isnull=True, emailed_at__isnull=True)
               .values_list("user_id", flat=True).distinct())
    pending_ids = set(pending)
    users = User.objects.filter(is_active=True).exclude(email="").filter(
        Q(pk__in=pending_ids) | Q(unit__isnull=False)).select_related("unit")
    already = set(ReminderDigest.objects.filter(day=today).values_list("user_id", flat=True))
    for user in users.iterator(chunk_size=500):
        if user.pk in already:
            continue  # idempotent: one digest per user and day, however often the job runs
        rows = list(Notification.objects.filter(user=user, read_at__isnull=True, emailed_at__isnull=True)
                    .order_by("created_at")[:100])
        reminders = reminders_for(user, today)
        if not rows and not reminders:
            continue
        lines = [_("%(name)s，您好：") % {"name": user}, ""]
        if reminders:
            lines.append(_("今日提醒："))
            lines += [f"  · {r}" for r in reminders]
            lines.append("")
        if rows:
            lines.append(_("未读通知（%(n)s 条）：") % {"n": len(rows)})
            lines += [f"  · {n.created_at.astimezone(timezone.get_current_timezone()):%m-%d %H:%M} {n.text}"
                      for n in rows]
        subject = _("【台账】%(date)s 待办提醒") % {"date": today.strftime("%Y-%m-%d")}
        with transaction.atomic():
            send_mail(subject, "\n".join(lines), settings.DEFAULT_FROM_EMAIL, [user.email], fail_silently=False)
            Notification.objects.filter(pk__in=[n.pk for n in rows]).update(emailed_at=timezone.now())
            ReminderDigest.objects.create(user=user, day=today)
        sent += 1
    return sent


__all__ = ["notify", "unread_for", "unread_count", "mark_read", "reminders_for", "send_daily_digests"]
