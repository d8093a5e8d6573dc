"""The transition table, walked pair by pair: every (state, action) is either a row of the table — then it
succeeds for each role the row names and is refused for everyone else — or it is refused with a message
and an audit row whose outcome is "denied"."""
import datetime

import pytest
from django.utils import timezone

from audit.models import AuditAction, AuditLog, AuditOutcome
from core.errors import PermissionDenied, ValidationError
from items import services, workflow
from items.models import ExtensionRequest, Instruction, Item, ItemAction, ItemState

from .engine_fixtures import KIND, engine_kind, make_item_fixture, set_state  # noqa: F401

pytestmark = pytest.mark.dates

# One persona per relationship role for the standard test item (body 扫楼扫街专班, lead unit 罗家镇,
# co-unit 住建局, created by taskforce).
PERSONA_FOR_ROLE = {
    "dispatcher": "taskforce",
    "lead_unit": "town",
    "co_unit": "dept",
    "leader": "leader",
    "supervisor": "supervisor",
    "admin": "admin",
}
ALL_PERSONAS = ["taskforce", "town", "dept", "leader", "supervisor", "admin", "auditor"]


def users():
    from accounts.models import User

    return {u.username: u for u in User.objects.filter(username__in=ALL_PERSONAS)}


def inputs(action, item, actor):
    """The input an action needs, creating what it refers to (extension request, instruction)."""
    today = timezone.localdate()
    if action == "bounce":
        return {"reason_code": "not_our_duty", "note": "不属于本镇职责"}
    if action == "report":
        return {"data": {"percent": 40, "narrative": "已走访 12 栋楼宇"}}
    if action in ("return", "reopen", "comment", "urge"):
        return {"note": "请补充佐证材料"}
    if action == "request_extension":
        return {"note": "拆迁未完成", "data": {"due_date": (item.due_date + datetime.timedelta(days=10)).isoformat()}}
    if action == "decide_extension":
        ext = ExtensionRequest.objects.create(item=item, requested_by=actor, requested_at=timezone.now(),
                                              current_due=item.due_date,
                                              requested_due=item.due_date + datetime.timedelta(days=5), reason="r")
        return {"note": "同意", "data": {"extension_id": ext.pk, "decision": "approve"}}
    if action == "instruct":
        return {"note": "请加快进度", "data": {"due_date": (today + datetime.timedelta(days=5)).isoformat()}}
    if action == "reply_instruction":
        ins = Instruction.objects.create(item=item, leader=users()["leader"], text="请加快",
                                         reply_due=today + datetime.timedelta(days=5), created_at=timezone.now())
        return {"data": {"instruction_id": ins.pk, "reply": "已落实"}}
    return {}


def item_in(factory, demo, state):
    item = factory(assign=False, co_units=[demo.units["住建局"]])
    return set_state(item, state)


def all_pairs():
    actions = workflow.known_actions(KIND)
    return [(s, a) for s in ItemState.values for a in actions]


def denied_count():
    return AuditLog.objects.filter(action=AuditAction.WORKFLOW, outcome=AuditOutcome.DENIED).count()


def test_the_table_is_readable_and_every_action_has_a_handler():
    for t in workflow.TRANSITIONS:
        assert t.action in services.HANDLERS, t.action
        assert t.roles and t.sources
        assert all(s in ItemState.values for s in t.sources)
        assert t.target is None or t.target in ItemState.values
        assert set(t.required) <= set(workflow.REQUIRED_LABELS)


@pytest.mark.parametrize("state,action", all_pairs())
def test_every_state_action_pair(demo, make_item, state, action):
    people = users()
    item = item_in(make_item, demo, state)
    transition = workflow.find_transition(KIND, state, action)
    if transition is None:
        before = denied_count()
        with pytest.raises(ValidationError) as exc:
            services.perform(item, action, people["admin"], item.version, **inputs(action, item, people["admin"]))
        assert "不能执行" in str(exc.value)
        assert denied_count() == before + 1
        assert Item.objects.get(pk=item.pk).state == state
        assert not ItemAction.objects.filter(item=item, action=action).exists()
        return
    # Refused for every persona that holds none of the row's roles.
    for name in ALL_PERSONAS:
        user = people[name]
        if workflow.roles_of(user, item) & set(transition.roles):
            continue
        before = denied_count()
        with pytest.raises(PermissionDenied):
            services.perform(item, action, user, item.version, **inputs(action, item, user))
        assert denied_count() == before + 1, name
    # Succeeds for a persona of each role it names.
    for role in transition.roles:
        name = PERSONA_FOR_ROLE.get(role)
        if name is None:
            continue
        fresh = item_in(make_item, demo, state)
        user = people[name]
        row = services.perform(fresh, action, user, fresh.version, **inputs(action, fresh, user))
        fresh.refresh_from_db()
        assert row.action == action and row.from_state == state
        assert fresh.state == (transition.target or state)
        assert fresh.version == 2


def test_a_refusal_names_the_state_and_action(demo, make_item, town_a):
    item = make_item()
    with pytest.raises(ValidationError) as exc:
        services.perform(item, "approve", town_a, item.version)
    assert "待签收" in str(exc.value) and "审核通过" in str(exc.value)
    entry = AuditLog.objects.filter(outcome=AuditOutcome.DENIED).order_by("-id").first()
    assert entry.object_id == str(item.pk) and "approve" in entry.message


def test_an_unknown_action_is_refused_and_audited(demo, make_item, taskforce):
    item = make_item()
    before = denied_count()
    with pytest.raises(ValidationError):
        services.perform(item, "teleport", taskforce, item.version)
    assert denied_count() == before + 1


def test_required_input_is_checked_with_chinese_messages(demo, make_item, town_a):
    item = make_item()
    services.perform(item, "accept", town_a, item.version)
    with pytest.raises(ValidationError) as exc:
        services.perform(item, "report", town_a, item.version, data={"percent": 140})
    assert set(exc.value.message_dict) == {"percent", "narrative"}
    assert "0 到 100" in exc.value.message_dict["percent"][0]
    item.refresh_from_db()
    assert item.version == 3 and not item.reports.exists()


def test_bounce_needs_a_known_reason_code(demo, make_item, town_a):
    item = make_item()
    with pytest.raises(ValidationError) as exc:
        services.perform(item, "bounce", town_a, item.version, reason_code="lazy")
    assert "reason_code" in exc.value.message_dict


def test_bounce_is_refused_after_the_working_day_window(demo, make_item, town_a, settings):
    settings.ITEM_BOUNCE_WORKING_DAYS = 2
    item = make_item()
    # Assigned on Monday 2024-03-04; bouncing on Thursday 03-07 is 3 working days later.
    Item.objects.filter(pk=item.pk).update(assigned_at=datetime.datetime(2024, 3, 4, 9, tzinfo=datetime.UTC))
    item.refresh_from_db()
    at = datetime.datetime(2024, 3, 7, 2, tzinfo=datetime.UTC)
    with pytest.raises(ValidationError) as exc:
        services.perform(item, "bounce", town_a, item.version, reason_code="not_our_duty", at=at)
    assert "回退期限" in str(exc.value)
    at = datetime.datetime(2024, 3, 6, 2, tzinfo=datetime.UTC)
    services.perform(item, "bounce", town_a, item.version, reason_code="not_our_duty", at=at)
    assert Item.objects.get(pk=item.pk).state == ItemState.BOUNCED


def test_available_actions_show_each_user_only_their_buttons(demo, make_item, taskforce, town_a, town_b, leader):
    item = make_item(co_units=[demo.units["住建局"]])
    assert [t.action for t in workflow.available_actions(item, town_a)] == ["accept", "bounce", "request_extension",
                                                                          "comment"]
    assert "accept" not in [t.action for t in workflow.available_actions(item, taskforce)]
    assert {"urge", "escalate", "instruct"} <= {t.action for t in workflow.available_actions(item, leader)}
    assert workflow.available_actions(item, town_b) == []


def test_reassign_may_change_the_lead_unit(demo, make_item, town_a, taskforce):
    item = make_item()
    services.perform(item, "bounce", town_a, item.version, reason_code="wrong_area", note="属塘山镇")
    services.perform(item, "reassign", taskforce, item.version, data={"lead_unit": demo.units["塘山镇"].pk})
    item.refresh_from_db()
    assert item.state == ItemState.ASSIGNED and item.lead_unit == demo.units["塘山镇"]


def test_extension_keeps_the_original_due_date(demo, make_item, town_a, taskforce):
    item = make_item()
    original = item.due_date
    services.perform(item, "accept", town_a, item.version)
    new_due = original + datetime.timedelta(days=20)
    row = services.perform(item, "request_extension", town_a, item.version, note="征迁未完成",
                           data={"due_date": new_due.isoformat()})
    services.perform(item, "decide_extension", taskforce, item.version, note="同意",
                     data={"extension_id": row.data["extension_id"], "decision": "approve"})
    item.refresh_from_db()
    assert item.due_date == new_due and item.original_due_date == original
    with pytest.raises(ValidationError):  # decided once only
        services.perform(item, "decide_extension", taskforce, item.version,
                         data={"extension_id": row.data["extension_id"], "decision": "reject"})


def test_escalate_raises_the_level_up_to_listed_and_notifies_leaders(demo, make_item, supervisor, leader,
                                                                     django_capture_on_commit_callbacks):
    item = make_item()
    with django_capture_on_commit_callbacks(execute=True):
        services.perform(item, "escalate", supervisor, item.version)
    services.perform(item, "escalate", supervisor, item.version)
    assert Item.objects.get(pk=item.pk).supervision_level == "listed"
    with pytest.raises(ValidationError):
        services.perform(item, "escalate", supervisor, item.version)
    assert leader.notifications.filter(item=item, verb="escalate").exists()


def test_instruction_is_an_object_with_a_reply(demo, make_item, leader, town_a):
    item = make_item()
    row = services.perform(item, "instruct", leader, item.version, note="务必按期完成",
                           data={"due_date": (timezone.localdate() + datetime.timedelta(days=3)).isoformat()})
    ins = Instruction.objects.get(pk=row.data["instruction_id"])
    assert ins.reply_due and not ins.replied_at
    services.perform(item, "reply_instruction", town_a, item.version,
                     data={"instruction_id": ins.pk, "reply": "已部署落实"})
    ins.refresh_from_db()
    assert ins.reply == "已部署落实" and ins.replied_by == town_a


def test_docs_workflow_md_lists_every_action():
    from pathlib import Path

    from django.conf import settings

    text = (Path(settings.BASE_DIR) / "docs" / "workflow.md").read_text(encoding="utf-8")
    for t in workflow.TRANSITIONS:
        assert f"`{t.action}`" in text, t.action


def test_a_kind_adds_its_own_transition_with_a_handler(demo, make_item, town_a, taskforce, monkeypatch):
    from items.kinds import KINDS

    seen = []

    def verify(ctx):
        seen.append(ctx.cleaned["note"] if "note" in ctx.cleaned else ctx.note)
        ctx.action_data["verified_by"] = ctx.actor.pk

    extra = workflow.Transition("verify", "核验", (ItemState.SUBMITTED,), ItemState.CLOSED, ("dispatcher",),
                                required=("note",), kinds=(KIND,), handler=verify)
    monkeypatch.setattr(KINDS[KIND], "transitions", [extra])
    assert "verify" in workflow.known_actions(KIND) and "verify" not in workflow.known_actions("appeal")
    item = make_item()
    services.perform(item, "accept", town_a, item.version)
    services.perform(item, "submit", town_a, item.version)
    with pytest.raises(PermissionDenied):
        services.perform(item, "verify", town_a, item.version, note="自己核验")
    row = services.perform(item, "verify", taskforce, item.version, note="现场核验属实")
    assert seen == ["现场核验属实"] and row.data["verified_by"] == taskforce.pk
    assert Item.objects.get(pk=item.pk).state == ItemState.CLOSED


def test_the_full_life_of_a_task(demo, make_item, taskforce, town_a):
    """交办 → 签收 → two 旬 reports → 提交 → 退回 → 提交 → 办结, each by the right person."""
    item = make_item()
    steps = [(town_a, "accept", {}), (town_a, "report", {"data": {"percent": 30, "narrative": "一旬"}}),
             (town_a, "submit", {}), (taskforce, "return", {"note": "佐证不足"}), (town_a, "submit", {}),
             (taskforce, "approve", {})]
    at = timezone.now()
    for i, (user, action, kw) in enumerate(steps):
        services.perform(item, action, user, item.version, at=at + datetime.timedelta(days=11 * i), **kw)
    item.refresh_from_db()
    assert item.state == ItemState.CLOSED and item.closed_at and item.light == "none"
    assert list(item.actions.values_list("action", flat=True)) == [
        "assign", "accept", "report", "submit", "return", "submit", "approve"]
    assert item.version == 1 + 7
