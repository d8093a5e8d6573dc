"""manage.py restore ARCHIVE --yes — replace the database and MEDIA_ROOT with a backup's, then check that
every table's row count and every file equal the backup's and that the audit chain verifies."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from audit.services import audit_verify
from ops.backup import restore, verify_restore


class Command(BaseCommand):
    help = "Restore a backup made by `manage.py backup` (stop the site and the workers first)."

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument("--yes", action="store_true", help="really replace the current database and files")

    def handle(self, *args, archive, yes, **options):
        if not archive.is_file():
            raise CommandError(f"{archive}: no such file")
        if not yes:
            raise CommandError("restore replaces the whole database and MEDIA_ROOT: add --yes to go ahead")
        try:
            manifest = restore(archive)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        problems = verify_restore(manifest)
        chain = audit_verify()
        for problem in problems:
            self.stderr.write(problem)
        for pk, problem in chain[:20]:
            self.stderr.write(f"audit row {pk}: {problem}")
        if problems or chain:
            raise CommandError(f"restored, but {len(problems)} difference(s) and {len(chain)} audit problem(s)")
        self.stdout.write(f"restored {archive}: {len(manifest['tables'])} tables, "
                          f"{sum(manifest['tables'].values())} rows and {len(manifest['media'])} files as backed up; "
                          "audit chain intact")
