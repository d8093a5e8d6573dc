"""The 专班's entry pages: signing events and their signed projects, annual plans — one service behind each."""
from decimal import Decimal

import pytest
from django.urls import reverse

from projects import services
from projects.models import SignedProject, SigningEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(demo, admin_user):
    return services.project_create(actor=admin_user, title="测试产业园项目", owning_body=demo.bodies["抓大引大专班"],
                                   lead_unit=demo.units["商务局"], total_investment="50000", plan_year=2023,
                                   planned_amount="12000")


def test_the_taskforce_records_a_signing_event_and_its_projects(project, taskforce, town_a, client_for, demo):
    c = client_for(taskforce)
    assert reverse("projects:event_add") in c.get(reverse("projects:event_list")).content.decode()
    assert reverse("projects:event_add") not in client_for(town_a).get(reverse("projects:event_list")).content.decode()
    assert client_for(town_a).get(reverse("projects:event_add")).status_code == 404
    bad = c.post(reverse("projects:event_add"), {"name": "", "kind": "concentrated", "date": "2023-05-18",
                                                 "owning_body": demo.bodies["抓大引大专班"].pk})
    assert bad.status_code == 400 and not SigningEvent.objects.exists()
    r = c.post(reverse("projects:event_add"), {"name": "春季集中签约", "kind": "concentrated", "date": "2023-05-18",
                                               "owning_body": demo.bodies["抓大引大专班"].pk, "place": "区政府"})
    assert r.status_code == 302
    event = SigningEvent.objects.get(name="春季集中签约")
    url = reverse("projects:signed_add", args=[event.pk])
    page = c.get(event.get_absolute_url()).content.decode()
    assert 'data-testid="signed-form"' in page
    # A wrong number, a negative amount: 400 with the message, nothing written.
    r = c.post(url, {"project_number": "XM-1999-0001", "amount": "100"})
    assert r.status_code == 400 and "XM-1999-0001" in r.content.decode()
    r = c.post(url, {"project_number": project.number, "amount": "-5"})
    assert r.status_code == 400 and not SignedProject.objects.exists()
    assert c.post(url, {"project_number": project.number.lower(), "amount": "8000"}).status_code == 302
    assert event.signed.get().amount == Decimal("8000.00")
    r = c.post(url, {"project_number": project.number, "amount": "1"})  # the same project twice
    assert r.status_code == 400 and event.signed.count() == 1
    assert project.title in c.get(event.get_absolute_url()).content.decode()


def test_a_unit_cannot_add_signed_projects(project, taskforce, town_a, client_for, demo):
    event = services.signing_event_create(actor=taskforce, name="恳谈会", kind="forum", date="2023-06-01",
                                          owning_body=demo.bodies["抓大引大专班"])
    r = client_for(town_a).post(reverse("projects:signed_add", args=[event.pk]),
                                {"project_number": project.number, "amount": "100"})
    assert r.status_code in (400, 403, 404) and not SignedProject.objects.exists()


def test_the_taskforce_sets_the_annual_plan_and_the_unit_may_not(admin_user, taskforce, town_a, client_for, demo):
    project = services.project_create(actor=admin_user, title="罗家镇标准厂房", owning_body=demo.bodies["抓大引大专班"],
                                      lead_unit=demo.units["罗家镇"], total_investment="9000")
    url = reverse("projects:annual_plan", args=[project.pk])
    c = client_for(taskforce)
    assert reverse("projects:annual_plan", args=[project.pk]) in c.get(project.get_absolute_url()).content.decode()
    assert c.post(url, {"year": 2023, "planned_amount": "-1"}).status_code == 400
    assert c.post(url, {"year": 2023, "planned_amount": "15000"}).status_code == 302
    assert c.post(url, {"year": 2024, "planned_amount": "20000"}).status_code == 302
    assert {p.year: p.planned_amount for p in project.plans.all()} == {2023: Decimal("15000.00"),
                                                                       2024: Decimal("20000.00")}
    unit = client_for(town_a)  # the responsible unit reports figures; the plan is the 专班's
    assert reverse("projects:annual_plan", args=[project.pk]) not in unit.get(project.get_absolute_url()).content.decode()
    assert unit.post(url, {"year": 2023, "planned_amount": "1"}).status_code == 403
    assert project.plans.get(year=2023).planned_amount == Decimal("15000.00")


def test_the_project_page_is_the_kinds_page_with_its_workflow_actions(admin_user, town_a, client_for, demo):
    """The project page is declared on items.kit: the stage timeline and figures beside the action panels and
    the item's timeline; an action posted there goes through perform() and comes back to the project page."""
    from items.models import ItemState

    project = services.project_create(actor=admin_user, title="罗家镇智能制造项目", owning_body=demo.bodies["抓大引大专班"],
                                      lead_unit=demo.units["罗家镇"], total_investment="9000")
    url = project.get_absolute_url()
    html = client_for(town_a).get(url).content.decode()
    assert 'data-testid="action-accept"' in html and 'data-testid="stage-timeline"' in html
    assert 'data-testid="timeline"' in html
    response = client_for(town_a).post(url, {"action": "accept", "accept-version": project.version,
                                             "accept-request_key": "k-accept"})
    assert response.status_code == 302 and response.url == url
    project.refresh_from_db()
    assert project.state == ItemState.IN_PROGRESS
