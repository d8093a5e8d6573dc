"""manage.py prune_media [--older-than-hours H] [--dry-run]

Deletes files under MEDIA_ROOT that no row references. They come from a transaction that saved an upload and
then rolled back (a refused action with an attachment, a bulletin that failed validation …) — the storage
write cannot be part of the database transaction — or from rows deleted since. Files younger than the grace
period are left alone, so an upload whose transaction is still open is never touched. Run it nightly (cron).
"""
import time
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import models


def referenced_names() -> set[str]:
    """Every file name stored in any FileField of any model (relative to MEDIA_ROOT)."""
    names = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField) and not field.many_to_many:
                names.update(n for n in model._base_manager.exclude(**{field.name: ""})
                              .values_list(field.name, flat=True).iterator() if n)
    return names


def orphans(root: Path, older_than_seconds: float):
    keep = referenced_names()
    limit = time.time() - older_than_seconds
    for path in root.rglob("*"):
        if path.is_file() and path.relative_to(root).as_posix() not in keep and path.stat().st_mtime < limit:
            yield path


class Command(BaseCommand):
    help = "Delete media files that no row references (left by rolled-back uploads or deleted rows)."

    def add_arguments(self, parser):
        parser.add_argument("--older-than-hours", type=float, default=24.0,
                            help="grace period: younger files are kept (default 24)")
        parser.add_argument("--dry-run", action="store_true", help="list what would be deleted")

    def handle(self, *args, older_than_hours, dry_run, **options):
        root = Path(settings.MEDIA_ROOT)
        if not root.is_dir():
            self.stdout.write(f"no media directory at {root}")
            return
        count = size = 0
        for path in orphans(root, older_than_hours * 3600):
            count += 1
            size += path.stat().st_size
            if dry_run:
                self.stdout.write(str(path.relative_to(root)))
            else:
                path.unlink()
        verb = "would delete" if dry_run else "deleted"
        self.stdout.write(f"{verb} {count} unreferenced file(s), {size / 1024:.0f} KiB")
