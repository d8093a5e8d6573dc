"""Backup and restore (备份与恢复) of the database and the uploaded files, as one archive.

    manage.py backup  [--output DIR]          → DIR/taizhang-YYYYmmdd-HHMMSS.tar
    manage.py restore ARCHIVE --yes           ← replaces the database and MEDIA_ROOT with the archive's

The archive holds `database.dump` (PostgreSQL: `pg_dump --format=custom`) or `database.sqlite3` (SQLite:
the online backup API — a consistent copy while the site runs), `media/` (every uploaded file) and
`manifest.json`: the row count of every table and the SHA-256 of every file, checked again after a restore
(`verify_restore`). Unlike dumpdata/loaddata the database is copied as stored — timestamps to the
microsecond — so the audit log's hash chain still verifies after a restore.
"""
import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection, connections
from django.utils import timezone

FORMAT = 1


def table_counts() -> dict[str, int]:
    """Rows of every table in the database (Django's and the apps' own)."""
    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def media_digests(root: Path) -> dict[str, str]:
    """{relative path: sha256} of every file under root."""
    digests = {}
    if root.is_dir():
        for path in sorted(root.rglob("*")):
            if path.is_file():
                digests[path.relative_to(root).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return digests


def _pg_env(db):
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return env


def _pg_args(db):
    args = ["--dbname", db["NAME"]]
    if db.get("HOST"):
        args += ["--host", db["HOST"]]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", db["USER"]]
    return args


def backup(output_dir: Path) -> Path:
    """Write one archive into output_dir; returns its path."""
    output_dir.mkdir(parents=True, exist_ok=True)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    archive = output_dir / f"taizhang-{stamp}.tar"
    db = settings.DATABASES["default"]
    with tempfile.TemporaryDirectory(dir=output_dir) as tmp:
        tmp = Path(tmp)
        # the counts and the copy are taken in one transaction where the database allows it (PostgreSQL:
        # pg_dump's snapshot is its own; the counts are checked against the restored rows, so a row written
        # between the two would show — the drill runs on a quiet site, as a backup window is)
        if connection.vendor == "postgresql":
            dump = tmp / "database.dump"
            subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--file", str(dump), *_pg_args(db)],
                           check=True, env=_pg_env(db))
        elif connection.vendor == "sqlite":
            if connection.in_atomic_block:  # the copy would wait forever for this connection's own lock
                raise RuntimeError("back up SQLite outside a transaction")
            dump = tmp / "database.sqlite3"
            connection.ensure_connection()
            target = sqlite3.connect(dump)
            with target:
                connection.connection.backup(target)  # SQLite's online backup API
            target.close()
        else:
            raise NotImplementedError(f"no backup for {connection.vendor}")
        media_root = Path(settings.MEDIA_ROOT)
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "vendor": connection.vendor,
            "tables": table_counts(),
            "media": media_digests(media_root),
        }
        (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
        with tarfile.open(archive, "w") as tar:
            tar.add(tmp / "manifest.json", arcname="manifest.json")
            tar.add(dump, arcname=dump.name)
            if media_root.is_dir():
                tar.add(media_root, arcname="media")
    return archive


def read_manifest(archive: Path) -> dict:
    with tarfile.open(archive) as tar:
        return json.load(tar.extractfile("manifest.json"))


def restore(archive: Path) -> dict:
    """Replace the database and MEDIA_ROOT with the archive's; returns its manifest."""
    manifest = read_manifest(archive)
    if manifest.get("format") != FORMAT:
        raise ValueError(f"unknown backup format {manifest.get('format')!r}")
    if manifest["vendor"] != connection.vendor:
        raise ValueError(f"the backup is of a {manifest['vendor']} database, this site runs {connection.vendor}")
    db = settings.DATABASES["default"]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        with tarfile.open(archive) as tar:
            tar.extractall(tmp, filter="data")
        if connection.vendor == "postgresql":
            connections.close_all()
            # a clean schema, then the dump (tables, rows, sequences, indexes, the audit triggers) restored in
            # one transaction: a failed restore leaves the empty schema, never half the rows
            with connection.cursor() as cursor:
                cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
            connections.close_all()
            subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", "--single-transaction",
                            *_pg_args(db), str(tmp / "database.dump")], check=True, env=_pg_env(db))
        else:
            connection.ensure_connection()
            source = sqlite3.connect(tmp / "database.sqlite3")
            with source:
                source.backup(connection.connection)  # page by page into the live file, in one step
            source.close()
            connections.close_all()
        media_root = Path(settings.MEDIA_ROOT)
        if media_root.exists():
            shutil.rmtree(media_root)
        if (tmp / "media").is_dir():
            shutil.copytree(tmp / "media", media_root)
        else:
            media_root.mkdir(parents=True, exist_ok=True)
    return manifest


def verify_restore(manifest: dict) -> list[str]:
    """What differs between the database/media now and the manifest (empty: identical)."""
    problems = []
    now = table_counts()
    for table, count in manifest["tables"].items():
        if now.get(table) != count:
            problems.append(f"table {table}: {now.get(table)} rows, the backup has {count}")
    for table in set(now) - set(manifest["tables"]):
        problems.append(f"table {table} is not in the backup")
    media = media_digests(Path(settings.MEDIA_ROOT))
    if media != manifest["media"]:
        missing = set(manifest["media"]) - set(media)
        extra = set(media) - set(manifest["media"])
        changed = {p for p in set(media) & set(manifest["media"]) if media[p] != manifest["media"][p]}
        problems.append(f"media: {len(missing)} missing, {len(extra)} extra, {len(changed)} changed")
    return problems


def age_of(archive: Path) -> datetime.timedelta:
    return timezone.now() - datetime.datetime.fromisoformat(read_manifest(archive)["created_at"])
