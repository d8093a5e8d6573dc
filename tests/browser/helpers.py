"""What the browser tests share: signing in, and opening an action panel on the item and appeal pages."""
from django.conf import settings


def log_in(browser, live_server, username, *, width=1280, height=900):
    """A new browser context (zh-CN, the given viewport) signed in as the demo user `username`. Returns once
    the login POST's redirect has loaded: going elsewhere earlier could cut the POST off before the session
    cookie is set."""
    page = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN").new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", settings.TAIZHANG_DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("[data-testid=login-submit]")
    assert "/accounts/login/" not in page.url, f"{username} was not signed in"
    return page


def open_action_panel(page, action):
    """Click an action button (提交审核, 签收 …) and wait until its panel has finished opening.

    The panels are Bootstrap collapses: during the ~0.35 s opening transition the panel is `.collapsing`,
    and a click on its submit button in that window was lost — no POST left the browser (seen in about one
    item-flow run in five, more under load). A person cannot click that fast; a test must wait as they do."""
    page.click(f"[data-testid=action-{action}]")
    page.locator(f"#panel-{action}.collapse.show").wait_for()
