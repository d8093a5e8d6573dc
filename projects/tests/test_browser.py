"""A responsible unit (罗家镇) records a month's investment in a real browser and sees the totals change:
the project page's figure, the ledger's filtered total and the 专班 dashboard's chart data. Screenshots go
to test-artifacts/."""
from decimal import Decimal
from pathlib import Path

import pytest

from demo.org_demo import load_if_empty
from tests.browser.helpers import log_in

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def test_the_responsible_unit_records_a_month_and_sees_the_totals_change(live_server, transactional_db, browser):
    from django.utils import timezone

    from accounts.models import User
    from org.models import Body, Unit
    from projects import services
    from projects.models import InvestmentReport

    load_if_empty()
    ARTIFACTS.mkdir(exist_ok=True)
    admin = User.objects.get(username="admin")
    today = timezone.localdate()
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year, 1)
    project = services.project_create(
        actor=admin, title="罗家镇新能源汽车零部件项目", owning_body=Body.objects.get(short_name="抓大引大专班",
                                                                              mechanism__year=2023),
        lead_unit=Unit.objects.get(short_name="罗家镇"), total_investment="60000", plan_year=year,
        planned_amount="12000")
    if month > 1:
        services.investment_report(actor=admin, project=project, year=year, month=month - 1,
                                   cumulative_amount="2000")

    page = log_in(browser, live_server, "town")

    ledger = f"{live_server.url}/projects/?year={year}&month={month}"
    page.goto(ledger)
    before = page.locator("[data-testid=ledger-figure]").inner_text()
    assert "2000.00万元" in before or month == 1

    page.goto(f"{live_server.url}/projects/{project.pk}/")
    page.click("[data-testid=record-investment]")
    page.fill("input[name=year]", str(year))
    page.fill("input[name=month]", str(month))
    page.fill("input[name=cumulative_amount]", "-5")
    page.click("[data-testid=save]")
    assert "不能为负数" in page.content()  # refused, nothing written
    page.fill("input[name=cumulative_amount]", "6000")
    page.click("[data-testid=save]")
    page.wait_for_load_state()
    assert f"/projects/{project.pk}/" in page.url
    assert "6000.00万元" in page.locator("[data-testid=project-done]").inner_text()
    page.locator("#project-chart[data-ready='1']").wait_for(timeout=10000)  # the chart drew from its json_script
    page.screenshot(path=str(ARTIFACTS / "project-investment.png"), full_page=True)

    page.goto(ledger)
    after = page.locator("[data-testid=ledger-figure]").inner_text()
    assert "6000.00万元" in after and "50.0%" in after  # 6000 ÷ 12000
    assert after != before
    assert InvestmentReport.objects.get(project=project, year=year, month=month).cumulative_amount == Decimal("6000")

    page.goto(f"{live_server.url}/projects/dashboard/?year={year}&month={month}")
    page.locator("#progress-chart[data-ready='1']").wait_for(timeout=10000)
    assert "6000.00" in page.locator("[data-testid=by-unit]").inner_text()
    page.screenshot(path=str(ARTIFACTS / "projects-dashboard.png"), full_page=True)
