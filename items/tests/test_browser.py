"""The life of one task in a real browser (headless Chromium at phone width, 390 px):

taskforce (扫楼扫街专班) 交办 → town (罗家镇) 签收, two 旬 reports, 提交 → taskforce 退回 → town 提交 →
taskforce 审核通过 (办结); the district leader looks on. Each user sees only their own buttons.
Screenshots go to test-artifacts/.
"""
import datetime
from pathlib import Path

import pytest

from demo.org_demo import load_if_empty
from tests.browser.helpers import log_in, open_action_panel

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _buttons(page):
    return {el.get_attribute("data-testid").removeprefix("action-")
            for el in page.locator("[data-testid^='action-']").all()
            if el.get_attribute("data-testid") not in ("action-error",)}


def test_three_users_take_a_task_from_assignment_to_closure(live_server, transactional_db, browser, settings):
    from django.utils import timezone

    from accounts.models import User
    from items import services
    from items.models import Item, ItemState, ProgressReport
    from items.periods import current_period, previous_period
    from org.models import Body, Unit

    load_if_empty()
    ARTIFACTS.mkdir(exist_ok=True)
    dispatcher = User.objects.get(username="taskforce")
    today = timezone.localdate()
    draft = services.item_create(
        actor=dispatcher, kind="task", title="罗家镇扫楼扫街：走访规上企业50家",
        lead_unit=Unit.objects.get(short_name="罗家镇"),
        owning_body=Body.objects.get(short_name="扫楼扫街专班", mechanism__year=2023),
        due_date=today + datetime.timedelta(days=60),
        extra={"target": "走访规上企业 50 家，建立一企一档", "year": today.year})
    url = f"{live_server.url}/items/{draft.pk}/"

    def login(username):
        page = log_in(browser, live_server, username, width=390, height=844)
        page.set_default_timeout(90_000)  # a loaded 2-core CI machine can take long over one POST + redirect
        return page

    def shot(page, name):
        page.screenshot(path=str(ARTIFACTS / f"item-flow-{name}.png"), full_page=True)

    def do(page, action, **fields):
        page.goto(url)
        open_action_panel(page, action)
        for name, value in fields.items():
            target = page.locator(f"[data-testid={action}-{name}]")
            target.wait_for(state="visible")
            target.fill(value)
        with page.expect_navigation():  # wait for the POST and its redirect, not just the click
            page.click(f"[data-testid=submit-{action}]")
        assert page.locator("[data-testid=action-error]").count() == 0, page.content()

    def state():
        return Item.objects.get(pk=draft.pk).state

    taskforce, town, leader = login("taskforce"), login("town"), login("leader")

    # 交办: only the dispatcher may assign the draft
    taskforce.goto(url)
    assert "assign" in _buttons(taskforce) and "accept" not in _buttons(taskforce)
    leader.goto(url)
    assert "assign" not in _buttons(leader)
    do(taskforce, "assign", note="请于本月底前完成首轮走访")
    assert state() == ItemState.ASSIGNED
    shot(taskforce, "1-assigned")

    # 签收: the town sees accept/bounce, the dispatcher does not
    town.goto(url)
    assert {"accept", "bounce"} <= _buttons(town) and "approve" not in _buttons(town)
    taskforce.goto(url)
    assert not {"accept", "bounce"} & _buttons(taskforce)
    do(town, "accept")
    assert state() == ItemState.IN_PROGRESS

    # two 旬 reports: the second form is pre-filled with the first ("fill once")
    town.goto(url)
    town.click("[data-testid=action-report]")  # a link to the report page, not a panel
    town.fill("[data-testid=report-percent]", "30")
    town.fill("[data-testid=report-narrative]", "已走访企业15家，建立一企一档15份")
    shot(town, "2-report-form")
    with town.expect_navigation():
        town.click("[data-testid=report-submit]")
    previous = previous_period(current_period())
    ProgressReport.objects.filter(item_id=draft.pk).update(period_start=previous.start)  # it was last 旬's
    Item.objects.filter(pk=draft.pk).update(last_report_on=previous.start)
    town.goto(url)
    town.click("[data-testid=action-report]")  # a link to the report page, not a panel
    assert town.input_value("[data-testid=report-narrative]") == "已走访企业15家，建立一企一档15份"
    town.fill("[data-testid=report-percent]", "80")
    town.fill("[data-testid=report-narrative]", "已走访企业40家，建立一企一档40份")
    with town.expect_navigation():
        town.click("[data-testid=report-submit]")
    assert ProgressReport.objects.filter(item_id=draft.pk).count() == 2
    assert town.locator("[data-testid=progress]").inner_text() == "80%"

    # 提交 → 退回 (with a note) → 提交
    do(town, "submit")
    assert state() == ItemState.SUBMITTED
    taskforce.goto(url)
    assert {"approve", "return"} <= _buttons(taskforce)
    leader.goto(url)
    assert "instruct" in _buttons(leader) and not {"approve", "return", "accept"} & _buttons(leader)
    do(taskforce, "return", note="请补充走访企业名单")
    assert state() == ItemState.IN_PROGRESS
    town.goto(url)
    assert "请补充走访企业名单" in town.locator("[data-testid=timeline]").inner_text()
    do(town, "submit", note="已补充走访企业名单")
    shot(town, "3-resubmitted")

    # 办结
    do(taskforce, "approve", note="同意办结")
    assert state() == ItemState.CLOSED
    town.goto(url)
    assert not {"accept", "submit", "approve", "report"} & _buttons(town)
    shot(town, "4-closed")
    actions = [row.get_attribute("data-action") for row in town.locator("[data-testid=timeline-row]").all()]
    assert actions == ["assign", "accept", "report", "report", "submit", "return", "submit", "approve"]

    # the leader's board and list show the closed task; the town's to-do list no longer does
    leader.goto(f"{live_server.url}/items/board/")
    shot(leader, "5-board")
    leader.goto(f"{live_server.url}/items/?q=扫楼扫街")
    assert draft.number in leader.locator("[data-testid=item-cards]").inner_text()
    shot(leader, "6-list")
    town.goto(f"{live_server.url}/items/todo/")
    assert draft.number not in town.content()
    shot(town, "7-todo")
