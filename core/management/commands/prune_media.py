"""manage.py prune_media [--older-than-hours H] [--dry-run]

Deletes files under MEDIA_ROOT that no row references (core.media: left by rolled-back uploads or deleted
rows), after a grace period. The scheduler (`manage.py run_scheduler`) runs the same code nightly as the job
`core.jobs.prune_media`.
"""
from django.core.management.base import BaseCommand

from core.media import prune_orphans


class Command(BaseCommand):
    help = "Delete media files that no row references (left by rolled-back uploads or deleted rows)."

    def add_arguments(self, parser):
        parser.add_argument("--older-than-hours", type=float, default=24.0,
                            help="grace period: younger files are kept (default 24)")
        parser.add_argument("--dry-run", action="store_true", help="list what would be deleted")

    def handle(self, *args, older_than_hours, dry_run, **options):
        result = prune_orphans(older_than_seconds=older_than_hours * 3600, dry_run=dry_run,
                               report=self.stdout.write if dry_run else None)
        verb = "would delete" if dry_run else "deleted"
        self.stdout.write(f"{verb} {result['files']} unreferenced file(s), {result['bytes'] / 1024:.0f} KiB")
