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
import random
import statistics
import sys
import time
from decimal import Decimal

YEAR = 2023
MONTH = 12


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
    from bench import settings as bench_settings
    from taizhang.settings.base import BASE_DIR, database_from_env

    dbs = database_from_env(BASE_DIR / "bench.sqlite3.projects")
    if dbs["default"]["ENGINE"] != "django.db.backends.sqlite3":
        dbs["default"]["NAME"] = f"{dbs['default']['NAME']}_projects"
        os.environ["DATABASE_URL"] = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/" + dbs["default"]["NAME"]
        from bench.__main__ import create_postgres_database

        create_postgres_database()
    bench_settings.DATABASES = dbs
    import django

    django.setup()


def generate(n, seed=0, log=print):
    """N projects with plans and 12 months of cumulative reports, by bulk inserts."""
    from django.db import connection, transaction
    from django.utils import timezone

    from items.models import Item
    from org.models import Area, AreaLevel, Unit, UnitKind
    from projects.models import ProjectLevel, ProjectList

    rng = random.Random(seed)
    now = timezone.now()
    with transaction.atomic():
        district = Area.objects.create(name="青山湖区", level=AreaLevel.DISTRICT, path="/1/")
        district.path = f"/{district.pk}/"
        district.save(update_fields=["path"])
        units = []
        for i in range(60):
            u = Unit.objects.create(name=f"单位{i:02d}", short_name=f"单位{i:02d}", kind=UnitKind.DEPARTMENT,
                                    area=district)
            u.path = f"/{u.pk}/"
            u.save(update_fields=["path"])
            units.append(u.pk)
        lists = [ProjectList.objects.create(year=YEAR, level=level, name=f"{YEAR}年{label}项目").pk
                 for level, label in ProjectLevel.choices]
    batch = 5000
    made = 0
    while made < n:
        size = min(batch, n - made)
        with transaction.atomic():
            items = Item.objects.bulk_create([
                Item(kind="project", number=f"XM-{YEAR}-{made + k + 1:07d}", title=f"项目{made + k + 1}",
                     lead_unit_id=units[rng.randrange(len(units))], area_id=district.pk, state="in_progress",
                     created_at=now, updated_at=now) for k in range(size)])
            ids = [i.pk for i in items]
            with connection.cursor() as c:
                c.executemany(
                    "INSERT INTO projects_project (item_ptr_id, category, construction_content, total_investment, "
                    "investor, current_stage, image_progress, problems) VALUES (%s, 'industry', '', %s, '', "
                    "'started', '', '')", [(pk, Decimal(rng.randint(1000, 500000))) for pk in ids])
                members = []
                for pk in ids:
                    on = {lists[rng.randrange(3)]}
                    if rng.random() < 0.3:
                        on.add(lists[rng.randrange(3)])
                    members += [(pk, lid) for lid in on]
                c.executemany("INSERT INTO projects_project_lists (project_id, projectlist_id) VALUES (%s, %s)",
                              members)
                plans, reports = [], []
                for pk in ids:
                    plan = rng.randint(100, 50000)
                    plans.append((pk, YEAR, Decimal(plan), now, now))
                    acc = 0
                    for m in range(1, 13):
                        acc += rng.randint(0, plan // 6 + 1)
                        reports.append((pk, YEAR, m, Decimal(acc), "", False, ""))
                c.executemany("INSERT INTO projects_annualplan (project_id, year, planned_amount, created_at, "
                              "updated_at) VALUES (%s, %s, %s, %s, %s)", plans)
                c.executemany("INSERT INTO projects_investmentreport (project_id, year, month, cumulative_amount, "
                              "note, is_correction, correction_note) VALUES (%s, %s, %s, %s, %s, %s, %s)", reports)
        made += size
        if made % 20000 == 0 or made == n:
            log(f"{made:,} projects")
    with connection.cursor() as c:
        c.execute("ANALYZE")


LATEST_SQL = """
    SELECT r.project_id, r.cumulative_amount FROM projects_investmentreport r
    JOIN (SELECT project_id, MAX(month) AS m FROM projects_investmentreport
          WHERE year = %s AND month <= %s GROUP BY project_id) x
      ON x.project_id = r.project_id AND x.m = r.month AND r.year = %s
"""

SQL_BY_UNIT = f"""
    SELECT i.lead_unit_id, COUNT(*), SUM(COALESCE(ap.planned_amount, 0)), SUM(COALESCE(lr.cumulative_amount, 0))
    FROM projects_project p JOIN items_item i ON i.id = p.item_ptr_id
    LEFT JOIN projects_annualplan ap ON ap.project_id = p.item_ptr_id AND ap.year = %s
    LEFT JOIN ({LATEST_SQL}) lr ON lr.project_id = p.item_ptr_id
    GROUP BY i.lead_unit_id ORDER BY i.lead_unit_id
"""

SQL_BY_LIST = f"""
    SELECT pl.projectlist_id, COUNT(*), SUM(COALESCE(ap.planned_amount, 0)), SUM(COALESCE(lr.cumulative_amount, 0))
    FROM projects_project_lists pl JOIN projects_projectlist l ON l.id = pl.projectlist_id AND l.year = %s
    LEFT JOIN projects_annualplan ap ON ap.project_id = pl.project_id AND ap.year = %s
    LEFT JOIN ({LATEST_SQL}) lr ON lr.project_id = pl.project_id
    GROUP BY pl.projectlist_id ORDER BY pl.projectlist_id
"""


def sql(query, params):
    from django.db import connection

    with connection.cursor() as c:
        c.execute(query, params)
        return c.fetchall()


def _norm(rows):
    return [(key, n, round(float(plan), 2), round(float(done), 2)) for key, n, plan, done in rows]


def run(runs, log=print):
    from accounts.models import User
    from projects import selectors

    user = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser("bench_admin", None, "x")
    cases = [
        ("roll-up by list", lambda: selectors.rollup(user, year=YEAR, month=MONTH, by="list"),
         lambda: sql(SQL_BY_LIST, [YEAR, YEAR, YEAR, MONTH, YEAR])),
        ("roll-up by unit", lambda: selectors.rollup(user, year=YEAR, month=MONTH, by="unit"),
         lambda: sql(SQL_BY_UNIT, [YEAR, YEAR, MONTH, YEAR])),
    ]
    ok = True
    for name, real, hand in cases:
        got = _norm([(f.key, f.count, f.plan, f.done) for f in real()])
        want = _norm(hand())
        same = len(got) == len(want) and all(
            g[0] == w[0] and g[1] == w[1] and abs(g[2] - w[2]) < 1 and abs(g[3] - w[3]) < 1 for g, w in zip(got, want, strict=True))
        if not same:
            ok = False
            log(f"  {name}: the selector and the SQL DISAGREE")
        t_real = median_ms(real, runs)
        t_sql = median_ms(hand, runs)
        log(f"  {name:<16} selectors {t_real:8.1f} ms   SQL {t_sql:8.1f} ms   ratio {t_real / t_sql:5.2f}×"
            f"   rows {len(got)}{'' if same else '  (rows differ!)'}")
    return ok


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.projects", description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    configure()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from projects.models import Project

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
    return 0 if run(args.runs) else 1


if __name__ == "__main__":
    sys.exit(main())
