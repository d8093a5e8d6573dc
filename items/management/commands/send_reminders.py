"""manage.py send_reminders [--date YYYY-MM-DD] — the daily digest: one e-mail per user with their unread
notifications and today's reminders (旬 report due soon, items due within N working days). Run once a day
(cron or the task queue); users without an e-mail address keep everything in the in-app inbox."""

from django.core.management.base import BaseCommand

from core.commands import add_date_argument
from items.notifications import send_daily_digests


class Command(BaseCommand):
    help = "Send the daily e-mail digest of notifications and reminders."

    def add_arguments(self, parser):
        add_date_argument(parser, "as of this local date (default: today)")

    def handle(self, *args, date=None, **options):
        today = date
        sent = send_daily_digests(today)
        self.stdout.write(f"{sent} digest e-mail(s) sent")
