from django.core.management.base import BaseCommand, CommandError

from audit.models import AuditLog
from audit.services import audit_verify


class Command(BaseCommand):
    help = "Recompute the audit log's hash chain; exit non-zero if any row was altered, removed or reordered."

    def handle(self, **options):
        problems = audit_verify()
        total = AuditLog.objects.count()
        if problems:
            for pk, problem in problems:
                self.stderr.write(f"row {pk}: {problem}")
            raise CommandError(f"audit chain broken: {len(problems)} problem(s) in {total} rows")
        self.stdout.write(f"audit chain intact: {total} rows")
