"""`python -m bench.projects [--projects N] [--runs R]` — the investment roll-up of 抓大引大 over N projects
(default 100,000) × 12 monthly reports, through projects.selectors beside hand-written SQL.

Its own database (bench.sqlite3.projects — ignored like bench.sqlite3*; or "<DATABASE_URL name>_projects" on PostgreSQL) so the item
benchmark's counts are untouched. Generates the projects once (bulk SQL: 3 lists, 60 units, an annual plan
and 12 cumulative reports per project), checks that the selectors and the SQL give the same rows, then
prints the median of R runs of each, and the ratio:

  (a) roll-up by list   selectors.rollup(by="list")  — a project on two lists counts in both
  (b) roll-up by unit   selectors.rollup(by="unit")
"""
import argparse
import os
import statistics
import sys
import time

import django
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from bench import settings as bench_settings
from bench.__main__ import create_postgres_database
from taizhang.settings.base import BASE_DIR, database_from_env


def median_ms(fn, runs):
    fn()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def configure():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    dbs = database_from_env(BASE_DIR / "bench.sqlite3.projects")
    if dbs["default"]["ENGINE"] != "django.db.backends.sqlite3":
        dbs["default"]["NAME"] = f"{dbs['default']['NAME']}_projects"
        os.environ["DATABASE_URL"] = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/" + dbs["default"]["NAME"]
        create_postgres_database()
    bench_settings.DATABASES = dbs
    django.setup()


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.projects", description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    configure()
    # the apps (models) can be imported only once Django is set up with the benchmark's database
    from projects.models import Project

    from .project_cases import generate, run

    print(f"bench.projects: {connection.vendor} database {settings.DATABASES['default']['NAME']}")
    call_command("migrate", verbosity=0, interactive=False)
    have = Project.objects.count()
    if have == 0:
        print(f"bench.projects: generating {args.projects:,} projects × 12 months …")
        t0 = time.perf_counter()
        generate(args.projects, args.seed, log=lambda m: print("  " + m))
        print(f"  generated in {time.perf_counter() - t0:.0f} s")
    elif have != args.projects:
        print(f"bench.projects: the database holds {have:,} projects (delete it to regenerate)")
    print(f"bench.projects: {Project.objects.count():,} projects, median of {args.runs} runs")
    return 0 if run(args.runs, median=median_ms) else 1


if __name__ == "__main__":
    sys.exit(main())
