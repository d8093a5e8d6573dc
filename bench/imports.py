"""`python -m bench.imports [--rows N] [--format xlsx|csv|both]` — the import of N rows (default 100,000) into a
defined ledger (矛盾纠纷, ledgers/seed/disputes.json) through the whole engine, beside a raw bulk insert of the
same rows.

Its own database (bench.sqlite3.imports, rebuilt each run; or "<DATABASE_URL name>_imports" on PostgreSQL).
The import runs in a child process (so its peak RSS is the import's alone) exactly as a background job runs it:
batch_upload → batch_check (the preview: read, convert, validate every cell, find existing rows) →
batch_commit (read and validate again, write items, entries, their index values, an audit row and a timeline
line per row, all in one transaction). Then the rows the import wrote are read back, deleted inside a
transaction, and inserted again with hand-written executemany INSERTs (items_item, ledgers_ledgerentry,
ledgers_entryvalue) — the raw bulk insert — and rolled back.

Targets (issue 11): commit ≥ 5,000 rows/s, peak RSS < 300 MB, commit ≤ 3× the raw insert.
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import django
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction

from bench import settings as bench_settings
from bench.__main__ import create_postgres_database
from taizhang.settings.base import BASE_DIR, database_from_env

RATE = 5_000
RSS_MB = 300
RATIO = 3.0
HEADERS = ["序号", "纠纷简况", "纠纷类型", "排查日期", "涉及人数", "涉及金额（万元）", "调解组织", "调解主体", "调解结果",
           "化解时限"]


def configure(fresh=False):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    path = BASE_DIR / "bench.sqlite3.imports"
    dbs = database_from_env(path)
    if dbs["default"]["ENGINE"] != "django.db.backends.sqlite3":
        if not dbs["default"]["NAME"].endswith("_imports"):
            dbs["default"]["NAME"] = f"{dbs['default']['NAME']}_imports"
            os.environ["DATABASE_URL"] = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/" + dbs["default"]["NAME"]
        create_postgres_database()
    elif fresh:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    bench_settings.DATABASES = dbs
    bench_settings.TAIZHANG_IMPORT_LIMITS = {"background_rows": 10**9, "max_rows": 10**7}  # the job's body, inline
    bench_settings.MEDIA_ROOT = Path(tempfile.gettempdir()) / "taizhang-bench-media"
    django.setup()


def rows(n):
    import datetime

    from imports.demo_books import DISPUTE_TYPES, VILLAGES

    mediators, results = ["村（社区）调委会", "镇调委会", "派出所", "诉调对接"], ["调解成功", "正在调解", "调解不成"]
    start = datetime.date(2023, 1, 2)
    for i in range(1, n + 1):
        found = start + datetime.timedelta(days=i % 340)
        yield (i, f"第{i}号纠纷：{DISPUTE_TYPES[i % 8]}", DISPUTE_TYPES[i % 8], found.strftime("%Y.%m.%d"), 2 + i % 7,
               round((i % 200) * 0.5, 1) or None, VILLAGES[i % 4], mediators[i % 4], results[i % 3],
               (found + datetime.timedelta(days=15)).isoformat())


def write_file(n, fmt, path):
    if fmt == "csv":
        import csv

        with open(path, "w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(HEADERS)
            writer.writerows(rows(n))
        return
    from openpyxl import Workbook

    # not write_only: like Excel, the sheet then declares its <dimension> (openpyxl's read-only reader parses
    # a whole sheet that declares none just to size it)
    wb = Workbook()
    ws = wb.active
    ws.title = "2023年"
    ws.append(["2023年矛盾纠纷排查化解台账（性能测试）"])
    ws.append(["填报单位：罗家镇综治中心"])
    ws.append(HEADERS)
    for row in rows(n):
        ws.append(row)
    wb.save(path)


def child(path):
    """The import, timed, in this process; prints one JSON line."""
    from accounts.models import User
    from imports import services
    from imports.targets import get_target

    actor = User.objects.get(username="admin")
    target = get_target("ledger:disputes")
    data = Path(path).read_bytes()
    t0 = time.perf_counter()
    batch = services.batch_upload(actor=actor, target=target, data=data, name=Path(path).name)
    t1 = time.perf_counter()
    batch = services.batch_check(actor=actor, batch=batch)
    t2 = time.perf_counter()
    if batch.error_count or batch.state != "checked":
        print(json.dumps({"error": f"{batch.state} {batch.message} {list(batch.issues.values_list('message_zh', flat=True)[:3])}"}))
        return 1
    batch = services.batch_commit(actor=actor, batch=batch, expected_version=batch.version)
    t3 = time.perf_counter()
    if batch.state != "committed":
        print(json.dumps({"error": batch.message}))
        return 1
    print(json.dumps({"upload": t1 - t0, "check": t2 - t1, "commit": t3 - t2, "rows": batch.rows_create,
                      "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "batch": batch.pk}))
    return 0


def raw_insert_seconds(definition_id):
    """Read back the rows the import wrote, delete them and insert them again with executemany — timed —
    inside a transaction that is rolled back."""
    tables = {}
    with connection.cursor() as cursor:
        for table, where in (("items_item", "id IN (SELECT item_ptr_id FROM ledgers_ledgerentry WHERE definition_id = %s)"),
                             ("ledgers_ledgerentry", "definition_id = %s"),
                             ("ledgers_entryvalue", "entry_id IN (SELECT item_ptr_id FROM ledgers_ledgerentry "
                                                    "WHERE definition_id = %s)")):
            columns = [c.name for c in connection.introspection.get_table_description(cursor, table)]
            cursor.execute(f"SELECT {', '.join(columns)} FROM {table} WHERE {where}", [definition_id])
            tables[table] = (columns, cursor.fetchall())
    with transaction.atomic():
        with connection.cursor() as cursor:
            ids = "SELECT item_ptr_id FROM ledgers_ledgerentry WHERE definition_id = %s"
            cursor.execute(f"DELETE FROM ledgers_entryvalue WHERE entry_id IN ({ids})", [definition_id])
            cursor.execute(f"DELETE FROM items_itemaction WHERE item_id IN ({ids})", [definition_id])
            cursor.execute("CREATE TEMPORARY TABLE bench_ids AS SELECT item_ptr_id AS id FROM ledgers_ledgerentry "
                           "WHERE definition_id = %s", [definition_id])
            cursor.execute("DELETE FROM ledgers_ledgerentry WHERE definition_id = %s", [definition_id])
            cursor.execute("DELETE FROM items_item WHERE id IN (SELECT id FROM bench_ids)")
            t0 = time.perf_counter()
            for table in ("items_item", "ledgers_ledgerentry", "ledgers_entryvalue"):
                columns, data = tables[table]
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", data)
            elapsed = time.perf_counter() - t0
            cursor.execute("SELECT COUNT(*) FROM ledgers_ledgerentry WHERE definition_id = %s", [definition_id])
            assert cursor.fetchone()[0] == len(tables["ledgers_ledgerentry"][1])
        transaction.set_rollback(True)
    return elapsed, {t: len(d) for t, (_c, d) in tables.items()}


def prepare():
    from accounts.models import User
    from demo import calendar_demo, org_demo
    from ledgers import seeds

    call_command("migrate", verbosity=0, interactive=False)
    context = {}
    context.update(calendar_demo.load(context) or {})
    context.update(org_demo.load(context) or {})
    return seeds.load_seed("disputes", actor=User.objects.get(username="admin"), mechanism=context.get("mechanism"))


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.imports", description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--format", choices=["xlsx", "csv", "both"], default="both")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        configure()
        return child(args.child)
    if args.format == "both":  # each format in a fresh database and process
        codes = [subprocess.call([sys.executable, "-m", "bench.imports", "--rows", str(args.rows), "--format", fmt])
                 for fmt in ("csv", "xlsx")]
        return 1 if any(codes) else 0
    configure(fresh=True)
    return 0 if run(args.format, args.rows) else 1


def run(fmt, n):
    from ledgers.models import LedgerDefinition

    call_command("migrate", verbosity=0, interactive=False)
    if LedgerDefinition.objects.exists():  # PostgreSQL keeps its database: start from an empty one
        call_command("flush", interactive=False, verbosity=0)
    definition = prepare()
    print(f"bench.imports: {connection.vendor} database {settings.DATABASES['default']['NAME']}, {n:,} rows, {fmt}")
    path = Path(tempfile.gettempdir()) / f"taizhang-bench-import-{n}.{fmt}"
    t0 = time.perf_counter()
    write_file(n, fmt, path)
    print(f"  file written in {time.perf_counter() - t0:.1f} s ({path.stat().st_size / 1048576:.1f} MB)")
    out = subprocess.run([sys.executable, "-m", "bench.imports", "--child", str(path)], capture_output=True, text=True,
                         env={**os.environ})
    line = (out.stdout.strip().splitlines() or ["{}"])[-1]
    result = json.loads(line) if line.startswith("{") else {"error": out.stderr[-2000:]}
    if "error" in result:
        print(f"  import failed: {result['error']}")
        return False
    raw, counts = raw_insert_seconds(definition.pk)
    rate = n / result["commit"]
    ratio = result["commit"] / raw
    print(f"  check (preview) {result['check']:.1f} s = {n / result['check']:,.0f} rows/s; upload {result['upload']:.1f} s")
    print(f"  commit          {result['commit']:.1f} s = {rate:,.0f} rows/s   (target ≥ {RATE:,})")
    print(f"  raw insert      {raw:.1f} s of {counts['items_item']:,} items + {counts['ledgers_ledgerentry']:,} entries"
          f" + {counts['ledgers_entryvalue']:,} index values")
    print(f"  commit / raw    {ratio:.2f}×   (target ≤ {RATIO:.0f}×)")
    print(f"  peak RSS        {result['rss_mb']:.0f} MB   (target < {RSS_MB})")
    path.unlink(missing_ok=True)
    return rate >= RATE and ratio <= RATIO and result["rss_mb"] < RSS_MB


if __name__ == "__main__":
    sys.exit(main())
