"""The key task's workflow: separation of duties, the approval that needs progress, and the task's own
actions endpoint (declared on items.kit) — the version it requires, its answers.

The confirmed defect walked here: one 专班 member (孙佳怡, login `taskforce`, 商务局, seated in 抓大引大专班) could
sign for a task of their own body assigned to their own unit, apply for an extension, approve it, submit the
task and approve it to 已办结 — with no 旬报, at 0 %.
"""
import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditLog
from core.errors import PermissionDenied
from items.models import ExtensionRequest, ItemState
from items.services import perform
from tasks import services
from tasks.models import KeyTask

pytestmark = pytest.mark.django_db

SEPARATION = "须由他人办理：不能审批自己提交或申请的事项"
NO_PROGRESS = "尚未报送旬报、完成进度为0%，不能审核通过"


def days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


def act(task, action, user, **kw):
    task.refresh_from_db()
    return perform(task, action, user, task.version, **kw)


def refusal_row(user, task, action):
    """The DENIED audit row of `user`'s refused `action` on `task` (perform()'s refusals: action "workflow",
    outcome "denied", message "<action>: <why>")."""
    return (AuditLog.objects.filter(outcome="denied", user_id=user.pk, object_id=str(task.pk),
                                    message__startswith=f"{action}:").order_by("-pk").first())


@pytest.fixture
def colleague(demo):
    """Another member of 抓大引大专班 (何立新): a dispatcher of the task who did not submit it."""
    from accounts.models import User

    person = demo.people["何立新"]
    user = User.objects.create_user(username="helixin", password="Taizhang@2023x", person=person, unit=person.unit)
    user.roles.add(demo.roles["task_force"])
    return user


@pytest.fixture
def own_task(demo, taskforce):
    """A task the member dispatches (抓大引大专班) to their own unit (商务局): they are both sides of it."""
    return services.task_create(actor=taskforce, title="商务局招商引资签约项目", owning_body=demo.bodies["抓大引大专班"],
                                lead_unit=demo.units["商务局"], due_date=days(30), target="签约亿元以上项目5个")


def test_one_member_cannot_approve_their_own_extension_nor_their_own_task(own_task, taskforce, colleague):
    task = own_task
    assert task.state == ItemState.ASSIGNED
    act(task, "accept", taskforce)  # as the lead unit
    act(task, "request_extension", taskforce, note="签约活动延后", data={"due_date": days(60).isoformat()})
    extension = ExtensionRequest.objects.get(item=task)

    with pytest.raises(PermissionDenied) as refused:  # as the dispatcher, on their own application
        act(task, "decide_extension", taskforce, data={"extension_id": extension.pk, "decision": "approve"})
    assert "“延期审批”" + SEPARATION in refused.value.message
    row = refusal_row(taskforce, task, "decide_extension")
    assert row is not None and row.action == "workflow" and SEPARATION in row.message
    extension.refresh_from_db()
    task.refresh_from_db()
    assert extension.status == "pending" and task.due_date == days(30)

    act(task, "submit", taskforce, note="已完成")
    with pytest.raises(PermissionDenied) as refused:
        act(task, "approve", taskforce, note="同意办结")
    assert "“审核通过”" + SEPARATION in refused.value.message
    assert refusal_row(taskforce, task, "approve") is not None
    task.refresh_from_db()
    assert task.state == ItemState.SUBMITTED and task.closed_at is None

    # someone else may decide — but an approval needs progress to review: no 旬报 at 0 % is refused too
    act(task, "decide_extension", colleague, data={"extension_id": extension.pk, "decision": "approve"})
    with pytest.raises(ValidationError) as refused:
        act(task, "approve", colleague)
    assert NO_PROGRESS in json.dumps(refused.value.message_dict, ensure_ascii=False)
    assert refusal_row(colleague, task, "approve") is not None
    task.refresh_from_db()
    assert task.state == ItemState.SUBMITTED and task.due_date == days(60)


def test_the_member_is_not_offered_what_they_may_not_do(own_task, taskforce, client_for):
    act(own_task, "accept", taskforce)
    act(own_task, "submit", taskforce)
    html = client_for(taskforce).get(reverse("tasks:task_detail", args=[own_task.pk])).content.decode()
    assert 'data-testid="action-approve"' not in html and 'data-testid="action-return"' not in html


def test_the_refusal_through_the_page_answers_403_with_its_message_and_is_audited(own_task, taskforce, client_for):
    act(own_task, "accept", taskforce)
    act(own_task, "submit", taskforce)
    own_task.refresh_from_db()
    response = client_for(taskforce).post(reverse("tasks:task_detail", args=[own_task.pk]), {
        "action": "approve", "approve-version": own_task.version, "approve-request_key": "k-approve"})
    assert response.status_code == 403
    assert SEPARATION in response.content.decode()
    assert refusal_row(taskforce, own_task, "approve") is not None
    assert KeyTask.objects.get(pk=own_task.pk).state == ItemState.SUBMITTED


def test_the_refusal_through_the_api_answers_403_and_is_audited(own_task, taskforce, client_for):
    act(own_task, "accept", taskforce)
    act(own_task, "submit", taskforce)
    own_task.refresh_from_db()
    response = client_for(taskforce).post(f"/api/tasks/{own_task.pk}/actions/", {"action": "approve"},
                                          content_type="application/json", HTTP_IF_MATCH=f'"{own_task.version}"')
    assert response.status_code == 403 and SEPARATION in response.json()["detail"]
    assert refusal_row(taskforce, own_task, "approve") is not None


def test_with_a_report_someone_else_approves_and_the_task_closes(own_task, taskforce, colleague):
    act(own_task, "accept", taskforce)
    act(own_task, "report", taskforce, data={"percent": 60, "narrative": "3个项目已签约"})
    act(own_task, "submit", taskforce)
    act(own_task, "approve", colleague, note="同意办结")
    own_task.refresh_from_db()
    assert own_task.state == ItemState.CLOSED and own_task.progress_percent == 100


# ------------------------------------------------------------------ the task's actions endpoint (items.kit)


def post_action(client, task, body, **headers):
    return client.post(f"/api/tasks/{task.pk}/actions/", body, content_type="application/json", **headers)


def test_the_api_action_requires_the_version(demo, admin_user, town_a, client_for):
    """Defect class: a missing or malformed version must never skip the compare-and-swap."""
    task = services.task_create(actor=admin_user, title="罗家镇背街小巷整治", owning_body=demo.bodies["城市管理专班"],
                                lead_unit=demo.units["罗家镇"], due_date=days(40), target="整治12条")
    client = client_for(town_a)
    missing = post_action(client, task, {"action": "accept"})
    assert missing.status_code == 428
    garbage = post_action(client, task, {"action": "accept"}, HTTP_IF_MATCH='"abc"')
    assert garbage.status_code == 400
    stale = post_action(client, task, {"action": "accept"}, HTTP_IF_MATCH=f'"{task.version + 5}"')
    assert stale.status_code == 409 and stale.json()["data"]["current_version"] == task.version
    task.refresh_from_db()
    assert task.state == ItemState.ASSIGNED and not task.actions.filter(action="accept").exists()

    done = post_action(client, task, {"action": "accept"}, HTTP_IF_MATCH=f'"{task.version}"',
                       HTTP_IDEMPOTENCY_KEY="accept-1")
    assert done.status_code == 201, done.content
    body = done.json()
    assert body["state"] == "in_progress" and body["version"] == task.version + 1 and body["replayed"] is False
    assert body["item"]["number"] == task.number and "available_actions" in body["item"]
    again = post_action(client, task, {"action": "accept"}, HTTP_IF_MATCH=f'"{task.version}"',
                        HTTP_IDEMPOTENCY_KEY="accept-1")
    assert again.status_code == 200 and again.json()["replayed"] is True
    timeline = client.get(f"/api/tasks/{task.pk}/timeline/").json()
    assert [row["action"] for row in timeline] == ["assign", "accept"]


def test_the_actions_endpoint_is_404_outside_the_scope(demo, admin_user, town_b, client_for):
    task = services.task_create(actor=admin_user, title="罗家镇背街小巷整治", owning_body=demo.bodies["城市管理专班"],
                                lead_unit=demo.units["罗家镇"], due_date=days(40), target="整治12条")
    response = post_action(client_for(town_b), task, {"action": "accept"}, HTTP_IF_MATCH=f'"{task.version}"')
    assert response.status_code == 404
    assert client_for(town_b).get(f"/api/tasks/{task.pk}/timeline/").status_code == 404
