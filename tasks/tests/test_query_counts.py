"""The number of queries per page does not grow with the number of rows (3 items vs 30 items)."""
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from items.services import perform
from tasks import services

pytestmark = pytest.mark.django_db


def add_tasks(demo, admin_user, town_user, n, start):
    """n key tasks for 罗家镇 in a mix of states: to accept, in progress (owing a report), overdue, submitted."""
    today = timezone.localdate()
    for i in range(start, start + n):
        task = services.task_create(
            actor=admin_user, title=f"任务{i}", owning_body=demo.bodies["改旧建新专班"], lead_unit=demo.units["罗家镇"],
            due_date=today + datetime.timedelta(days=30 if i % 4 else -3), target="目标",
            co_units=[demo.units["谢埠村"]] if i % 3 == 0 else (),
            milestones=[("节点", today + datetime.timedelta(days=-1 if i % 4 else -5))])
        if i % 4 != 1:
            perform(task, "accept", town_user, task.version)
        if i % 4 == 2:
            perform(task, "submit", town_user, task.version)


def count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


PAGES = [
    ("town", "items:todo", ""),
    ("town", "items:item_list", ""),
    ("town", "items:item_list", "?state=in_progress"),
    ("leader", "items:board", ""),
    ("town", "tasks:task_list", ""),
    ("leader", "tasks:task_list", ""),
    ("admin", "items:todo", ""),
]


@pytest.mark.parametrize(("who", "name", "query"), PAGES)
def test_queries_do_not_grow_with_rows(demo, admin_user, client_for, who, name, query):
    town = demo.users["town"]
    client = client_for(demo.users[who])
    url = reverse(name) + query
    add_tasks(demo, admin_user, town, 3, 0)
    client.get(url)  # warm the per-process caches (content types, calendar)
    few = count(client, url)
    add_tasks(demo, admin_user, town, 27, 3)
    many = count(client, url)
    assert many == few, f"{url}: {few} queries with 3 items, {many} with 30"


def test_the_task_page_does_not_grow_with_milestones_or_children(demo, admin_user, client_for):
    today = timezone.localdate()
    client = client_for(demo.users["leader"])

    def page(n):
        parent, _children = services.task_assign_bulk(
            actor=admin_user, title=f"批量{n}", owning_body=demo.bodies["改旧建新专班"],
            units=[demo.units[u] for u in ["罗家镇", "塘山镇", "湖坊镇", "京东镇", "扬子洲镇"][:n]],
            due_date=today + datetime.timedelta(days=30), target="目标",
            milestones=[(f"节点{i}", today + datetime.timedelta(days=i)) for i in range(n * 2)])
        return count(client, reverse("tasks:task_detail", args=[parent.pk]))

    assert page(2) == page(5)
