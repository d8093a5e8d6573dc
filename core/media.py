"""Uploaded files (MEDIA_ROOT): which files rows reference, and pruning the ones none does.

Files that no row references come from a transaction that saved an upload and then rolled back (a refused
action with an attachment, a bulletin that failed validation …) — the storage write cannot be part of the
database transaction — or from rows deleted since. Files younger than the grace period are left alone, so an
upload whose transaction is still open is never touched.
"""
import time
from pathlib import Path

from django.apps import apps
from django.conf import settings
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


def prune_orphans(*, older_than_seconds: float, dry_run=False, report=None) -> dict:
    """Delete (or with dry_run only list, through `report(relative name)`) the unreferenced files older than
    the grace period. Returns {"files": n, "bytes": size}."""
    root = Path(settings.MEDIA_ROOT)
    count = size = 0
    if root.is_dir():
        for path in orphans(root, older_than_seconds):
            count += 1
            size += path.stat().st_size
            if report:
                report(path.relative_to(root).as_posix())
            if not dry_run:
                path.unlink()
    return {"files": count, "bytes": size}
