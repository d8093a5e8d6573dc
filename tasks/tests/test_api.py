"""Key-task API: scoped reads, creation and bulk 交办 through the services, milestones, the OpenAPI document."""
import datetime

import pytest
from django.utils import timezone

from audit.models import AuditLog
from tasks import services
from tasks.models import KeyTask

pytestmark = pytest.mark.django_db


def days(n):
    return (timezone.localdate() + datetime.timedelta(days=n)).isoformat()


@pytest.fixture
def task(demo, admin_user):
    return services.task_create(actor=admin_user, title="罗家镇老旧小区改造", owning_body=demo.bodies["改旧建新专班"],
                                lead_unit=demo.units["罗家镇"], due_date=timezone.localdate() + datetime.timedelta(days=60),
                                target="改造12个小区", milestones=[("开工", timezone.localdate() + datetime.timedelta(days=10))])


def payload(demo, units, **extra):
    return {"title": "农村人居环境整治", "owning_body": demo.bodies["改旧建新专班"].pk,
            "units": [demo.units[u].pk for u in units], "due_date": days(90), "target": "完成34个村点整治",
            "milestones": [{"title": "摸底", "due_date": days(20)}], **extra}


def test_the_list_and_detail_are_scoped(client_for, town_a, town_b, task):
    body = client_for(town_a).get("/api/tasks/").json()
    assert [r["number"] for r in body["results"]] == [task.number]
    assert body["results"][0]["milestones_total"] == 1
    assert client_for(town_b).get("/api/tasks/").json()["results"] == []
    assert client_for(town_b).get(f"/api/tasks/{task.pk}/").status_code == 404


def test_a_dispatcher_creates_a_task(client_for, dept, demo):
    response = client_for(dept).post("/api/tasks/", payload(demo, ["罗家镇"]), content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["state"] == "assigned" and response.json()["milestones"][0]["title"] == "摸底"


def test_bulk_assign_creates_a_parent_and_a_child_per_unit(client_for, dept, demo):
    towns = ["罗家镇", "塘山镇", "湖坊镇", "京东镇", "扬子洲镇"]
    response = client_for(dept).post("/api/tasks/bulk_assign/", payload(demo, towns), content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert len(body["children"]) == 5 and all(c["parent"] == body["parent"]["id"] for c in body["children"])


def test_a_town_is_refused_with_403_nothing_is_written_and_the_refusal_is_audited(client_for, town_a, demo):
    before = KeyTask.objects.count()
    response = client_for(town_a).post("/api/tasks/", payload(demo, ["罗家镇"]), content_type="application/json")
    assert response.status_code == 403 and "调度人员" in response.json()["detail"]
    assert KeyTask.objects.count() == before
    assert AuditLog.objects.filter(action="denied", outcome="denied", user_id=town_a.pk,
                                   message__startswith="task_create:").exists()


def test_the_list_uses_the_ledger_pages_filter_set(client_for, leader, task, demo, admin_user):
    from tasks.api import KeyTaskViewSet
    from tasks.filters import KeyTaskFilter
    from tasks.views import TaskList

    assert KeyTaskViewSet.filterset_class is TaskList.filterset is KeyTaskFilter
    other = services.task_create(actor=admin_user, title="塘山镇安置房建设", owning_body=demo.bodies["改旧建新专班"],
                                 lead_unit=demo.units["塘山镇"], due_date=timezone.localdate() + datetime.timedelta(days=30),
                                 target="交付安置房")
    found = client_for(leader).get("/api/tasks/?q=塘山镇").json()["results"]
    assert [r["id"] for r in found] == [other.pk]
    assert client_for(leader).get(f"/api/tasks/?year={task.year + 1}").json()["results"] == []


def test_the_detail_lists_the_actions_open_to_the_caller(client_for, town_a, leader, task):
    mine = {a["action"] for a in client_for(town_a).get(f"/api/tasks/{task.pk}/").json()["available_actions"]}
    assert {"accept", "bounce"} <= mine and "approve" not in mine
    boss = {a["action"] for a in client_for(leader).get(f"/api/tasks/{task.pk}/").json()["available_actions"]}
    assert "instruct" in boss and "accept" not in boss


def test_bad_input_answers_400(client_for, dept, demo):
    response = client_for(dept).post("/api/tasks/", payload(demo, ["罗家镇"], due_date="not-a-date"),
                                     content_type="application/json")
    assert response.status_code == 400
    response = client_for(dept).post("/api/tasks/", payload(demo, ["罗家镇"], milestones=[
        {"title": "晚了", "due_date": days(400)}]), content_type="application/json")
    assert response.status_code == 400


def test_milestones_are_scoped_and_completed_by_the_lead_unit(client_for, town_a, town_b, task):
    milestone = task.milestones.get()
    assert client_for(town_b).get(f"/api/milestones/{milestone.pk}/").status_code == 404
    assert client_for(town_b).post(f"/api/milestones/{milestone.pk}/complete/").status_code == 404
    response = client_for(town_a).post(f"/api/milestones/{milestone.pk}/complete/", {}, content_type="application/json")
    assert response.status_code == 200 and response.json()["done_at"]


def test_the_openapi_document_lists_the_task_endpoints(client_for, leader):
    response = client_for(leader).get("/api/schema/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "/api/tasks/bulk_assign/" in text and "/api/milestones/{id}/complete/" in text
    assert "/api/tasks/{id}/actions/" in text and "/api/tasks/{id}/timeline/" in text
