"""manage.py demo_totp — the current two-factor code of the demo logins (the demo secret only: a real
user's device has its own secret and no command reads it)."""
from django.conf import settings
from django.core.management.base import BaseCommand
from django_otp.oath import totp


class Command(BaseCommand):
    help = "Print the current TOTP code of the demo secret (TAIZHANG_DEMO_TOTP_KEY)."

    def handle(self, **options):
        self.stdout.write(f"{totp(bytes.fromhex(settings.TAIZHANG_DEMO_TOTP_KEY)):06d}")
