"""The key-task demo: the five task forces' work, a believable mix of lights and states *today*."""
from collections import Counter

import pytest

from accounts.models import User
from items import selectors
from items.models import ItemAction, ItemState, Light, ProgressReport
from tasks.models import KeyTask

pytestmark = [pytest.mark.django_db, pytest.mark.dates]


def org_context():
    """What the org step (demo.org_demo) hands the next steps: its people by key."""
    from demo.org_demo import PEOPLE
    from org.models import Person

    by_name = {p.name: p for p in Person.objects.all()}
    return {"people": {key: by_name[name] for key, name, _unit, _title in PEOPLE}}


def test_the_demo_loads_a_believable_mix_of_lights_states_and_to_dos(demo):
    from tasks import demo as tasks_demo

    tasks_demo.load(org_context())
    tasks = list(KeyTask.objects.select_related("owning_body__mechanism"))
    this_year = [t for t in tasks if t.owning_body.mechanism.year != 2023]
    history = [t for t in tasks if t.owning_body.mechanism.year == 2023]

    # the 2023 mechanism stays as history: its tasks are closed
    assert len(history) == 3 and all(t.state == ItemState.CLOSED for t in history)
    # every task force of this year has key tasks
    assert {t.owning_body.short_name for t in this_year} == {
        "扫楼扫街专班", "抓大引大专班", "改旧建新专班", "城市管理专班", "社会稳定专班"}
    # three bulk 交办 (parent + one child per unit)
    parents = [t for t in this_year if t.lead_unit_id is None]
    assert KeyTask.objects.filter(parent__in=parents).count() == 14
    assert Counter(len(list(p.children.all())) for p in parents) == Counter({5: 2, 4: 1})

    lights = Counter(t.light for t in this_year if t.state != ItemState.DRAFT)
    states = Counter(t.state for t in this_year)
    assert lights[Light.RED] == 3 and lights[Light.YELLOW] == 7 and lights[Light.GREEN] >= 10
    assert states[ItemState.CLOSED] == 3 and states[ItemState.SUBMITTED] == 3
    assert states[ItemState.ASSIGNED] == 1 and states[ItemState.BOUNCED] == 1
    reasons = " ".join(t.light_reason for t in this_year)
    assert "进展未报送" in reasons and "节点滞后" in reasons and "工作日内到期" in reasons

    # real timelines: reports through perform(), every 旬 of the history
    assert ProgressReport.objects.filter(item__in=this_year).count() > 150
    assert ItemAction.objects.filter(item__in=this_year, action="return").exists()
    # separation of duties holds in the demo too: no task reviewed by the one who submitted it
    for task in tasks:
        submitter = None
        for action, actor in task.actions.order_by("time", "id").values_list("action", "actor_id"):
            if action == "submit":
                submitter = actor
            elif action in ("approve", "return"):
                assert actor != submitter, f"{task.number}: {action} by its submitter"
    assert KeyTask.objects.get(title="安置房建设交付").supervision_level == "listed"

    town = User.objects.get(username="town")
    counts = selectors.todo_counts(town)
    assert counts["to_accept"] == 1 and counts["instructions_awaiting_reply"] == 1
    assert counts["overdue"] == 1 and counts["to_report"] >= 1
    taskforce = User.objects.get(username="taskforce")
    counts = selectors.todo_counts(taskforce)
    assert counts["extensions_to_decide"] == 1 and counts["to_review"] == 1
    assert selectors.todo_counts(User.objects.get(username="village"))["to_report"] == 1
