"""`python -m bench.ledgers [--entries N] [--runs R]` — the filtered list of one defined ledger (自定义台账) at
N entries (default 1,000,000), filtered on two of its custom fields, through the real selector and the real page
beside hand-written SQL over the same tables.

Its own database (bench.sqlite3.ledgers, or "<DATABASE_URL name>_ledgers" on PostgreSQL). The ledger is the
矛盾纠纷 seed (ledgers/seed/disputes.json) defined through the definition service; its entries are written by
the import engine's bulk service (ledgers.services.entries_create_bulk — validation-free here, the rows are
generated in stored form), which also gives the bulk write rate. The case:

    ?ledger=disputes&type=marriage&found_on_from=2024-03-01&found_on_to=2024-03-31   (~1 % of the rows)

as the district leader (everything) and as a town user (罗家镇 and its villages): page 1 (30 rows) and the
count, real vs SQL (≤ 3×), and the page's p95 over R runs (< 300 ms).
"""
import argparse
import datetime
import os
import random
import statistics
import sys
import time

import django
from django.core.management import call_command
from django.db import connection

from bench import settings as bench_settings
from bench.__main__ import analyze, create_postgres_database
from taizhang.settings.base import BASE_DIR, database_from_env

QUERY = "ledger=disputes&type=marriage&found_on_from=2024-03-01&found_on_to=2024-03-31"
RATIO, LIMIT_MS = 3.0, 300
TYPES = ["marriage", "neighbour", "land", "labour", "property", "traffic", "debt", "other"]
RESULTS = ["resolved", "failed", "ongoing", "referred"]
MEDIATORS = ["village", "town", "police", "court"]


def configure():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    dbs = database_from_env(BASE_DIR / "bench.sqlite3.ledgers")
    if dbs["default"]["ENGINE"] != "django.db.backends.sqlite3":
        dbs["default"]["NAME"] = f"{dbs['default']['NAME']}_ledgers"
        os.environ["DATABASE_URL"] = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/" + dbs["default"]["NAME"]
        create_postgres_database()
    bench_settings.DATABASES = dbs
    django.setup()


def generate(n, seed, log):
    from django.db import transaction

    from accounts.models import User
    from demo.org_demo import load_if_empty
    from ledgers import seeds, services
    from org.models import Unit

    load_if_empty()
    admin = User.objects.get(username="admin")
    definition = seeds.load_seed("disputes", actor=admin)
    units = list(Unit.objects.filter(is_active=True).exclude(area__isnull=True))
    rnd = random.Random(seed)
    start = datetime.date(2024, 1, 1)
    have = definition.entries.count()
    t0, written = time.perf_counter(), 0
    while have + written < n:
        size = min(10_000, n - have - written)
        rows = []
        for _ in range(size):
            found = start + datetime.timedelta(days=rnd.randrange(366))
            data = {"summary": rnd.choice(("宅基地边界纠纷", "邻里噪音纠纷", "工资拖欠", "婚姻家庭矛盾", "物业费争议")),
                    "type": rnd.choice(TYPES), "found_on": found.isoformat(), "party": "张三",
                    "party_phone": f"138{rnd.randrange(10**8):08d}", "people": rnd.randrange(1, 20),
                    "amount": round(rnd.random() * 50, 2), "mediator": rnd.choice(MEDIATORS),
                    "result": rnd.choice(RESULTS), "deadline": (found + datetime.timedelta(days=30)).isoformat()}
            rows.append({"lead_unit": rnd.choice(units), "data": data})
        with transaction.atomic():
            services.entries_create_bulk(actor=admin, definition=definition, rows=rows, batch=None,
                                         record=lambda entries: None)
        written += size
        if written % 100_000 == 0 or have + written >= n:
            rate = written / (time.perf_counter() - t0)
            log(f"  {have + written:,} entries ({rate:,.0f} rows/s through entries_create_bulk)")
    return definition


def sql(query, params=()):
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


def hand_written(definition, user):
    """The same page by hand: the two conditions over EntryValue's covering indexes, the scope on items."""
    from accounts.scope import user_scope

    f_type = definition.fields.get(key="type").pk
    f_date = definition.fields.get(key="found_on").pk
    scope = user_scope(user)
    where, params = "", [f_date, "2024-03-01", "2024-03-31", f_type, "marriage"]
    if not scope.everything:
        marks = ", ".join(["%s"] * len(scope.unit_ids))
        where = f" AND i.lead_unit_id IN ({marks})"
        params += sorted(scope.unit_ids)
    matching = ("SELECT v1.entry_id FROM ledgers_entryvalue v1 WHERE v1.field_id = %s AND v1.text >= %s "
                "AND v1.text <= %s AND EXISTS (SELECT 1 FROM ledgers_entryvalue v2 WHERE v2.entry_id = v1.entry_id "
                "AND v2.field_id = %s AND v2.text = %s)")
    # one pass over the index probes gives the count and the page's ids; then the 30 rows by primary key
    ids = [r[0] for r in sql(f"SELECT i.id FROM items_item i WHERE i.id IN ({matching}){where} ORDER BY i.id DESC",
                             params)]
    count, page = len(ids), ids[:30]
    marks = ", ".join(["%s"] * len(page)) or "NULL"
    rows = sql(f"SELECT i.id, i.number, i.title, i.state, i.light, i.light_reason, u.id, u.name, u.short_name, e.data "
               f"FROM items_item i JOIN ledgers_ledgerentry e ON e.item_ptr_id = i.id "
               f"LEFT JOIN org_unit u ON u.id = i.lead_unit_id WHERE i.id IN ({marks}) ORDER BY i.id DESC", page)
    return count, [r[0] for r in rows]


def selector(definition, user):
    from django.http import QueryDict

    from ledgers import selectors
    from ledgers.filters import MatchingIdsPaginator, filterset_for

    definition = selectors.definition_by_code("disputes")  # as the page reads it: fields and dictionaries loaded
    qs = selectors.entry_list(user, definition)
    fs = filterset_for(definition, user)(QueryDict(QUERY), queryset=qs)
    page = MatchingIdsPaginator(fs.qs.order_by("-pk"), 30).get_page(1)  # the list view's paginator here
    return page.paginator.count, [e.pk for e in page.object_list]


def timings(fn, runs):
    fn()
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def p95(values):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.ledgers", description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    configure()
    from django.test import Client

    from accounts.models import User
    from ledgers.models import LedgerDefinition

    print(f"bench.ledgers: {connection.vendor} database {bench_settings.DATABASES['default']['NAME']}")
    call_command("migrate", verbosity=0, interactive=False)
    definition = LedgerDefinition.objects.filter(code="disputes").first()
    if definition is None or definition.entries.count() < args.entries:
        print(f"bench.ledgers: generating {args.entries:,} entries of 矛盾纠纷 …")
        definition = generate(args.entries, args.seed, print)
        analyze(connection)
    print(f"bench.ledgers: {definition.entries.count():,} entries; {QUERY}; {args.runs} runs\n")
    ok = True
    print(f"{'case':<44} {'median':>8} {'p95':>8} {'SQL':>8} {'ratio':>6}  target")
    for username in ("leader", "town"):
        user = User.objects.get(username=username)
        real, hand = selector(definition, user), hand_written(definition, user)
        if real != hand:
            ok = False
            print(f"  !! {username}: the selector and the SQL disagree: {real[0]} vs {hand[0]} rows")
        client = Client()
        client.force_login(user)
        html = client.get(f"/ledgers/entries/?{QUERY}").content.decode()
        missing = [pk for pk in hand[1] if f"/ledgers/entries/{pk}/" not in html]
        if missing:
            ok = False
            print(f"  !! {username}: the page lacks rows the SQL found: {missing[:5]}")
        t_sql = statistics.median(timings(lambda u=user: hand_written(definition, u), args.runs))
        t_sel = timings(lambda u=user: selector(definition, u), args.runs)
        t_page = timings(lambda c=client: c.get(f"/ledgers/entries/?{QUERY}"), args.runs)
        for name, values in ((f"selector ({username}, {real[0]:,} rows)", t_sel), (f"page /ledgers/entries/ ({username})",
                                                                                   t_page)):
            med, high = statistics.median(values), p95(values)
            ratio = med / t_sql
            target_ok = high < LIMIT_MS and (ratio <= RATIO or name.startswith("page"))
            ok = ok and target_ok
            target = f"≤{RATIO}× " if name.startswith("selector") else ""
            print(f"{name:<44} {med:8.1f} {high:8.1f} {t_sql:8.1f} {ratio:6.2f}  {target}p95<{LIMIT_MS}ms "
                  f"{'ok' if target_ok else 'MISSED'}")
    print("\nall targets met" if ok else "\nsome targets missed (see above)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
