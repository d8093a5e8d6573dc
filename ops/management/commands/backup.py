"""manage.py backup [--output DIR] — the database and the uploaded files in one archive (ops.backup)."""
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from ops.backup import backup, read_manifest


class Command(BaseCommand):
    help = "Back up the database (pg_dump / SQLite online backup) and MEDIA_ROOT into one .tar archive."

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, default=Path(settings.TAIZHANG_BACKUP_DIR),
                            help="directory for the archive (default TAIZHANG_BACKUP_DIR)")

    def handle(self, *args, output, **options):
        archive = backup(output)
        manifest = read_manifest(archive)
        rows = sum(manifest["tables"].values())
        self.stdout.write(f"{archive}: {len(manifest['tables'])} tables, {rows} rows, "
                          f"{len(manifest['media'])} media files")
