"""`python -m bench [--items N] [--runs R]` — the real code beside hand-written SQL (see docs/bench.md).

Uses its own database (bench.settings: bench.sqlite3, or PostgreSQL when DATABASE_URL is set). Creates and
migrates it, generates key tasks with demo.generator until it holds N items, then times four questions
through the real selectors and the full views (django.test.Client: middleware, session, template), each
beside hand-written SQL that computes the same rows — and checks the rows are equal before timing:

  (a) one town user's to-do list       selectors.todo_for (+ the /items/todo/ page)
  (b) overdue items ranked by unit     selectors.overdue_by_unit (district leader)
  (c) light counts per body            selectors.light_counts_by_body (district leader)
  (d) page 1 of a filtered item list   the /items/?… page (district leader)

Prints the median of R runs (after one warm-up) of each, the ratio to the SQL, and whether the targets hold:
aggregates ≤ 1.5× the SQL, list pages ≤ 3×, every timing under 300 ms.
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

import dj_database_url
import django
from django.conf import settings
from django.core.management import call_command
from django.db import connection


def median_ms(fn, runs):
    fn()  # warm-up: caches, prepared statements, the page cache
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1_000_000, help="size of the database (default 1,000,000)")
    parser.add_argument("--runs", type=int, default=7, help="timed runs per measurement (median)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-generate", action="store_true", help="time whatever the database holds")
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    create_postgres_database()
    django.setup()
    # the apps (models) can be imported only once Django is set up with the benchmark's settings
    from demo.generator import generate
    from items.models import Item

    from .cases import run_all

    db = settings.DATABASES["default"]
    where = db["NAME"] if connection.vendor == "sqlite" else f"{db.get('HOST')}/{db['NAME']}"
    print(f"bench: {connection.vendor} database {where}")
    call_command("migrate", verbosity=0, interactive=False)
    have = Item.objects.count()
    if have < args.items and not args.no_generate:
        print(f"bench: the database holds {have:,} items; generating {args.items - have:,} more …")
        generate(items=args.items - have, seed=args.seed + have, log=lambda m: print("  " + m))
        analyze(connection)
        have = Item.objects.count()
    elif "sqlite_stat1" not in connection.introspection.table_names() and connection.vendor == "sqlite":
        analyze(connection)
    elif connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT n_dead_tup + n_ins_since_vacuum FROM pg_stat_user_tables "
                           "WHERE relname = 'items_item'")
            row = cursor.fetchone()
        if row and row[0] > 10_000:
            analyze(connection)  # bulk-loaded by `manage.py generate_data`: statistics and visibility map
    ok = run_all(items=have, runs=args.runs, median=median_ms)
    # 抓大引大: the investment roll-up over 100,000 projects × 12 months (bench/projects.py, own database)
    ok = subprocess.call([sys.executable, "-m", "bench.projects", "--runs", str(args.runs)]) == 0 and ok
    # the Excel import: 100,000 rows into a defined ledger, CSV and .xlsx (bench/imports.py, own database)
    ok = subprocess.call([sys.executable, "-m", "bench.imports"]) == 0 and ok
    # 自定义台账: a defined ledger's list filtered on two custom fields at 1,000,000 entries (bench/ledgers.py)
    ok = subprocess.call([sys.executable, "-m", "bench.ledgers"]) == 0 and ok
    return 0 if ok else 1


def create_postgres_database():
    """PostgreSQL: create the database named in DATABASE_URL if it does not exist yet (SQLite creates its file)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return
    import psycopg  # loads libpq: only when the benchmark runs on PostgreSQL

    cfg = dj_database_url.parse(url)
    params = {"host": cfg.get("HOST") or None, "port": cfg.get("PORT") or None, "user": cfg.get("USER") or None,
              "password": cfg.get("PASSWORD") or None, "dbname": "postgres"}
    with psycopg.connect(**{k: v for k, v in params.items() if v}, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [cfg["NAME"]]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{cfg["NAME"]}"')
            print(f"bench: created PostgreSQL database {cfg['NAME']}")


def analyze(connection):
    """Planner statistics after a bulk load (what any deployment's maintenance does)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("ANALYZE")
        elif connection.vendor == "postgresql":
            # VACUUM sets the visibility map after the bulk load, so counts can use index-only scans
            cursor.execute("VACUUM ANALYZE")


if __name__ == "__main__":
    sys.exit(main())
