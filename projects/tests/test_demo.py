"""The demo reproduces the seed figures from rows: 20 provincial projects, 134.15亿元, 106.3%."""
from decimal import Decimal

import pytest

from funds.models import Allocation, FundSource
from projects import selectors
from projects.models import Project, ProjectLevel, SignedProject, SigningEvent


def test_the_provincial_list_completed_13415_yi_at_1063_percent(project_demo, leader):
    fig = selectors.level_figure(leader, year=2023, month=11, level=ProjectLevel.PROVINCIAL)
    assert fig.count == 20
    assert fig.done == Decimal("1341500.00")
    assert fig.done_yi == "134.15亿元"
    assert fig.rate == Decimal("106.3")


def test_77_projects_are_on_the_city_list(project_demo, leader):
    fig = selectors.level_figure(leader, year=2023, month=11, level=ProjectLevel.CITY)
    assert fig.count == 77
    assert Project.objects.filter(lists__level=ProjectLevel.CITY, lists__year=2023).count() == 77


def test_three_events_signed_52_projects(project_demo, leader):
    events = SigningEvent.objects.filter(date__year=2023)
    assert events.count() == 3
    assert SignedProject.objects.filter(event__in=events).count() == 52
    funnel = selectors.signing_funnel(leader, year=2023)
    assert funnel["signed"] == 52
    counts = [s["count"] for s in funnel["steps"]]
    assert counts == sorted(counts, reverse=True)


def test_8_projects_got_1189_yi_central_budget_money(project_demo):
    central = Allocation.objects.filter(source=FundSource.CENTRAL_BUDGET)
    assert central.values("item").distinct().count() == 8
    assert sum(a.amount for a in central) == Decimal("11890.00")


# ------------------------------------------------------------------ selectors against hand-computed sums

def test_the_unit_rollup_equals_hand_computed_sums(project_demo, leader):
    from projects.models import AnnualPlan, InvestmentReport

    rows = selectors.rollup(leader, year=2023, month=11, by="unit")
    for fig in rows:
        projects = Project.objects.filter(lead_unit_id=fig.key)
        plan = sum((p.planned_amount for p in AnnualPlan.objects.filter(project__in=projects, year=2023)), Decimal(0))
        done = Decimal(0)
        for p in projects:
            latest = InvestmentReport.objects.filter(project=p, year=2023, month__lte=11).order_by("-month").first()
            done += latest.cumulative_amount if latest else 0
        assert (fig.count, fig.plan, fig.done) == (projects.count(), plan, done)


def test_as_of_an_earlier_month_the_latest_report_up_to_it_counts(project_demo, leader):
    from projects.models import InvestmentReport

    fig = selectors.level_figure(leader, year=2023, month=6, level=ProjectLevel.PROVINCIAL)
    expected = sum(InvestmentReport.objects.get(project=p, year=2023, month=6).cumulative_amount
                   for p in Project.objects.filter(lists__level=ProjectLevel.PROVINCIAL))
    assert fig.done == expected < Decimal("1341500")


def test_town_staff_only_see_their_projects_in_the_figures(project_demo, town_b, leader):
    mine = selectors.total(town_b, year=2023, month=11)
    assert 0 < mine.count < selectors.total(leader, year=2023, month=11).count
    assert set(selectors.projects_visible(town_b).values_list("lead_unit__short_name", flat=True)) == {"塘山镇"}


# ------------------------------------------------------------------ pages

def test_the_dashboard_shows_the_provincial_figure_and_links_to_its_20_projects(project_demo, client_for, leader):
    from django.urls import reverse

    page = client_for(leader).get(reverse("projects:dashboard"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "134.15亿元" in html and "106.3%" in html
    fig = selectors.level_figure(leader, year=2023, month=11, level=ProjectLevel.PROVINCIAL)
    assert fig.url.replace("&", "&amp;") in html
    listing = client_for(leader).get(fig.url)
    assert listing.status_code == 200
    assert "共 20 条" in listing.content.decode()
    assert "106.3%" in listing.content.decode()


def test_the_ledger_exports_the_office_layout(project_demo, client_for, leader):
    from io import BytesIO

    from django.urls import reverse
    from openpyxl import load_workbook

    fig = selectors.level_figure(leader, year=2023, month=11, level=ProjectLevel.PROVINCIAL)
    response = client_for(leader).get(fig.url + "&export=xlsx")
    assert response.status_code == 200
    ws = load_workbook(BytesIO(response.content)).active
    headers = [c.value for c in ws[2]]
    assert headers == ["序号", "项目名称", "建设内容", "总投资（万元）", "年度计划投资（万元）", "累计完成投资（万元）",
                       "完成率", "形象进度", "责任单位", "包保领导", "存在问题"]
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    assert len(rows) == 20
    assert [r[0] for r in rows] == list(range(1, 21))
    assert sum(Decimal(str(r[5])) for r in rows) == Decimal("1341500")
    assert reverse("projects:project_list")


def test_other_towns_projects_are_404(project_demo, client_for, town_b):
    from django.urls import reverse

    other = Project.objects.exclude(lead_unit__short_name="塘山镇").first()
    assert client_for(town_b).get(reverse("projects:project_detail", args=[other.pk])).status_code == 404
    assert client_for(town_b).get(reverse("projects:investment_report", args=[other.pk])).status_code == 404
    mine = Project.objects.filter(lead_unit__short_name="塘山镇").first()
    assert client_for(town_b).get(reverse("projects:project_detail", args=[mine.pk])).status_code == 200


def test_a_unit_that_sees_but_does_not_own_a_project_cannot_report(project_demo, client_for, supervisor):
    from django.urls import reverse

    project = Project.objects.filter(lists__level=ProjectLevel.PROVINCIAL).first()
    response = client_for(supervisor).post(reverse("projects:investment_report", args=[project.pk]),
                                       {"year": 2023, "month": 11, "cumulative_amount": "1"})
    assert response.status_code == 403


def test_the_responsible_unit_records_a_month_through_the_page(project_demo, client_for, town_a, leader):
    from django.urls import reverse

    project = Project.objects.filter(lead_unit__short_name="罗家镇", plans__year=2023).first()
    before = selectors.total(leader, year=2023, month=11).done
    url = reverse("projects:investment_report", args=[project.pk])
    bad = client_for(town_a).post(url, {"year": 2023, "month": 11, "cumulative_amount": "-3",
                                        "version": project.version})
    assert bad.status_code == 400 and "不能为负数" in bad.content.decode()
    from projects.models import InvestmentReport

    current = InvestmentReport.objects.get(project=project, year=2023, month=11).cumulative_amount
    ok = client_for(town_a).post(url, {"year": 2023, "month": 11, "cumulative_amount": str(current + 100),
                                       "correction_note": "补报", "version": project.version})
    assert ok.status_code == 302
    assert selectors.total(leader, year=2023, month=11).done == before + 100


@pytest.mark.parametrize("name", ["projects:event_list", "projects:carrier_list", "projects:carrier_map",
                                  "projects:project_list", "funds:dashboard"])
def test_pages_render(project_demo, client_for, taskforce, name):
    from django.urls import reverse

    assert client_for(taskforce).get(reverse(name)).status_code == 200


def test_detail_pages_render(project_demo, client_for, leader):
    from projects.models import Carrier

    c = client_for(leader)
    project = Project.objects.filter(stages__isnull=False).first()
    page = c.get(project.get_absolute_url())
    assert page.status_code == 200 and 'id="project-series"' in page.content.decode()
    assert c.get(SigningEvent.objects.first().get_absolute_url()).status_code == 200
    assert c.get(Carrier.objects.first().get_absolute_url()).status_code == 200


def test_the_funds_dashboard_shows_1189_yi_central_budget(project_demo, client_for, leader):
    from django.urls import reverse

    html = client_for(leader).get(reverse("funds:dashboard")).content.decode()
    assert "1.189亿元" in html and "8个项目" in html


def test_the_map_page_carries_points_and_the_geojson_names_every_demo_area(project_demo, client_for, leader):
    import json
    from pathlib import Path

    from django.conf import settings
    from django.urls import reverse

    from demo.org_demo import AREAS

    html = client_for(leader).get(reverse("projects:carrier_map")).content.decode()
    assert 'id="map-points"' in html and "qingshanhu.geojson" in html and "<script>" not in html
    geo = json.loads((Path(settings.BASE_DIR) / "static/projects/qingshanhu.geojson").read_text("utf-8"))
    assert {f["properties"]["name"] for f in geo["features"]} == {name for name, _level, _children in AREAS}


def test_the_stage_page_refuses_a_skip_without_reason(project_demo, client_for, town_a):
    from django.urls import reverse

    from projects.models import Stage

    project = Project.objects.filter(lead_unit__short_name="罗家镇", current_stage=Stage.SIGNED).first() or \
        Project.objects.filter(lead_unit__short_name="罗家镇").exclude(current_stage=Stage.COMPLETED).first()
    url = reverse("projects:stage_record", args=[project.pk])
    assert client_for(town_a).get(url).status_code == 200
    r = client_for(town_a).post(url, {"stage": Stage.COMPLETED, "date": "2023-11-30"})
    if project.current_stage != Stage.STARTED:
        assert r.status_code == 400 and "跳过须填写原因" in r.content.decode()
    ok = client_for(town_a).post(url, {"stage": Stage.COMPLETED, "date": "2023-11-30", "skip_reason": "并购既有企业"})
    assert ok.status_code == 302
    project.refresh_from_db()
    assert project.current_stage == Stage.COMPLETED


def test_the_monthly_form_updates_figure_and_progress_text_together(project_demo, client_for, town_a):
    from django.urls import reverse

    from projects.models import InvestmentReport

    project = Project.objects.filter(lead_unit__short_name="罗家镇", plans__year=2023).first()
    current = InvestmentReport.objects.get(project=project, year=2023, month=11).cumulative_amount
    url = reverse("projects:investment_report", args=[project.pk])
    refused = client_for(town_a).post(url, {"year": 2023, "month": 11, "cumulative_amount": str(current - 1),
                                            "image_progress": "主体封顶", "version": project.version})
    assert refused.status_code == 400
    project.refresh_from_db()
    assert project.image_progress == ""  # nothing half-written
    ok = client_for(town_a).post(url, {"year": 2023, "month": 11, "cumulative_amount": str(current),
                                       "image_progress": "主体封顶", "problems": "用电指标待落实",
                                       "version": project.version})
    assert ok.status_code == 302
    project.refresh_from_db()
    assert (project.image_progress, project.problems) == ("主体封顶", "用电指标待落实")


def test_the_monthly_form_needs_the_version_it_showed(project_demo, client_for, town_a):
    """形象进度/存在问题 change the project: without the version the form showed the page answers 428, with a
    stale one 409 with the input kept and the new version in the form — nothing written either time."""
    from django.urls import reverse

    from projects.models import InvestmentReport

    project = Project.objects.filter(lead_unit__short_name="罗家镇", plans__year=2023).first()
    current = InvestmentReport.objects.get(project=project, year=2023, month=11).cumulative_amount
    url = reverse("projects:investment_report", args=[project.pk])
    form = {"year": 2023, "month": 11, "cumulative_amount": str(current), "image_progress": "设备安装"}
    assert project.version > 1
    page = client_for(town_a).get(url).content.decode()
    assert f'name="version" value="{project.version}"' in page
    missing = client_for(town_a).post(url, form)
    assert missing.status_code == 428
    stale = client_for(town_a).post(url, {**form, "version": project.version - 1})
    assert stale.status_code == 409 and "设备安装" in stale.content.decode()
    assert f'name="version" value="{project.version}"' in stale.content.decode()
    project.refresh_from_db()
    assert project.image_progress == ""


def test_the_managing_unit_updates_a_carriers_occupancy(project_demo, client_for, town_a, town_b):
    from django.urls import reverse

    from projects.models import Carrier

    carrier = Carrier.objects.get(name="罗家新能源产业园厂房")
    url = reverse("projects:carrier_edit", args=[carrier.pk])
    assert client_for(town_b).get(url).status_code == 404
    form = {"name": carrier.name, "kind": carrier.kind, "area": carrier.area_id, "managing_unit": carrier.managing_unit_id,
            "address": carrier.address, "theme": carrier.theme, "total_area": "80000", "usable_area": "76000",
            "occupied_area": "90000", "tenants": "三家", "lng": carrier.lng, "lat": carrier.lat,
            "version": carrier.version}
    refused = client_for(town_a).post(url, form)
    assert refused.status_code == 400 and "不能大于可招商面积" in refused.content.decode()
    ok = client_for(town_a).post(url, {**form, "occupied_area": "57000"})
    assert ok.status_code == 302
    carrier.refresh_from_db()
    assert carrier.utilisation_rate == Decimal("75.0")
    stale = client_for(town_a).post(url, {**form, "occupied_area": "50000"})
    assert stale.status_code == 409


@pytest.mark.parametrize("by", ["list", "level", "unit", "area", "body"])
def test_every_rollup_figure_links_to_exactly_its_rows(project_demo, client_for, leader, by):
    import re

    c = client_for(leader)
    for fig in selectors.rollup(leader, year=2023, month=11, by=by):
        html = c.get(fig.url).content.decode()
        count = int(re.search(r"共 (\d+) 条", html).group(1))
        assert count == fig.count, (by, fig.label, fig.url)
        assert f"累计完成投资 {fig.done}万元" in html, (by, fig.label)


def test_each_persona_exports_only_the_rows_in_their_scope(project_demo, client_for, dept, village, taskforce):
    from io import BytesIO

    from django.urls import reverse
    from openpyxl import load_workbook

    def exported(user):
        response = client_for(user).get(reverse("projects:project_list") + "?year=2023&month=11&export=xlsx")
        assert response.status_code == 200
        return list(load_workbook(BytesIO(response.content)).active.iter_rows(min_row=3, values_only=True))

    assert exported(village) == []
    dept_rows = exported(dept)
    assert dept_rows and {r[8] for r in dept_rows} == {"住建局"}
    # the task-force member sees the task force's projects (body membership), every unit's
    assert len(exported(taskforce)) == Project.objects.count()
