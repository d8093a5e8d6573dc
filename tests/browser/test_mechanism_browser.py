"""The mechanism page in a real browser (headless Chromium): two personas log in through the login form,
see what their role allows, switch to English; screenshots (desktop and 390 px) go to test-artifacts/."""
import re
from pathlib import Path

import pytest
from django.conf import settings

from tests.browser import helpers

pytestmark = pytest.mark.browser

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"


@pytest.fixture
def demo_loaded(transactional_db):
    """A transactional test sees only committed rows: load the org demo if a flush removed it."""
    from conftest import load_org_demo_if_empty

    load_org_demo_if_empty()


def log_in(browser, live_server, username, **viewport):
    """Signed in, on the page a login lands on: the mechanism chart at /."""
    page = helpers.log_in(browser, live_server, username, **viewport)
    assert page.url == f"{live_server.url}/"
    return page


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def test_leader_and_town_staff_see_the_mechanism_each_in_their_scope(browser, live_server, demo_loaded):
    from org.models import Person

    person = Person.objects.get(name="王晓燕")
    masked = f"{person.phone[:3]}****{person.phone[-4:]}"

    # the district leader: the 1+5+2 chart in Chinese, full phone numbers, no editing, no audit log
    page = log_in(browser, live_server, "leader")
    assert page.get_attribute("html", "lang") == "zh-hans"
    assert page.text_content("[data-testid=mechanism-shape]").strip() == "1+5+2"
    assert page.locator("[data-testid=level-task_force] .org-node").count() == 5
    assert page.locator("[data-testid=level-group] .org-node").count() == 2
    chart = page.text_content("[data-testid=org-chart]")
    assert "总负责" in chart and "林建华" in chart and "总指挥" in chart and "周明远" in chart
    assert page.locator("text=新增机构").count() == 0
    assert page.locator("aside >> text=审计日志").count() == 0
    shot(page, "mechanism-leader-zh-desktop.png")
    page.goto(f"{live_server.url}{person.get_absolute_url()}")
    assert page.text_content("[data-testid=phone]").strip() == person.phone

    # the English switcher: the page comes back in English and offers Chinese
    page.goto(f"{live_server.url}/")
    page.click("[data-testid=lang-en]")
    page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == "en"
    assert page.text_content("[data-testid=lang-zh]").strip() == "中文"
    assert page.text_content("[data-testid=mechanism-shape]").strip() == "1+5+2"
    shot(page, "mechanism-leader-en-desktop.png")
    page.click("[data-testid=lang-zh]")
    page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == "zh-hans"
    page.context.close()

    # town staff (罗家镇) on a phone-sized screen: the same chart, the phone masked, no editing
    page = log_in(browser, live_server, "town", width=390, height=844)
    assert page.text_content("[data-testid=mechanism-shape]").strip() == "1+5+2"
    assert page.locator("text=新增机构").count() == 0
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1, f"the page scrolls sideways at 390 px ({width} px wide)"
    shot(page, "mechanism-town-zh-390.png")
    page.goto(f"{live_server.url}{person.get_absolute_url()}")
    assert page.text_content("[data-testid=phone]").strip() == masked
    outside = Person.objects.get(name="彭俊")  # 塘山镇: outside 罗家镇's scope
    response = page.goto(f"{live_server.url}{outside.get_absolute_url()}")
    assert response.status == 404
    page.context.close()


def test_the_administrator_gets_edit_buttons_and_the_auditor_the_audit_log(browser, live_server, demo_loaded):
    page = log_in(browser, live_server, "admin")
    assert page.locator("text=新增机构").count() == 1
    assert page.locator("aside >> text=审计日志").count() == 0  # 三员分立: not the administrator's
    page.context.close()

    page = log_in(browser, live_server, "auditor")
    assert page.locator("aside >> text=审计日志").count() == 1
    page.click("aside >> text=审计日志")
    page.wait_for_url(re.compile(r".*/audit/$"))
    assert "登录" in page.text_content("main")  # the logins of this very test are in the log
    shot(page, "audit-log-auditor-desktop.png")
    page.context.close()
