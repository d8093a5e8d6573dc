"""作风督查 in a real browser: a supervisor records an inspection with a finding, the town rectifies with a
photo, the same town cannot strike it off, a supervisor verifies and strikes it off, and the finding is
counted in the month's bulletin. Screenshots go to test-artifacts/."""
from pathlib import Path

import pytest

from demo.org_demo import load_if_empty
from tests.browser.helpers import log_in

from .factories import png_bytes

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def test_inspection_finding_rectify_verify_and_bulletin(live_server, transactional_db, browser, tmp_path):
    from django.utils import timezone

    from items.models import ItemState
    from org.models import Unit
    from supervision.models import Finding

    load_if_empty()
    ARTIFACTS.mkdir(exist_ok=True)
    base = live_server.url
    luojia = Unit.objects.get(short_name="罗家镇")

    # 1. the supervisor records today's inspection and a finding for 罗家镇
    sup = log_in(browser, live_server, "supervisor")
    sup.goto(f"{base}/supervision/inspections/new/")
    sup.fill("[data-testid=date]", timezone.localdate().isoformat())
    sup.fill("[data-testid=title]", "城建项目现场督导")
    sup.select_option("[data-testid=target_units]", str(luojia.pk))
    sup.check("input[name=held]")
    sup.click("[data-testid=submit]")
    sup.wait_for_load_state()
    assert sup.locator("[data-testid=inspection-state]").inner_text() == "已开展"
    sup.click("[data-testid=finding-form] summary")
    form = sup.locator("[data-testid=finding-form]")
    form.locator("[data-testid=title]").fill("施工围挡破损，扬尘防控不到位")
    form.locator("[data-testid=lead_unit]").select_option(str(luojia.pk))
    form.locator("[data-testid=category]").select_option("quality_safety")
    form.locator("[data-testid=severity]").select_option("serious")
    form.locator("[data-testid=measures]").fill("三个工作日内修复围挡，落实洒水降尘。")
    sup.click("[data-testid=add-finding]")
    sup.wait_for_load_state()
    assert "施工围挡破损" in sup.locator("[data-testid=inspection-findings]").inner_text()
    finding = Finding.objects.get(title="施工围挡破损，扬尘防控不到位")
    sup.screenshot(path=str(ARTIFACTS / "supervision-1-inspection.png"), full_page=True)

    # 2. the town accepts and rectifies with a photo
    town = log_in(browser, live_server, "town")
    town.goto(f"{base}/supervision/findings/")
    town.click(f"text={finding.number}")
    town.wait_for_load_state()
    town.click("[data-testid=action-accept]")  # the kit's action panels (items/_actions.html)
    town.click("[data-testid=submit-accept]")
    town.wait_for_load_state()
    assert "办理中" in town.locator("[data-testid=finding-state]").inner_text()
    photo = tmp_path / "整改后.png"
    photo.write_bytes(png_bytes((40, 160, 70)))
    town.click("[data-testid=action-rectify]")
    box = town.locator("[data-testid=form-rectify]")
    box.locator("textarea").fill("围挡已修复，裸土已覆盖。")
    box.locator("input[name=rectify-after]").set_input_files(str(photo))
    town.click("[data-testid=submit-rectify]")
    town.wait_for_load_state()
    assert "待核验" in town.locator("[data-testid=finding-state]").inner_text()
    assert town.locator("[data-testid=evidence-item] img").count() == 1

    # 3. the same town cannot strike it off: no button, and a forged POST is refused
    assert town.locator("[data-testid=submit-verify]").count() == 0
    finding.refresh_from_db()
    response = town.request.post(f"{base}/supervision/findings/{finding.pk}/do/verify/", form={
        "verify-version": str(finding.version), "verify-request_key": "forged",
        "csrfmiddlewaretoken": town.locator("input[name=csrfmiddlewaretoken]").first.get_attribute("value")},
        headers={"Referer": f"{base}/supervision/findings/{finding.pk}/"})
    assert response.status == 403
    finding.refresh_from_db()
    assert finding.state == ItemState.RECTIFIED
    town.screenshot(path=str(ARTIFACTS / "supervision-2-rectified.png"), full_page=True)

    # 4. a supervisor verifies and strikes it off
    sup.goto(f"{base}/supervision/findings/{finding.pk}/")
    sup.click("[data-testid=action-verify]")
    sup.click("[data-testid=submit-verify]")
    sup.wait_for_load_state()
    assert "已销号" in sup.locator("[data-testid=finding-state]").inner_text()
    sup.screenshot(path=str(ARTIFACTS / "supervision-3-struck-off.png"), full_page=True)

    # 5. the month's bulletin counts it
    sup.goto(f"{base}/supervision/bulletins/new/")
    sup.select_option("[data-testid=period_kind]", "month")
    sup.fill("[data-testid=day]", timezone.localdate().isoformat())
    sup.click("[data-testid=submit]")
    sup.wait_for_load_state()
    assert sup.locator("[data-testid=fig-findings]").inner_text() == "1"
    assert sup.locator("[data-testid=fig-struck_off]").inner_text() == "1"
    assert sup.locator("[data-testid=fig-inspections]").inner_text() == "1"
    sup.click("[data-testid=publish]")
    sup.wait_for_load_state()
    assert sup.locator("[data-testid=bulletin-state]").inner_text() == "已发布"
    assert "罗家镇" in sup.locator("[data-testid=ranking]").inner_text()
    sup.screenshot(path=str(ARTIFACTS / "supervision-4-bulletin.png"), full_page=True)
    sup.click("[data-testid=fig-struck_off]")
    sup.wait_for_load_state()
    assert finding.number in sup.locator("[data-testid=figure-rows]").inner_text()
