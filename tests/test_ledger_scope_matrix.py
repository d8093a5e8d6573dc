"""The permission matrix for every ledger: role × data scope × channel (page / API detail / API list / Excel export).

One row of each ledger (key tasks, the item ledger, projects, findings, appeals, enterprises, inspections,
督办单, visits, fund allocations) is made for 罗家镇 (town_a's unit). The one scope module (`accounts.scope.visible_to`)
decides who sees it; this test checks that every channel agrees with it, and that it gives the answer the
mechanism expects for the personas whose scope is clear-cut:

    town_a (罗家镇, unit and below)  sees it      town_b (塘山镇)   never does
    leader (district, all)           sees it      admin            sees it

Outside the scope a detail page and an API detail answer 404 (as for a missing row) and the row is absent from
the API list and from the export; inside it they answer 200 and list it. tests/scope_cases.py checks every
route per persona; this file checks real rows, ledger by ledger.
"""
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db

PERSONAS = ("town_a", "town_b", "leader", "admin_user", "village", "dept", "taskforce", "supervisor", "auditor")
EXPECTED = {"town_a": True, "town_b": False, "leader": True, "admin_user": True}
# The enterprise register is the district's shared lookup (扫楼扫街 across towns): every signed-in user may read
# it, contacts masked; only the serving unit and those above it may change a row (checked below).
SHARED = {"town_a": True, "town_b": True, "leader": True, "admin_user": True}
TITLE = "权限矩阵测试行"


def _task(demo, people):
    from tasks import services

    return services.task_create(actor=people["admin_user"], title=TITLE, owning_body=demo.bodies["改旧建新专班"],
                                lead_unit=demo.units["罗家镇"], target="改造老旧小区3个",
                                due_date=timezone.localdate() + datetime.timedelta(days=60))


def _project(demo, people):
    from projects import services

    return services.project_create(actor=people["admin_user"], title=TITLE, owning_body=demo.bodies["抓大引大专班"],
                                   lead_unit=demo.units["罗家镇"], total_investment="50000")


def _finding(demo, people):
    from supervision.tests.factories import finding

    return finding(people["supervisor"], demo.units["罗家镇"], title=TITLE)


def _appeal(demo, people):
    from appeals.services import appeal_create
    from appeals.setup import ensure_categories, ensure_centre

    return appeal_create(actor=ensure_centre(), title=TITLE, description="小区门口垃圾三天未清运",
                         category=ensure_categories()["city-sanitation"], area=demo.areas["罗家镇"],
                         lead_unit=demo.units["罗家镇"], channel="hotline", requester_name="张三丰",
                         requester_phone="13812345678", dispatch=True)


def _enterprise(demo, people):
    from enterprises.models import Enterprise
    from enterprises.tests.conftest import make_credit_code

    return Enterprise.objects.create(credit_code=make_credit_code(777), name=TITLE, area=demo.areas["罗家镇"],
                                     unit=demo.units["罗家镇"])


def _inspection(demo, people):
    from supervision.tests.factories import inspection

    return inspection(people["supervisor"], [demo.units["罗家镇"]], type="onsite", title=TITLE)


def _notice(demo, people):
    from supervision import services

    return services.notice_issue(actor=people["supervisor"], item=_finding(demo, people), problem=TITLE)


def _visit(demo, people):
    from django.contrib.auth.models import Permission

    from accounts.models import Role
    from enterprises import services

    Role.objects.get(code="town").permissions.add(Permission.objects.get(codename="add_visit"))
    return services.visit_create(actor=people["town_a"], enterprise=_enterprise(demo, people),
                                 unit=demo.units["罗家镇"], date=timezone.localdate(), findings=TITLE,
                                 cadres=[people["town_a"].person])


def _allocation(demo, people):
    from funds import services

    return services.allocation_create(actor=people["admin_user"], item=_project(demo, people), source="central_budget",
                                      amount="1000", date=timezone.localdate(), managing_body=demo.bodies["资金保障组"],
                                      document_no=TITLE)


def _ledger_entry(demo, people):
    from ledgers import seeds, services

    definition = seeds.load_seed("disputes", actor=people["admin_user"], mechanism=demo.mechanism)
    return services.entry_create(actor=people["town_a"], definition=definition, raw={
        "lead_unit": demo.units["罗家镇"].pk, "summary": TITLE, "type": "邻里纠纷",
        "found_on": timezone.localdate().isoformat()})


# ledger: (factory, detail page route or None, API basename, list page route, expected view scope)
LEDGERS = {
    "key task 重点任务": (_task, "tasks:task_detail", "keytask", "tasks:task_list", EXPECTED),
    "item 事项总台账": (_task, "items:item_detail", "item", "items:item_list", EXPECTED),
    "project 重大重点项目": (_project, "projects:project_detail", "project", "projects:project_list", EXPECTED),
    "finding 督查问题": (_finding, "supervision:finding_detail", "finding", "supervision:finding_list", EXPECTED),
    "appeal 诉求工单": (_appeal, "appeals:appeal_detail", "appeal", "appeals:appeal_list", EXPECTED),
    "enterprise 企业库": (_enterprise, "enterprises:enterprise_detail", "enterprise", "enterprises:enterprise_list",
                       SHARED),
    "inspection 督查": (_inspection, "supervision:inspection_detail", "inspection", "supervision:inspection_list",
                      EXPECTED),
    "notice 督办单": (_notice, "supervision:notice_detail", "supervision-notice", "supervision:notice_list", EXPECTED),
    "visit 走访": (_visit, None, "visit", "enterprises:visit_list", EXPECTED),
    "ledger entry 自定义台账": (_ledger_entry, "ledgers:entry_detail", "ledger-entry", "ledgers:entry_list",
                             EXPECTED),
    "allocation 资金安排": (_allocation, "funds:allocation_detail", "fund-allocation", "funds:allocation_list",
                        EXPECTED),
}


def _export_text(response):
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    return "\n".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None)


def _api_ids(client, basename):
    response = client.get(reverse(f"api:{basename}-list"), {"page_size": 500})
    assert response.status_code == 200, response.content[:300]
    body = response.json()
    return {row["id"] for row in (body["results"] if isinstance(body, dict) else body)}


@pytest.mark.parametrize("ledger", LEDGERS)
def test_every_channel_agrees_with_the_one_scope(ledger, demo, request, client_for):
    from accounts.scope import visible_to

    factory, detail, basename, listing, expected = LEDGERS[ledger]
    people = {name: request.getfixturevalue(name) for name in PERSONAS}
    row = factory(demo, people)
    model = type(row)
    seen = {}
    for name, user in people.items():
        c = client_for(user)
        visible = visible_to(user, model.objects.filter(pk=row.pk)).exists()
        seen[name] = visible
        statuses = [c.get(reverse(f"api:{basename}-detail", args=[row.pk])).status_code]
        if detail:
            statuses.append(c.get(reverse(detail, args=[row.pk])).status_code)
        where = f"{ledger} as {name}"
        if visible:
            assert statuses == [200] * len(statuses), where
            assert row.pk in _api_ids(c, basename), where
        else:
            assert statuses == [404] * len(statuses), where
            assert row.pk not in _api_ids(c, basename), where
        export = c.get(reverse(listing), {"export": "xlsx"})
        if export.status_code == 200:
            assert (TITLE in _export_text(export)) == visible, where
        else:  # no export for this persona at all (e.g. the auditor): never the row
            assert export.status_code in (403, 404), where
    assert {name: seen[name] for name in expected} == expected


def test_only_the_serving_unit_changes_a_shared_enterprise_row(demo, town_a, town_b, leader, client_for, grant):
    from enterprises.models import Enterprise

    grant("town", "enterprises.change_enterprise")
    row = _enterprise(demo, {})
    url = reverse("enterprises:enterprise_edit", args=[row.pk])
    assert client_for(town_a).get(url).status_code == 200
    assert client_for(town_b).get(url).status_code == 404
    api = reverse("api:enterprise-detail", args=[row.pk])
    r = client_for(town_b).patch(api, {"name": "改名", "version": row.version}, content_type="application/json")
    assert r.status_code == 404
    assert Enterprise.objects.get(pk=row.pk).name == TITLE
