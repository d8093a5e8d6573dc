"""The backup drill (备份恢复演练): backup → wipe (database flushed, files deleted) → restore → every table's row
count equal, every uploaded file equal, the audit chain intact, the site serves — on the database the suite
runs on (SQLite's online backup API, or pg_dump/pg_restore)."""
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from audit.models import AuditLog
from audit.services import audit_record, audit_verify
from ops.backup import backup, media_digests, read_manifest, restore, table_counts, verify_restore


@pytest.fixture
def uploads():
    root = Path(settings.MEDIA_ROOT) / "drill"
    root.mkdir(parents=True, exist_ok=True)
    (root / "photo.jpg").write_bytes(b"\xff\xd8\xff" + bytes(range(256)) * 40)
    (root / "子目录").mkdir(exist_ok=True)
    (root / "子目录" / "报告.docx").write_bytes(b"PK\x03\x04 not really a document")
    yield root


@pytest.mark.django_db(transaction=True)
def test_backup_wipe_restore_gives_back_every_row_file_and_the_audit_chain(tmp_path, uploads, leader):
    for n in range(5):  # audit rows with microsecond timestamps: what dumpdata/loaddata used to truncate
        audit_record(action="update", actor=leader, object_type="drill", object_id=str(n), message=f"row {n}")
    before_counts, before_media = table_counts(), media_digests(Path(settings.MEDIA_ROOT))
    assert before_counts["audit_auditlog"] >= 5 and before_counts["org_unit"] > 0
    assert audit_verify() == []

    archive = backup(tmp_path)
    manifest = read_manifest(archive)
    assert manifest["tables"] == before_counts and manifest["media"] == before_media

    call_command("flush", interactive=False, verbosity=0)  # the wipe: every table emptied, files gone
    for path in sorted(Path(settings.MEDIA_ROOT).rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    assert AuditLog.objects.count() == 0 and media_digests(Path(settings.MEDIA_ROOT)) == {}

    restore(archive)
    assert verify_restore(manifest) == []
    assert table_counts() == before_counts
    assert media_digests(Path(settings.MEDIA_ROOT)) == before_media
    assert audit_verify() == []
    page = Client()
    assert page.post("/accounts/login/", {"username": "leader", "password": settings.TAIZHANG_DEMO_PASSWORD}).status_code == 302
    assert page.get("/").status_code == 200
    # the restored audit log is append-only again: its triggers came back with the tables
    from django.db import DatabaseError, transaction
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditLog.objects.filter(pk=AuditLog.objects.first().pk).update(message="forged")


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_without_yes_and_a_missing_archive(tmp_path):
    archive = backup(tmp_path)
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(archive))
    with pytest.raises(CommandError, match="no such file"):
        call_command("restore", str(tmp_path / "missing.tar"), "--yes")
