"""API: scoped lists with the page's filters, writes through the services (400/403/404, never 500)."""
import datetime

import pytest
from django.utils import timezone

from projects import services
from projects.models import InvestmentReport


@pytest.fixture
def project(demo, admin_user):
    return services.project_create(actor=admin_user, title="接口测试项目", owning_body=demo.bodies["抓大引大专班"],
                                   lead_unit=demo.units["罗家镇"], total_investment="8000",
                                   plan_year=timezone.localdate().year, planned_amount="1200")


def test_projects_are_scoped(project, client_for, town_a, town_b):
    assert [p["id"] for p in client_for(town_a).get("/api/projects/").json()["results"]] == [project.pk]
    assert client_for(town_b).get("/api/projects/").json()["results"] == []
    assert client_for(town_b).get(f"/api/projects/{project.pk}/").status_code == 404


def test_the_responsible_unit_reports_investment_through_the_api(project, client_for, town_a, town_b):
    today = timezone.localdate()
    body = {"project": project.pk, "year": today.year, "month": today.month, "cumulative_amount": "300.5"}
    assert client_for(town_b).post("/api/project-investment/", body, content_type="application/json").status_code == 404
    bad = client_for(town_a).post("/api/project-investment/", {**body, "cumulative_amount": "-1"},
                                  content_type="application/json")
    assert bad.status_code == 400
    ok = client_for(town_a).post("/api/project-investment/", body, content_type="application/json")
    assert ok.status_code == 201, ok.content
    assert InvestmentReport.objects.get(project=project).cumulative_amount == 300.5
    listed = client_for(town_a).get(f"/api/projects/?year={today.year}&month={today.month}").json()["results"][0]
    assert listed["done_amount"] == "300.50" and listed["completion_rate"] == 25.0


def test_stage_skipping_without_reason_is_400(project, client_for, town_a):
    r = client_for(town_a).post("/api/project-stages/", {"project": project.pk, "stage": "started",
                                                         "date": datetime.date.today().isoformat()},
                                content_type="application/json")
    assert r.status_code == 400 and "跳过" in r.content.decode()


def test_carriers_and_events_list(client_for, town_b, admin_user):
    services.carrier_save(actor=admin_user, data={"name": "A楼", "kind": "building", "total_area": "10",
                                                  "usable_area": "10", "occupied_area": "5"})
    rows = client_for(town_b).get("/api/carriers/").json()["results"]
    assert rows[0]["utilisation_rate"] == "50.0"
    assert client_for(town_b).post("/api/carriers/", {"name": "B", "kind": "plot", "total_area": "1",
                                                      "usable_area": "1"}, content_type="application/json"
                                   ).status_code == 403
    assert client_for(town_b).get("/api/signing-events/").status_code == 200
