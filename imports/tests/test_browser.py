"""Issue 11's "done when", in a real browser (headless Chromium): an administrator uploads an office workbook
(merged title, 填报单位/万元 line, two-row header, 合计 row) and creates a ledger from it; imports it after fixing
the cells the preview reported; a 罗家镇 user sees only its rows and edits one through the form and the API with
the same validation; next month's file re-imported shows the change preview, is committed and undone; the
ledger's export reopens in the importer with no change. Screenshots go to test-artifacts/."""
import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from imports.officebook import office_workbook, to_bytes
from tests.browser.helpers import log_in

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
TOP = [("序号", 1), ("点位名称", 1), ("责任单位", 1), ("整治情况", 3), ("整治日期", 1)]
BOTTOM = ["问题类型", "整治内容", "投入资金（万元）"]
POINTS = [("谢埠村垃圾堆放点", "罗家镇", "垃圾堆放", "清运垃圾，设置围挡", 1.5, "2024.3.5"),
          ("赵坊村污水沟", "罗家镇", "污水横流", "疏通沟渠，铺设管道", 3.2, "2024.3.12"),
          ("石泉村河塘", "罗家镇", "垃圾堆放", "打捞漂浮物", 0.8, "2024年3月20日"),
          ("塘山村废品站", "塘山镇", "垃圾堆放", "清理废品，规范堆放", 2.0, "2024/03/08"),
          ("新溪桥社区后巷", "塘山镇", "污水横流", "修复化粪池", 4.5, "2024-3-15"),
          ("塘山村菜市场", "塘山镇", "垃圾堆放", "增设垃圾桶", 0.6, "2024.3.28")]


def workbook(points, month=3):
    rows = [(i, *p) for i, p in enumerate(points, start=1)]
    total = ("合计", None, None, None, None, round(sum(p[4] for p in points), 2), None)
    return to_bytes(office_workbook(f"2024年{month}月人居环境整治点位台账", TOP, BOTTOM, rows,
                                    unit_line="填报单位：区城管局            单位：万元", total=total,
                                    notes=["注：投入资金以万元为单位。"]))


def test_a_workbook_becomes_a_ledger_is_imported_edited_refreshed_undone_and_round_trips(
        live_server, transactional_db, browser, tmp_path):
    from conftest import load_org_demo_if_empty
    from imports.models import ImportBatch
    from ledgers.models import LedgerDefinition, LedgerEntry

    load_org_demo_if_empty()
    ARTIFACTS.mkdir(exist_ok=True)

    def shot(page, name):
        page.screenshot(path=str(ARTIFACTS / f"import-{name}.png"), full_page=True)

    def save(name, data):
        path = tmp_path / name
        path.write_bytes(data)
        return str(path)

    # 1. the administrator creates a ledger from the office's workbook
    admin = log_in(browser, live_server, "admin")
    admin.goto(f"{live_server.url}/ledgers/definitions/from-workbook/")
    admin.set_input_files("input[name=file]", save("点位台账.xlsx", workbook(POINTS)))
    with admin.expect_navigation():
        admin.click("form button.btn-primary")
    assert admin.locator("[data-testid=proposal]").count() == 1, admin.content()[:2000]
    labels = [admin.input_value(f"input[name=f-{i}-label]") for i in range(5)]
    assert [label.split("·")[-1] for label in labels] == ["点位名称", "问题类型", "整治内容", "投入资金", "整治日期"]
    assert labels[1] == "整治情况·问题类型"  # a two-row header's parts joined
    assert admin.input_value("input[name=unit_label]") == "责任单位"
    admin.fill("input[name=code]", "renju")
    admin.fill("input[name=prefix]", "RJ")
    admin.select_option("select[name=owning_body]", index=1)
    admin.check("input[name=f-0-unique]")  # 点位名称 identifies a point: the monthly refresh updates by it
    shot(admin, "1-definition")
    with admin.expect_navigation():
        admin.click("[data-testid=save]")
    assert LedgerDefinition.objects.filter(code="renju").exists(), [
        t for t in admin.locator(".text-danger, .alert-danger, .invalid-feedback").all_inner_texts()]
    definition = LedgerDefinition.objects.get(code="renju")
    keys = {f.label.split("·")[-1]: f.key for f in definition.fields.all()}
    assert definition.fields.get(label__endswith="投入资金").unit == "万元"

    # 2. the import: the preview reports the bad cells, nothing written; the fixed file goes in
    def upload(page, data, name):
        page.goto(f"{live_server.url}/imports/new/?target=ledger:renju")
        page.set_input_files("input[name=file]", save(name, data))
        with page.expect_navigation():
            page.click("[data-testid=upload]")
        with page.expect_navigation():
            page.click("[data-testid=save-mapping]")
        return ImportBatch.objects.order_by("-pk").first()

    bad = list(POINTS)
    bad[1] = ("赵坊村污水沟", "罗家真", "污水横流", "疏通沟渠，铺设管道", 3.2, "2024.3.12")
    bad[4] = ("新溪桥社区后巷", "塘山镇", "污水横流", "修复化粪池", 4.5, "2024.13.15")
    upload(admin, workbook(bad), "点位台账-初稿.xlsx")
    issues = admin.locator("[data-testid=issues] tbody tr")
    assert issues.count() == 2, admin.content()[:3000]
    text = admin.locator("[data-testid=issues]").inner_text()
    assert "罗家真" in text and "罗家镇" in text  # the nearest name suggested
    assert "2024.13.15" in text
    assert admin.locator("[data-testid=commit]").count() == 0
    shot(admin, "2-preview-errors")
    assert LedgerEntry.objects.filter(definition=definition).count() == 0

    upload(admin, workbook(POINTS), "点位台账.xlsx")
    assert admin.locator("[data-testid=count-create]").inner_text() == "6"
    with admin.expect_navigation():
        admin.click("[data-testid=commit]")
    assert admin.locator("[data-testid=state]").get_attribute("data-state") == "committed"
    assert LedgerEntry.objects.filter(definition=definition).count() == 6

    # 3. the 罗家镇 user sees only its three points
    town = log_in(browser, live_server, "town")
    town.goto(f"{live_server.url}/ledgers/entries/?ledger=renju")
    listing = town.locator("#object-table").inner_text()
    assert all(p[0] in listing for p in POINTS[:3]) and not any(p[0] in listing for p in POINTS[3:])
    shot(town, "3-town-list")

    # 4. it edits one through the form and through the API: the same validation
    entry = LedgerEntry.objects.get(number=entry_number(definition, "谢埠村垃圾堆放点"))
    town.goto(f"{live_server.url}/ledgers/entries/{entry.pk}/edit/")
    town.fill(f"[name={keys['投入资金']}]", "abc")
    with town.expect_navigation():
        town.click("form.tz-form button.btn-primary, form button[type=submit], form button.btn-primary")
    page_error = town.locator(".invalid-feedback, .text-danger").first.inner_text()
    from accounts.tokens import issue

    api = browser.new_context().request  # a script's client: a token, no session cookie
    auth = {"Authorization": f"Token {issue(entry.lead_unit.users.get(username='town'))}"}
    version = LedgerEntry.objects.get(pk=entry.pk).version
    response = api.patch(f"{live_server.url}/api/ledger-entries/{entry.pk}/",
                         data={"data": {keys["投入资金"]: "abc"}}, headers={**auth, "If-Match": f'"{version}"'})
    assert response.status == 400
    assert page_error and page_error in response.text(), (page_error, response.text())
    response = api.patch(f"{live_server.url}/api/ledger-entries/{entry.pk}/",
                         data={"data": {keys["投入资金"]: "1.8"}}, headers={**auth, "If-Match": f'"{version}"'})
    assert response.status == 200, response.text()

    # 5. next month's file: an update, the change preview, committed, then undone
    april = list(POINTS)
    april[1] = ("赵坊村污水沟", "罗家镇", "污水横流", "疏通沟渠，铺设管道", 5.0, "2024.3.12")
    april[0] = ("谢埠村垃圾堆放点", "罗家镇", "垃圾堆放", "清运垃圾，设置围挡", 1.8, "2024.3.5")  # as edited
    upload(admin, workbook(april, month=4), "点位台账-4月.xlsx")
    assert admin.locator("[data-testid=count-update]").inner_text() == "1"
    change = admin.locator("[data-testid=changes] tbody tr[data-action=update]").inner_text()
    assert "投入资金" in change and "3.2" in change and "5" in change
    shot(admin, "4-update-preview")
    with admin.expect_navigation():
        admin.click("[data-testid=commit]")
    value = lambda: (LedgerEntry.objects.get(definition=definition, number=entry_number(definition, "赵坊村污水沟"))  # noqa: E731
                     .data[keys["投入资金"]])
    assert re.fullmatch(r"5(\.0+)?", str(value()))
    with admin.expect_navigation():
        admin.click("[data-testid=undo]")
    assert admin.locator("[data-testid=state]").get_attribute("data-state") == "undone"
    assert str(value()).startswith("3.2")

    # 6. the ledger's export reopens in the importer: no change
    export = admin.request.get(f"{live_server.url}/ledgers/entries/?ledger=renju&export=xlsx")
    assert export.status == 200
    assert load_workbook(io.BytesIO(export.body())).active.max_row >= 8
    upload(admin, export.body(), "导出.xlsx")
    shot(admin, "5-round-trip")
    assert admin.locator("[data-testid=count-errors]").inner_text() == "0", admin.content()[:3000]
    assert admin.locator("[data-testid=count-update]").inner_text() == "0"
    assert admin.locator("[data-testid=count-create]").inner_text() == "0"
    assert admin.locator("[data-testid=count-unchanged]").inner_text() == "6"


def entry_number(definition, name):
    key = definition.fields.get(label__endswith="点位名称").key
    from ledgers.models import LedgerEntry

    return next(e.number for e in LedgerEntry.objects.filter(definition=definition) if (e.data or {}).get(key) == name)
