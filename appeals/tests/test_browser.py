"""One citizen appeal in a real browser (headless Chromium, phone width): the citizen submits on the public
portal → 罗家镇 signs for it and bounces it (not its duty) → the 12345 centre reassigns it to 住建局 → 住建局
signs for it, replies and closes → the citizen follows it with the tracking number and code and rates it.
Screenshots go to test-artifacts/."""
import re
from pathlib import Path

import pytest

from tests.browser.helpers import log_in, open_action_panel

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def test_a_citizen_appeal_from_the_portal_to_the_rating(live_server, transactional_db, browser, settings):
    from appeals.models import Appeal
    from appeals.setup import ensure_categories, ensure_centre
    from conftest import load_org_demo_if_empty

    load_org_demo_if_empty()
    ensure_categories()
    ensure_centre()
    settings.TAIZHANG_PORTAL_MIN_SECONDS = 0
    ARTIFACTS.mkdir(exist_ok=True)

    def new_page():
        return browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN").new_page()

    def login(username):
        return log_in(browser, live_server, username, width=390, height=844)

    def do(page, url, action, fill=None, select=None):
        page.goto(url)
        open_action_panel(page, action)
        for name, value in (select or {}).items():
            page.locator(f"[data-testid={action}-{name}]").wait_for(state="visible")
            page.select_option(f"[data-testid={action}-{name}]", value)
        for name, value in (fill or {}).items():
            page.locator(f"[data-testid={action}-{name}]").wait_for(state="visible")
            page.fill(f"[data-testid={action}-{name}]", value)
        with page.expect_navigation():  # the POST and its redirect, not just the click
            page.click(f"[data-testid=submit-{action}]")
        assert page.locator("[data-testid=action-error]").count() == 0, page.content()[:3000]

    # 1. the citizen, not logged in, on a phone
    citizen = new_page()
    citizen.goto(f"{live_server.url}/appeals/public/")
    citizen.click("[data-testid=portal-submit-link]")
    citizen.select_option("select[name=category]", label="环境卫生")
    citizen.select_option("select[name=area]", label="罗家镇")
    citizen.fill("textarea[name=description]", "谢埠老街菜市场旁垃圾堆积三天无人清运，气味很大")
    citizen.fill("input[name=location]", "谢埠老街菜市场")
    citizen.fill("input[name=phone]", "13900001111")
    a, b = re.search(r"(\d+) 加 (\d+)", citizen.inner_text("[data-testid=challenge]")).groups()
    citizen.fill("input[name=answer]", str(int(a) + int(b)))
    citizen.click("[data-testid=portal-send]")
    citizen.wait_for_load_state()
    number = citizen.inner_text("[data-testid=tracking-number]").strip()
    code = citizen.inner_text("[data-testid=verification-code]").strip()
    citizen.screenshot(path=str(ARTIFACTS / "appeal-1-submitted.png"), full_page=True)
    appeal = Appeal.objects.get(tracking_number=number)
    assert appeal.state == "assigned" and appeal.lead_unit.short_name == "罗家镇"
    url = f"{live_server.url}/appeals/{appeal.pk}/"

    # 2. 罗家镇 signs for it, then bounces it with a reason; it never sees the full phone number
    town = login("town")
    do(town, url, "accept")
    assert "13900001111" not in town.content()
    do(town, url, "bounce", select={"reason_code": "not_our_duty"}, fill={"note": "属住建局物业监管职责"})
    assert Appeal.objects.get(pk=appeal.pk).state == "bounced"

    # 3. the 12345 centre reassigns it to 住建局
    centre = login("centre")
    from org.models import Unit

    housing = Unit.objects.get(short_name="住建局")
    do(centre, url, "reassign", select={"lead_unit": str(housing.pk)}, fill={"note": "改派住建局办理"})
    centre.screenshot(path=str(ARTIFACTS / "appeal-2-reassigned.png"), full_page=True)
    assert Appeal.objects.get(pk=appeal.pk).lead_unit_id == housing.pk

    # 4. 住建局 signs for it, replies and closes it
    dept = login("dept")
    do(dept, url, "accept")
    do(dept, url, "reply", select={"outcome": "solved"}, fill={"reply": "已督促物业公司清运垃圾并建立日清制度。"})
    dept.screenshot(path=str(ARTIFACTS / "appeal-3-closed.png"), full_page=True)
    assert Appeal.objects.get(pk=appeal.pk).state == "closed"

    # 5. the citizen follows it with the number and code, sees the reply and rates it
    citizen.goto(f"{live_server.url}/appeals/public/track/")
    citizen.fill("input[name=tracking_number]", number)
    citizen.fill("input[name=code]", code)
    citizen.click("[data-testid=track-send]")
    citizen.wait_for_load_state()
    assert "已办结" in citizen.inner_text("[data-testid=public-state]")
    assert "日清制度" in citizen.inner_text("[data-testid=public-reply]")
    assert "属住建局物业监管职责" not in citizen.content()  # staff notes stay internal
    citizen.check("input[name=satisfaction][value=satisfied]")
    citizen.click("[data-testid=rate-send]")
    citizen.wait_for_load_state()
    citizen.screenshot(path=str(ARTIFACTS / "appeal-4-rated.png"), full_page=True)
    assert citizen.locator("[data-testid=thanks]").count() == 1
    assert Appeal.objects.get(pk=appeal.pk).satisfaction == "satisfied"
