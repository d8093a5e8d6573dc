"""The pages and the API of a defined ledger: the same validation messages on the form and the API, the list's
generated filters and columns, the export masked, the dashboard's figures equal to the rows their links open,
and the administrator's definition page."""
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from ledgers import services
from ledgers.models import LedgerDefinition, LedgerEntry

from .conftest import dispute_raw

pytestmark = pytest.mark.django_db


def test_the_form_and_the_api_refuse_a_bad_value_with_the_same_message(disputes, demo, town_a, client_for):
    c = client_for(town_a)
    raw = dispute_raw(demo, people="两人")
    page = c.post(f"{reverse('ledgers:entry_create')}?ledger=disputes", raw)
    assert page.status_code == 400
    api = c.post(reverse("api:ledger-entry-list"), {"ledger": "disputes", "lead_unit": raw.pop("lead_unit"),
                                                    "data": raw}, content_type="application/json")
    assert api.status_code == 400
    message = api.json()["people"][0]
    assert message == "“涉及人数”须为数字。" and message in page.content.decode()
    assert LedgerEntry.objects.count() == 0


def test_create_and_edit_through_the_form(disputes, demo, town_a, client_for):
    c = client_for(town_a)
    response = c.post(f"{reverse('ledgers:entry_create')}?ledger=disputes", dispute_raw(demo))
    entry = LedgerEntry.objects.get()
    assert response.status_code == 302 and response.url == entry.get_absolute_url()
    edit = reverse("ledgers:entry_edit", args=[entry.pk])
    form = c.get(edit).content.decode()
    assert "13812345678" not in form  # personal fields are not sent to a user who may not see them
    stale = c.post(edit, {**dispute_raw(demo, summary="改过的简况"), "version": entry.version - 1 or 99})
    assert stale.status_code == 409
    ok = c.post(edit, {**dispute_raw(demo, summary="改过的简况"), "version": entry.version})
    assert ok.status_code == 302
    entry.refresh_from_db()
    assert entry.title == "改过的简况" and entry.data["party_phone"] == "13812345678"  # the masked value kept


def test_the_api_creates_changes_with_a_version_and_describes_the_fields(disputes, demo, town_a, client_for):
    c = client_for(town_a)
    raw = dispute_raw(demo)
    created = c.post(reverse("api:ledger-entry-list"), {"ledger": "disputes", "lead_unit": "罗家镇", "data": {
        k: v for k, v in raw.items() if k != "lead_unit"}}, content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    url = reverse("api:ledger-entry-detail", args=[body["id"]])
    assert c.patch(url, {"data": {"people": 3}}, content_type="application/json").status_code == 428
    assert c.patch(url, {"data": {"people": 3}}, content_type="application/json",
                   HTTP_IF_MATCH=str(body["version"] + 5)).status_code == 409
    changed = c.patch(url, {"data": {"people": 3}}, content_type="application/json", HTTP_IF_MATCH=str(body["version"]))
    assert changed.status_code == 200 and changed.json()["data"]["people"] == 3
    schema = c.get(reverse("api:ledger-definition-data-schema", args=["disputes"])).json()
    assert schema["properties"]["type"]["enum"][:2] == ["marriage", "neighbour"]
    assert schema["properties"]["party_phone"]["anyOf"][0]["x-personal"] == "phone"
    assert "summary" in schema["required"]


def test_the_list_filters_on_two_custom_fields_and_exports_exactly_that_masked(disputes, demo, town_a, client_for):
    keep = services.entry_create(actor=town_a, definition=disputes, raw=dispute_raw(demo, amount="5", type="婚姻家庭"))
    services.entry_create(actor=town_a, definition=disputes, raw=dispute_raw(demo, amount="50", type="婚姻家庭"))
    services.entry_create(actor=town_a, definition=disputes, raw=dispute_raw(demo, amount="5", type="邻里纠纷"))
    c = client_for(town_a)
    query = {"ledger": "disputes", "type": "marriage", "amount_max": "10"}
    page = c.get(reverse("ledgers:entry_list"), query).content.decode()
    assert re.findall(r"MD-\d{4}-\d{4}", page).count(keep.number) >= 1
    assert len(set(re.findall(r"MD-\d{4}-\d{4}", page))) == 1
    export = c.get(reverse("ledgers:entry_list"), {**query, "export": "xlsx"})
    cells = [[c.value for c in r] for r in load_workbook(io.BytesIO(export.content)).active.iter_rows()]
    header = next(i for i, r in enumerate(cells) if r[0] == "编号")
    assert [r[0] for r in cells[header + 1:]] == [keep.number]
    assert "13812345678" not in str(cells) and "138****5678" in str(cells)


def _rows_behind(client, link):
    response = client.get(link)  # (a data dict would replace the link's own query string)
    return LedgerEntry.objects.filter(number__in=set(re.findall(r"MD-\d{4}-\d{4}", response.content.decode())))


def test_every_figure_of_the_dashboard_equals_the_rows_its_link_opens(disputes, demo, town_a, admin_user, client_for):
    for i, (kind, result, amount) in enumerate([("婚姻家庭", "调解成功", "1.5"), ("婚姻家庭", "调解不成", "2"),
                                                ("邻里纠纷", "调解成功", "0.25"), ("劳动争议", "正在调解", "")]):
        services.entry_create(actor=town_a, definition=disputes, raw=dispute_raw(
            demo, type=kind, result=result, amount=amount, lead_unit=demo.units["罗家镇"].pk if i % 2 else "谢埠村"))
    c = client_for(town_a)
    html = c.get(reverse("ledgers:dashboard"), {"ledger": "disputes"}).content.decode()
    figures = re.findall(r'<a class="?[^"]*"? ?href="([^"]+)" data-figure="(\w+)"(?: data-key="(\w+)")? '
                         r'data-value="([^"]*)"', html)
    figures += re.findall(r'<a href="([^"]+)" data-figure="(\w+)"(?: data-key="(\w+)")? data-value="([^"]*)"', html)
    kinds = {f[1] for f in figures}
    assert {"total", "state", "unit", "choice", "sum"} <= kinds
    for href, kind, key, value in figures:
        rows = _rows_behind(c, href.replace("&amp;", "&"))
        if kind == "sum":
            assert sum(float(r.data.get(key) or 0) for r in rows) == pytest.approx(float(value)), href
        else:
            assert rows.count() == int(value), (kind, href)


def test_the_definition_page_defines_a_ledger_with_its_fields(demo, admin_user, client_for):
    c = client_for(admin_user)
    data = {"code": "patrol", "name": "网格巡查台账", "prefix": "WG", "owning_body": demo.bodies["社会稳定专班"].pk,
            "unit_label": "网格", "title_field": "place", "workflow": "register", "is_active": "on",
            "f-TOTAL_FORMS": "2", "f-INITIAL_FORMS": "0", "f-MIN_NUM_FORMS": "0", "f-MAX_NUM_FORMS": "80",
            "f-0-key": "place", "f-0-label": "巡查地点", "f-0-type": "text", "f-0-required": "on", "f-0-in_list": "on",
            "f-1-key": "found", "f-1-label": "发现问题", "f-1-type": "choice", "f-1-choices": "无、占道经营、垃圾堆放",
            "f-1-filterable": "on"}
    response = c.post(reverse("ledgers:definition_create"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    definition = LedgerDefinition.objects.get(code="patrol")
    assert [f.label for f in definition.fields.all()] == ["巡查地点", "发现问题"]
    bad = c.post(reverse("ledgers:definition_create"), {**data, "code": "patrol2", "prefix": "WX",
                                                        "f-1-type": "decimal"})
    assert bad.status_code == 400 and "须选择单位" in bad.content.decode()


def test_only_the_administrator_opens_the_definition_pages(disputes, town_a, leader, admin_user, client_for):
    url = reverse("ledgers:definition_edit", args=[disputes.pk])
    assert client_for(admin_user).get(url).status_code == 200
    assert client_for(town_a).get(url).status_code == 404
    assert client_for(leader).get(url).status_code == 404
    assert client_for(town_a).post(url, {"name": "x"}).status_code == 404


def test_a_list_narrowed_by_custom_fields_pages_from_one_read_of_its_ids(disputes, demo, town_a):
    from django.http import QueryDict

    from ledgers.filters import MatchingIdsPaginator, filterset_for
    from ledgers.selectors import entry_list

    made = [services.entry_create(actor=town_a, definition=disputes, raw=dispute_raw(demo, type="婚姻家庭"))
            for _ in range(3)]
    services.entry_create(actor=town_a, definition=disputes, raw=dispute_raw(demo, type="邻里纠纷"))
    fs = filterset_for(disputes, town_a)(QueryDict("ledger=disputes&type=marriage"), queryset=entry_list(town_a, disputes))
    assert fs.qs is not None and fs.narrowed_by_values
    paginator = MatchingIdsPaginator(fs.qs, 2)
    assert paginator.count == 3 and paginator.num_pages == 2
    newest_first = [e.pk for e in reversed(made)]
    assert [e.pk for e in paginator.page(1)] == newest_first[:2]
    assert [e.pk for e in paginator.page(2)] == newest_first[2:]
    assert paginator.page(1)[0].lead_unit.name  # the list's select_related kept
