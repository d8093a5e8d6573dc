"""The four benchmark cases: the real code (selectors, full views) beside hand-written SQL for the same rows.

Imported by bench/__main__.py once Django is set up."""
from django.core.paginator import Paginator
from django.db import connection
from django.test import Client, RequestFactory
from django.utils import timezone

from accounts.models import User
from accounts.scope import user_scope
from items import selectors
from items.models import OPEN_STATES
from items.periods import current_period
from items.views import ItemList

TODO_ROWS = 21  # what /items/todo/ reads per section (TODO_LIMIT + 1)
LIST_QUERY = "state=in_progress&light=red"  # page 1 of a filtered item list
PAGE_SIZE = 30
AGGREGATE_RATIO = 1.5
LIST_RATIO = 3.0
LIMIT_MS = 300


def sql(query, params=()):
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


def _in(values):
    values = sorted(values)
    return ", ".join(["%s"] * len(values)) or "NULL", values


def _scope_sql(user):
    """The user's data scope in SQL (the rule accounts.scope states): (where, params); ("1=1", []) = all."""
    scope = user_scope(user)
    if scope.everything:
        return "1=1", []
    parts, params = [], []
    if scope.unit_ids:
        marks, ids = _in(scope.unit_ids)
        parts.append(f"i.lead_unit_id IN ({marks})")
        params += ids
        parts.append(f"i.id IN (SELECT c.item_id FROM items_item_co_units c WHERE c.unit_id IN ({marks}))")
        params += ids
    if scope.body_ids:
        marks, ids = _in(scope.body_ids)
        parts.append(f"i.owning_body_id IN ({marks})")
        params += ids
    if scope.self_only:
        parts.append("i.assignee_id = %s OR i.created_by_id = %s")
        params += [user.pk, user.pk]
    return "(" + (" OR ".join(parts) or "1=0") + ")", params


ITEM_COLUMNS = ("i.id, i.number, i.title, i.state, i.light, i.due_date, i.progress_percent, "
                "u.id, u.name, u.short_name, b.id, b.name, b.short_name")
ITEM_JOINS = ("FROM items_item i LEFT JOIN org_unit u ON u.id = i.lead_unit_id "
              "LEFT JOIN org_body b ON b.id = i.owning_body_id")


# --- (a) to-do --------------------------------------------------------------------------------------

def todo_selector(user, today):
    todo = selectors.todo_for(user, today)
    return {key: [row.pk for row in qs[:TODO_ROWS]] for key, qs in todo.items()}


def todo_sql(user, today):
    period = current_period(today)
    scope, sp = _scope_sql(user)
    # "mine" = my unit's items, or assigned to me within my scope; "dispatch" = my bodies' items, or created by
    # me within my scope. Written so each OR branch has its own index (lead_unit/assignee/owning_body first).
    own_unit = user_scope(user).everything or user.unit_id in user_scope(user).unit_ids
    mine = f"(i.lead_unit_id = %s OR (i.assignee_id = %s AND {scope}))" if own_unit else \
        f"((i.lead_unit_id = %s OR i.assignee_id = %s) AND {scope})"
    mp = [user.unit_id, user.pk] + sp
    bodies = sorted(user_scope(user).body_ids)
    dispatch, dp = f"((i.created_by_id = %s AND {scope})", [user.pk] + sp
    if bodies:
        marks, ids = _in(bodies)
        dispatch += f" OR i.owning_body_id IN ({marks})"
        dp += ids
    dispatch += ")"
    scope, sp = "1=1", []  # already inside mine / dispatch
    open_marks, open_states = _in([str(s) for s in OPEN_STATES])
    lim = f" LIMIT {TODO_ROWS}"

    # the few open instructions / pending extensions drive those two (CROSS JOIN fixes SQLite's join order)

    def items(where, params, order):
        rows = sql(f"SELECT {ITEM_COLUMNS} {ITEM_JOINS} WHERE {scope} AND {where} ORDER BY {order}{lim}",
                   sp + params)
        return [r[0] for r in rows]

    return {
        "to_accept": items(f"{mine} AND i.state = 'assigned'", mp, "i.due_date, i.id"),
        "to_report": items(f"{mine} AND i.state = 'in_progress' AND (i.last_report_on IS NULL OR "
                           f"i.last_report_on < %s)", mp + [period.start], "i.due_date, i.id"),
        "to_review": items(f"{dispatch} AND i.state = 'submitted'", dp, "i.submitted_at, i.id"),
        "overdue": items(f"{mine} AND i.state IN ({open_marks}) AND i.due_date < %s", mp + open_states + [today],
                         "i.due_date, i.id"),
        "instructions_awaiting_reply": [r[0] for r in sql(
            f"SELECT x.id, x.text, x.reply_due, i.id, i.number, i.title FROM items_instruction x "
            f"CROSS JOIN items_item i WHERE i.id = x.item_id AND x.replied_at IS NULL AND {scope} AND {mine} "
            f"ORDER BY x.reply_due, x.id{lim}", sp + mp)],
        "extensions_to_decide": [r[0] for r in sql(
            f"SELECT x.id, x.requested_due, i.id, i.number, i.title FROM items_extensionrequest x "
            f"CROSS JOIN items_item i WHERE i.id = x.item_id AND x.status = 'pending' AND {scope} AND {dispatch} "
            f"ORDER BY x.requested_at, x.id{lim}", sp + dp)],
    }


# --- (b) overdue by unit ------------------------------------------------------------------------------

def overdue_selector(user, today):
    return [(r["unit_id"], r["count"], str(r["unit"])) for r in selectors.overdue_by_unit(user, today)]


def overdue_sql(user, today):
    scope, sp = _scope_sql(user)
    marks, states = _in([str(s) for s in OPEN_STATES])
    rows = sql(f"SELECT c.lead_unit_id, c.n, COALESCE(NULLIF(u.short_name, ''), u.name) FROM ("
               f"SELECT i.lead_unit_id, COUNT(*) AS n FROM items_item i "
               f"WHERE {scope} AND i.state IN ({marks}) AND i.due_date < %s GROUP BY i.lead_unit_id) c "
               f"LEFT JOIN org_unit u ON u.id = c.lead_unit_id ORDER BY c.n DESC, c.lead_unit_id",
               sp + states + [today])
    return [(r[0], r[1], r[2] or "None") for r in rows]


# --- (c) light counts per body ------------------------------------------------------------------------

def lights_selector(user):
    return [(r["body_id"], r["red"], r["yellow"], r["green"], r["total"])
            for r in selectors.light_counts_by_body(user)]


def lights_sql(user):
    scope, sp = _scope_sql(user)
    marks, states = _in([str(s) for s in OPEN_STATES])
    # count per (body, light) on the covering index first, then pivot and name the handful of bodies
    rows = sql(f"SELECT c.owning_body_id, "
               f"SUM(CASE WHEN c.light = 'red' THEN c.n ELSE 0 END), "
               f"SUM(CASE WHEN c.light = 'yellow' THEN c.n ELSE 0 END), "
               f"SUM(CASE WHEN c.light = 'green' THEN c.n ELSE 0 END), SUM(c.n), "
               f"MAX(b.sort_order), MAX(b.name) FROM ("
               f"SELECT i.owning_body_id, i.light, COUNT(*) AS n FROM items_item i "
               f"WHERE {scope} AND i.owning_body_id IS NOT NULL AND i.state IN ({marks}) "
               f"GROUP BY i.owning_body_id, i.light) c JOIN org_body b ON b.id = c.owning_body_id "
               f"GROUP BY c.owning_body_id", sp + states)
    rows.sort(key=lambda r: (r[5], r[0]))
    return [tuple(int(v) for v in r[:5]) for r in rows]


# --- (d) page 1 of a filtered list ---------------------------------------------------------------------

def list_sql(user):
    scope, sp = _scope_sql(user)
    where = f"{scope} AND i.state = %s AND i.light = %s"
    params = sp + ["in_progress", "red"]
    total = sql(f"SELECT COUNT(*) FROM items_item i WHERE {where}", params)[0][0]
    rows = sql(f"SELECT {ITEM_COLUMNS}, a.id, a.name {ITEM_JOINS} LEFT JOIN org_area a ON a.id = i.area_id "
               f"WHERE {where} ORDER BY i.id DESC LIMIT {PAGE_SIZE}", params)
    ids = [r[0] for r in rows]
    if ids:
        marks, _ids = _in(ids)
        sql(f"SELECT c.item_id, u.id, u.name FROM items_item_co_units c JOIN org_unit u ON u.id = c.unit_id "
            f"WHERE c.item_id IN ({marks})", _ids)
    return total, ids, [r[1] for r in rows]


def list_selector(user):
    """The list view's own queryset and paginator (without the HTTP and template layers)."""
    request = RequestFactory().get("/items/?" + LIST_QUERY)
    request.user = user
    view = ItemList()
    view.setup(request)
    page = Paginator(view.filtered(), view.paginate_by).get_page(1)
    return page.paginator.count, [obj.pk for obj in page.object_list]


# --- the run ------------------------------------------------------------------------------------------

def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def get_page(client, url):
    response = client.get(url)
    if response.status_code != 200:
        raise AssertionError(f"{url} answered {response.status_code}")
    return response


def run_all(*, items, runs, median):
    today = timezone.localdate()
    town = User.objects.get(username="town")
    leader = User.objects.get(username="leader")
    results = []
    ok = True

    def check(name, real, hand):
        nonlocal ok
        if real != hand:
            ok = False
            print(f"  !! {name}: the real code and the SQL disagree\n     real: {str(real)[:300]}\n     sql:  {str(hand)[:300]}")
        return real == hand

    # (a) the town user's to-do list
    check("(a) to-do", todo_selector(town, today), todo_sql(town, today))
    town_client = client_for(town)
    get_page(town_client, "/items/todo/")
    t_sql = median(lambda: todo_sql(town, today), runs)
    t_sel = median(lambda: todo_selector(town, today), runs)
    t_view = median(lambda: get_page(town_client, "/items/todo/"), runs)
    results += [("(a) to-do list (罗家镇), selector", t_sel, t_sql, LIST_RATIO),
                ("(a) to-do list, page /items/todo/", t_view, t_sql, LIST_RATIO)]

    # (b) overdue ranked by unit, (c) light counts per body: district leader, everything
    check("(b) overdue by unit", overdue_selector(leader, today), overdue_sql(leader, today))
    results.append(("(b) overdue by unit, selector", median(lambda: overdue_selector(leader, today), runs),
                    median(lambda: overdue_sql(leader, today), runs), AGGREGATE_RATIO))
    check("(c) light counts by body", lights_selector(leader), lights_sql(leader))
    results.append(("(c) light counts by body, selector", median(lambda: lights_selector(leader), runs),
                    median(lambda: lights_sql(leader), runs), AGGREGATE_RATIO))

    # (d) page 1 of a filtered list
    total, ids, numbers = list_sql(leader)
    check("(d) list page 1", list_selector(leader), (total, ids))
    leader_client = client_for(leader)
    html = get_page(leader_client, "/items/?" + LIST_QUERY).content.decode()
    missing = [n for n in numbers if n not in html]
    if missing:
        ok = False
        print(f"  !! (d) the page lacks rows the SQL found: {missing[:5]}")
    t_sql = median(lambda: list_sql(leader), runs)
    results += [("(d) item list page 1, selector", median(lambda: list_selector(leader), runs), t_sql, LIST_RATIO),
                (f"(d) item list page 1, page /items/?{LIST_QUERY}",
                 median(lambda: get_page(leader_client, "/items/?" + LIST_QUERY), runs), t_sql, LIST_RATIO)]

    print(f"\n{connection.vendor}, {items:,} items, median of {runs} runs (ms)\n")
    print(f"{'case':<58} {'real':>8} {'SQL':>8} {'ratio':>6}  target")
    for name, real, hand, target in results:
        ratio = real / hand if hand else float("inf")
        good = ratio <= target and real < LIMIT_MS
        ok = ok and good
        print(f"{name:<58} {real:8.1f} {hand:8.1f} {ratio:6.2f}  ≤{target}× <{LIMIT_MS}ms {'ok' if good else 'MISSED'}")
    print("\nall targets met" if ok else "\nsome targets missed (see above)")
    return ok
