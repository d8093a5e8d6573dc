"""Key-task pages per persona: the ledger, its Excel export, the new-task form (single and bulk), the task page."""
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from audit.models import AuditLog
from items.models import ItemState
from tasks import services
from tasks.models import KeyTask

pytestmark = pytest.mark.django_db


def days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def tasks(demo, admin_user):
    body = demo.bodies["改旧建新专班"]
    a = services.task_create(actor=admin_user, title="罗家镇老旧小区改造", owning_body=body,
                             lead_unit=demo.units["罗家镇"], due_date=days(60), target="改造12个小区",
                             milestones=[("开工", days(10)), ("完工", days(50))])
    b = services.task_create(actor=admin_user, title="塘山镇安置房建设", owning_body=body,
                             lead_unit=demo.units["塘山镇"], due_date=days(60), target="交付安置房")
    return a, b


def form_data(demo, units, **extra):
    data = {
        "owning_body": demo.bodies["改旧建新专班"].pk, "title": "农村人居环境整治", "target": "完成34个村点整治",
        "measures": "一点一策", "units": [demo.units[u].pk for u in units], "due_date": days(90).isoformat(),
        "supervision_level": "normal",
        "ms-TOTAL_FORMS": "2", "ms-INITIAL_FORMS": "0", "ms-MIN_NUM_FORMS": "0", "ms-MAX_NUM_FORMS": "20",
        "ms-0-title": "摸底", "ms-0-due_date": days(20).isoformat(), "ms-1-title": "", "ms-1-due_date": "",
    }
    data.update(extra)
    return data


def test_the_list_shows_a_town_only_its_own_tasks(client_for, town_a, tasks):
    response = client_for(town_a).get(reverse("tasks:task_list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "罗家镇老旧小区改造" in html and "塘山镇安置房建设" not in html
    assert "0/2" in html  # milestones done/total
    assert "新建重点任务" not in html  # a town does not dispatch


def test_the_list_offers_a_dispatcher_the_new_task_button(client_for, dept, tasks):
    html = client_for(dept).get(reverse("tasks:task_list")).content.decode()
    assert "新建重点任务" in html


def test_the_export_holds_exactly_the_filtered_rows(client_for, leader, tasks):
    response = client_for(leader).get(reverse("tasks:task_list") + "?export=xlsx&q=塘山镇")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    titles = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "塘山镇安置房建设" in titles and "罗家镇老旧小区改造" not in titles


def test_a_town_may_not_open_the_new_task_form(client_for, town_a):
    assert client_for(town_a).get(reverse("tasks:task_create")).status_code == 403


def test_a_dispatcher_creates_one_task_with_milestones(client_for, dept, demo):
    response = client_for(dept).post(reverse("tasks:task_create"), form_data(demo, ["罗家镇"]))
    assert response.status_code == 302
    task = KeyTask.objects.get(title="农村人居环境整治")
    assert task.lead_unit == demo.units["罗家镇"] and task.state == ItemState.ASSIGNED
    assert [m.title for m in task.milestones.all()] == ["摸底"]


def test_choosing_five_towns_assigns_in_bulk(client_for, dept, demo):
    towns = ["罗家镇", "塘山镇", "湖坊镇", "京东镇", "扬子洲镇"]
    response = client_for(dept).post(reverse("tasks:task_create"), form_data(demo, towns))
    assert response.status_code == 302
    parent = KeyTask.objects.get(title="农村人居环境整治", parent=None)
    assert KeyTask.objects.filter(parent=parent).count() == 5
    page = client_for(dept).get(response.url).content.decode()
    assert "各责任单位" in page and "扬子洲镇" in page


def test_bad_input_answers_400_and_keeps_the_form(client_for, dept, demo):
    data = form_data(demo, ["罗家镇"], **{"ms-0-due_date": days(200).isoformat()})  # after the task's due date
    response = client_for(dept).post(reverse("tasks:task_create"), data)
    assert response.status_code == 400
    assert "不能晚于任务期限" in response.content.decode()
    assert not KeyTask.objects.filter(title="农村人居环境整治").exists()


def test_the_form_offers_the_bodies_the_user_dispatches_for_never_the_hq(client_for, dept, leader, demo):
    def offered(user):
        form = client_for(user).get(reverse("tasks:task_create")).context["form"]
        return {str(label).split(" · ")[-1] for value, label in form.fields["owning_body"].widget.choices if value}

    assert offered(dept) == {"改旧建新专班"}  # 刘思远 sits in 改旧建新专班
    assert "总指挥部" not in offered(leader) and {"抓大引大专班", "改旧建新专班"} <= offered(leader)


def test_a_member_of_another_body_is_refused_403_and_the_refusal_is_audited(client_for, taskforce, demo):
    """Defect: the refusal's DENIED row was written inside the transaction the refusal rolled back."""
    response = client_for(taskforce).post(reverse("tasks:task_create"), form_data(demo, ["罗家镇"]))
    assert response.status_code == 403
    assert "只有本专班（机构）的调度人员" in response.content.decode()
    assert "农村人居环境整治" in response.content.decode()  # the input is kept
    assert not KeyTask.objects.filter(title="农村人居环境整治").exists()
    row = AuditLog.objects.filter(action="denied", outcome="denied", user_id=taskforce.pk).latest("pk")
    assert row.message.startswith("task_create:") and row.object_repr == str(demo.bodies["改旧建新专班"])


def test_a_bulk_create_refused_through_the_page_is_audited(client_for, taskforce, demo):
    response = client_for(taskforce).post(reverse("tasks:task_create"), form_data(demo, ["罗家镇", "塘山镇"]))
    assert response.status_code == 403
    assert not KeyTask.objects.filter(title="农村人居环境整治").exists()
    assert AuditLog.objects.filter(action="denied", user_id=taskforce.pk, message__startswith="task_assign_bulk:").exists()


def test_the_task_page_is_404_outside_the_scope(client_for, town_a, town_b, tasks):
    a, _b = tasks
    assert client_for(town_a).get(reverse("tasks:task_detail", args=[a.pk])).status_code == 200
    assert client_for(town_b).get(reverse("tasks:task_detail", args=[a.pk])).status_code == 404


def test_the_lead_unit_completes_a_milestone_from_the_task_page(client_for, town_a, town_b, tasks):
    a, _b = tasks
    milestone = a.milestones.first()
    url = reverse("tasks:milestone_complete", args=[milestone.pk])
    assert client_for(town_b).post(url).status_code == 404
    page = client_for(town_a).get(reverse("tasks:task_detail", args=[a.pk])).content.decode()
    assert f"complete-{milestone.pk}" in page
    assert client_for(town_a).post(url).status_code == 302
    milestone.refresh_from_db()
    assert milestone.done_at is not None


# ------------------------------------------------------------------ the task page is the kind's page on items.kit


def _buttons(html):
    import re

    return set(re.findall(r'data-testid="action-([a-z_]+)"', html))


def test_the_task_page_offers_each_persona_its_workflow_actions(client_for, town_a, dept, leader, tasks):
    a, _b = tasks
    url = reverse("tasks:task_detail", args=[a.pk])
    town_page = client_for(town_a).get(url).content.decode()
    assert {"accept", "bounce"} <= _buttons(town_page) and "approve" not in _buttons(town_page)
    assert 'data-testid="timeline"' in town_page and "改造12个小区" in town_page  # the kind's own panels stay
    assert "instruct" in _buttons(client_for(leader).get(url).content.decode())
    assert "urge" in _buttons(client_for(dept).get(url).content.decode())  # the dispatcher of 改旧建新专班


def test_an_action_posted_on_the_task_page_goes_through_perform(client_for, town_a, tasks):
    a, _b = tasks
    url = reverse("tasks:task_detail", args=[a.pk])
    response = client_for(town_a).post(url, {"action": "accept", "accept-version": a.version,
                                             "accept-request_key": "k-accept", "accept-note": "已签收"})
    assert response.status_code == 302 and response.url == url
    a.refresh_from_db()
    assert a.state == ItemState.IN_PROGRESS and a.actions.filter(action="accept", note="已签收").exists()


def test_a_stale_version_on_the_task_page_answers_409_with_the_input_kept(client_for, town_a, tasks):
    a, _b = tasks
    url = reverse("tasks:task_detail", args=[a.pk])
    client_for(town_a).post(url, {"action": "accept", "accept-version": a.version, "accept-request_key": "k1"})
    response = client_for(town_a).post(url, {"action": "comment", "comment-version": a.version,
                                             "comment-request_key": "k2", "comment-note": "旧页面上的留言"})
    assert response.status_code == 409
    assert "旧页面上的留言" in response.content.decode()
    assert not a.actions.filter(action="comment").exists()


def test_a_post_outside_the_scope_is_404_and_changes_nothing(client_for, town_b, tasks):
    a, _b = tasks
    response = client_for(town_b).post(reverse("tasks:task_detail", args=[a.pk]),
                                       {"action": "accept", "accept-version": a.version, "accept-request_key": "k"})
    assert response.status_code == 404
    a.refresh_from_db()
    assert a.state == ItemState.ASSIGNED
