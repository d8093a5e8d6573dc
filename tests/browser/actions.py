"""Helpers the browser tests share for the item and appeal pages' action panels."""


def open_action_panel(page, action):
    """Click an action button (提交审核, 签收 …) and wait until its panel has finished opening.

    The panels are Bootstrap collapses: during the ~0.35 s opening transition the panel is `.collapsing`,
    and a click on its submit button in that window was lost — no POST left the browser (seen in about one
    item-flow run in five, more under load). A person cannot click that fast; a test must wait as they do."""
    page.click(f"[data-testid=action-{action}]")
    page.locator(f"#panel-{action}.collapse.show").wait_for()
