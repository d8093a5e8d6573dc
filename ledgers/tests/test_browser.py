"""In a real browser (headless Chromium at phone width, 390 px): the administrator defines a ledger on its
page — a text title, a choice field with its options typed inline, a phone number — and a town user
(罗家镇) registers an entry through the generated form (a bad phone refused with the ledger's message, then
fixed), edits it, filters the list on the choice field and opens it; another town's entry never shows.
Screenshots go to test-artifacts/."""
from pathlib import Path

import pytest

from demo.org_demo import load_if_empty
from tests.browser.helpers import log_in

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def test_an_administrator_defines_a_ledger_and_a_town_keeps_its_rows(live_server, transactional_db, browser):
    from accounts.models import User
    from ledgers import kinds, services
    from ledgers.models import LedgerDefinition, LedgerEntry
    from org.models import Body, Unit

    load_if_empty()
    kinds.forget()
    ARTIFACTS.mkdir(exist_ok=True)
    body = Body.objects.filter(short_name="社会稳定专班").order_by("-mechanism__year").first()

    admin = log_in(browser, live_server, "admin", width=390, height=844)
    admin.goto(f"{live_server.url}/ledgers/definitions/new/")
    admin.fill("#id_code", "patrol")
    admin.fill("#id_name", "网格巡查台账")
    admin.fill("#id_prefix", "WG")
    admin.select_option("#id_owning_body", str(body.pk))
    admin.fill("#id_unit_label", "网格所属单位")
    admin.fill("#id_title_field", "place")
    admin.select_option("#id_workflow", "register")
    rows = [("place", "巡查地点", "text", {}), ("found", "发现问题", "choice", {"choices": "占道经营、垃圾堆放、无"}),
            ("phone", "网格员电话", "phone", {})]
    for i, (key, label, kind, extra) in enumerate(rows):
        admin.fill(f"#id_f-{i}-key", key)
        admin.fill(f"#id_f-{i}-label", label)
        admin.select_option(f"#id_f-{i}-type", kind)
        if extra.get("choices"):
            admin.fill(f"#id_f-{i}-choices", extra["choices"])
            admin.check(f"#id_f-{i}-filterable")
    admin.check("#id_f-0-required")
    admin.screenshot(path=str(ARTIFACTS / "ledgers-definition-390.png"), full_page=True)
    with admin.expect_navigation():
        admin.click("[data-testid=save]")
    assert "已保存台账定义" in admin.content()
    definition = LedgerDefinition.objects.get(code="patrol")
    assert [f.key for f in definition.fields.all()] == ["place", "found", "phone"]

    # another town's row, which the town user must never see
    services.entry_create(actor=User.objects.get(username="town2"), definition=definition, raw={
        "lead_unit": Unit.objects.get(short_name="塘山镇").pk, "place": "塘山镇农贸市场", "found": "垃圾堆放"})

    town = log_in(browser, live_server, "town", width=390, height=844)
    town.goto(f"{live_server.url}/ledgers/")
    town.click("[data-testid=ledger-patrol]")
    town.click("text=新增")
    town.fill("#id_place", "罗家镇中心街")
    town.select_option("#id_found", "占道经营")
    town.fill("#id_phone", "1381234")
    with town.expect_navigation():
        town.click("[data-testid=save]")
    assert "“网格员电话”：手机号码应为11位，当前为7位。" in town.content()  # clean_entry's message, input kept
    assert town.input_value("#id_place") == "罗家镇中心街"
    town.fill("#id_phone", "13812345678")
    with town.expect_navigation():
        town.click("[data-testid=save]")
    entry = LedgerEntry.objects.get(title="罗家镇中心街")
    assert town.url.endswith(f"/ledgers/entries/{entry.pk}/")
    assert "138****5678" in town.content() and "13812345678" not in town.content()  # masked for the town

    town.click("[data-testid=edit]")
    town.fill("#id_place", "罗家镇中心街东段")
    with town.expect_navigation():
        town.click("[data-testid=save]")
    assert "罗家镇中心街东段" in town.locator("[data-testid=item-title]").inner_text()
    assert [a.action for a in entry.actions.order_by("id")] == ["register", "edit"]

    town.goto(f"{live_server.url}/ledgers/entries/?ledger=patrol")
    assert "塘山镇农贸市场" not in town.content()
    town.select_option("#id_found", ["占道经营"])
    town.wait_for_load_state("networkidle")
    table = town.locator("#object-table").inner_text()
    assert "罗家镇中心街东段" in table and "共 1 条" in table and "网格所属单位" in table  # still this ledger's columns
    town.screenshot(path=str(ARTIFACTS / "ledgers-list-390.png"), full_page=True)
    town.click("text=罗家镇中心街东段")
    town.wait_for_url(f"**/ledgers/entries/{entry.pk}/")
    assert town.locator("[data-testid=item-header]").is_visible()
    other = LedgerEntry.objects.get(title="塘山镇农贸市场")
    response = town.goto(f"{live_server.url}/ledgers/entries/{other.pk}/")
    assert response.status == 404
