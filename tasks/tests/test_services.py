"""Key-task services: create, bulk 交办, who may dispatch, milestones and the behind-schedule light."""
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from audit.models import AuditLog
from core.errors import PermissionDenied
from items.lights import compute_light, recompute_all
from items.models import Item, ItemAction, ItemState, Light
from tasks import services
from tasks.models import KeyTask, Milestone

pytestmark = [pytest.mark.django_db, pytest.mark.dates]

TOWNS = ["罗家镇", "塘山镇", "湖坊镇", "京东镇", "扬子洲镇"]


def today():
    return timezone.localdate()


def days(n):
    return today() + datetime.timedelta(days=n)


def make_task(demo, actor, **kw):
    kw.setdefault("title", "老旧小区改造")
    kw.setdefault("owning_body", demo.bodies["改旧建新专班"])
    kw.setdefault("lead_unit", demo.units["住建局"])
    kw.setdefault("due_date", days(90))
    kw.setdefault("target", "完成65个老旧小区改造")
    return services.task_create(actor=actor, **kw)


def test_it_creates_an_assigned_key_task_with_milestones(demo, admin_user):
    task = make_task(demo, admin_user, milestones=[("完成设计", days(20)), ("开工", days(40))],
                     target_value=65, target_unit="个")
    assert isinstance(task, KeyTask) and task.kind == "task"
    assert task.number.startswith(f"RW-{today().year}-")
    assert task.state == ItemState.ASSIGNED
    assert task.area == demo.units["住建局"].area
    assert [m.title for m in task.milestones.all()] == ["完成设计", "开工"]
    assert task.year == demo.bodies["改旧建新专班"].mechanism.year
    assert ItemAction.objects.filter(item=task, action="assign").count() == 1


def test_a_task_force_member_may_create_for_their_own_body(demo, taskforce):
    task = make_task(demo, taskforce, owning_body=demo.bodies["抓大引大专班"], lead_unit=demo.units["发改委"],
                     title="77个市重大重点项目推进")
    assert task.created_by == taskforce


def test_it_refuses_a_town_user_and_a_member_of_another_body(demo, town_a, taskforce):
    with pytest.raises(PermissionDenied):
        make_task(demo, town_a)
    with pytest.raises(PermissionDenied):
        make_task(demo, taskforce)  # 商务局 member sits in 扫楼扫街/抓大引大, not 改旧建新
    assert not KeyTask.objects.filter(title="老旧小区改造").exists()


def test_a_refused_create_leaves_its_denied_audit_row(demo, town_a):
    """Defect: the DENIED row was written inside the transaction the refusal rolled back — it vanished."""
    with pytest.raises(PermissionDenied) as exc:
        make_task(demo, town_a)
    assert "只有本专班（机构）的调度人员" in str(exc.value.message)
    row = AuditLog.objects.filter(action="denied", outcome="denied", user_id=town_a.pk).latest("pk")
    assert row.message.startswith("task_create:") and row.object_type == "tasks.keytask"
    assert not KeyTask.objects.filter(title="老旧小区改造").exists()


def test_a_refused_bulk_assign_and_milestone_are_audited_too(demo, admin_user, town_b):
    with pytest.raises(PermissionDenied):
        services.task_assign_bulk(actor=town_b, title="x", owning_body=demo.bodies["城市管理专班"],
                                  units=[demo.units["罗家镇"], demo.units["塘山镇"]], due_date=days(60), target="y")
    assert AuditLog.objects.filter(action="denied", user_id=town_b.pk, message__startswith="task_assign_bulk:").exists()
    task = make_task(demo, admin_user, milestones=[("完成设计", days(20))])
    milestone = task.milestones.get()
    with pytest.raises(PermissionDenied):
        services.milestone_complete(actor=town_b, milestone=milestone)
    row = AuditLog.objects.filter(action="denied", user_id=town_b.pk).latest("pk")
    assert row.message.startswith("milestone_complete:") and row.object_id == str(milestone.pk)


def test_who_may_dispatch_is_the_one_rule_of_accounts_roles(demo, town_a, dept, taskforce, leader):
    from accounts.roles import may_dispatch

    body = demo.bodies["改旧建新专班"]
    for user in (town_a, dept, taskforce, leader):
        allowed = may_dispatch(user, body)
        if allowed:
            assert make_task(demo, user, title=f"{user.username}的任务").created_by == user
        else:
            with pytest.raises(PermissionDenied):
                make_task(demo, user, title=f"{user.username}的任务")
    assert [may_dispatch(u, body) for u in (town_a, dept, taskforce, leader)] == [False, True, False, True]


def test_a_milestone_date_that_is_not_a_date_is_a_validation_error(demo, admin_user):
    with pytest.raises(ValidationError) as exc:
        make_task(demo, admin_user, milestones=[("开工", "2026-13-45")])
    assert "milestones" in exc.value.message_dict


def test_it_refuses_a_milestone_after_the_due_date_and_writes_nothing(demo, admin_user):
    before = Item.objects.count()
    with pytest.raises(ValidationError):
        make_task(demo, admin_user, due_date=days(30), milestones=[("开工", days(40))])
    assert Item.objects.count() == before


def test_bulk_assign_to_five_towns_makes_a_parent_and_five_children(demo, admin_user):
    units = [demo.units[t] for t in TOWNS]
    parent, children = services.task_assign_bulk(
        actor=admin_user, title="农村人居环境整治", owning_body=demo.bodies["改旧建新专班"], units=units,
        due_date=days(120), target="完成34个村点整治", milestones=[("摸底", days(30))])
    assert len(children) == 5
    assert parent.lead_unit is None and parent.state == ItemState.DRAFT
    assert set(parent.co_units.all()) == set(units)
    assert {c.lead_unit.short_name for c in children} == set(TOWNS)
    assert all(c.parent_id == parent.pk and c.state == ItemState.ASSIGNED for c in children)
    assert all(c.milestones.count() == 1 for c in children)
    assert KeyTask.objects.filter(parent=parent).count() == 5


def test_bulk_assign_is_all_or_nothing(demo, admin_user, monkeypatch):
    before = Item.objects.count()
    real = services.task_create
    calls = {"n": 0}

    def flaky(**kw):
        calls["n"] += 1
        if calls["n"] == 4:
            raise ValidationError("boom")
        return real(**kw)

    monkeypatch.setattr(services, "task_create", flaky)
    with pytest.raises(ValidationError):
        services.task_assign_bulk(actor=admin_user, title="垃圾分类", owning_body=demo.bodies["城市管理专班"],
                                  units=[demo.units[t] for t in TOWNS], due_date=days(60), target="示范片区")
    assert Item.objects.count() == before


def test_a_late_milestone_turns_the_task_yellow_and_completing_it_green(demo, admin_user, dept):
    task = make_task(demo, admin_user, milestones=[("完成设计", days(20))])
    Milestone.objects.filter(task=task).update(due_date=days(-2))
    task = KeyTask.objects.get(pk=task.pk)
    light, reason = compute_light(task)
    assert light == Light.YELLOW and "完成设计" in reason
    milestone = task.milestones.get()
    services.milestone_complete(actor=dept, milestone=milestone)  # 住建局 is the lead unit
    task.refresh_from_db()
    assert task.light != Light.YELLOW or "完成设计" not in task.light_reason
    assert compute_light(task)[0] == Light.GREEN
    assert ItemAction.objects.filter(item=task, action="comment", data__milestone=milestone.pk).exists()


def test_the_periodic_recompute_applies_the_milestone_rule(demo, admin_user):
    task = make_task(demo, admin_user, milestones=[("完成设计", days(20))])
    Milestone.objects.filter(task=task).update(due_date=days(-1))
    Item.objects.filter(pk=task.pk).update(light=Light.GREEN, light_reason="")
    recompute_all()
    task.refresh_from_db()
    assert task.light == Light.YELLOW and "节点滞后" in task.light_reason


def test_an_outsider_may_not_complete_a_milestone(demo, admin_user, town_b):
    task = make_task(demo, admin_user, milestones=[("完成设计", days(20))])
    with pytest.raises(PermissionDenied):
        services.milestone_complete(actor=town_b, milestone=task.milestones.get())
    assert task.milestones.get().done_at is None
