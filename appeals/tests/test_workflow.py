"""SLA and the appeal's workflow rows: deadlines in working days (holidays), pause while bounced, arbitration,
reply with template, rating reopening once."""
import datetime

import pytest

from appeals.models import Appeal, AppealCategory
from appeals.services import appeal_create, suggest_lead_unit
from core.errors import PermissionDenied, ValidationError
from items.models import ItemState, WorkCalendarDay
from items.services import perform

from .conftest import at

pytestmark = [pytest.mark.django_db, pytest.mark.dates]


def _holidays():
    # 2024 National Day: 1–7 October off, 29 September (Sunday) and 12 October (Saturday) make-up working days
    for day in range(1, 8):
        WorkCalendarDay.objects.create(date=datetime.date(2024, 10, day), is_workday=False, name="国庆节")
    WorkCalendarDay.objects.create(date=datetime.date(2024, 9, 29), is_workday=True, name="国庆节调休")
    WorkCalendarDay.objects.create(date=datetime.date(2024, 10, 12), is_workday=True, name="国庆节调休")


def test_routing_suggests_the_town_for_its_area_and_the_department_elsewhere(appeals_setup, demo):
    cat = appeals_setup.categories["city-sanitation"]
    assert suggest_lead_unit(cat, demo.areas["谢埠村"]) == demo.units["罗家镇"]
    assert suggest_lead_unit(cat, demo.areas["京东镇"]) == demo.units["城管局"]  # inherited from 城市管理


def test_dispatch_sets_the_deadline_in_working_days_across_a_holiday(make_appeal, demo):
    _holidays()
    appeal = make_appeal(when=at(2024, 9, 27))  # Friday; 5 working days: 29 Sep (调休), 30 Sep, 8, 9, 10 Oct
    assert appeal.state == ItemState.ASSIGNED
    assert appeal.lead_unit == demo.units["罗家镇"]
    assert appeal.due_date == datetime.date(2024, 10, 10)
    assert appeal.original_due_date == datetime.date(2024, 10, 10)
    assert Appeal.objects.get(pk=appeal.pk).sign_due_date == datetime.date(2024, 9, 29)


def test_an_urgent_category_is_due_the_same_working_day(make_appeal):
    _holidays()
    appeal = make_appeal(category="safety", when=at(2024, 10, 3))  # holiday → the first working day after it
    assert appeal.due_date == datetime.date(2024, 10, 8)
    assert make_appeal(category="safety", when=at(2024, 10, 9)).due_date == datetime.date(2024, 10, 9)


def test_the_clock_starts_on_accept_when_the_category_says_so(make_appeal, town_a):
    appeal = make_appeal(category="housing-property", when=at(2024, 5, 6))
    assert appeal.due_date is None
    perform(appeal, "accept", town_a, appeal.version, at=at(2024, 5, 8))
    appeal.refresh_from_db()
    assert appeal.due_date == datetime.date(2024, 5, 22)  # 10 working days after Wed 8 May


def test_a_category_without_an_sla_is_refused(appeals_setup, demo):
    cat = AppealCategory.objects.create(code="nosla", name="无时限")
    with pytest.raises(ValidationError) as exc:
        appeal_create(actor=appeals_setup.centre, title="x", category=cat, channel="hotline",
                      area=demo.areas["罗家镇"])
    assert "未设置办结时限" in str(exc.value)
    assert not Appeal.objects.exists()


def test_a_bounce_pauses_the_clock_and_the_reassignment_moves_the_deadline(make_appeal, centre, town_a, demo):
    appeal = make_appeal(when=at(2024, 5, 6))  # Mon → due Mon 13 May
    assert appeal.due_date == datetime.date(2024, 5, 13)
    perform(appeal, "bounce", town_a, appeal.version, reason_code="not_our_duty", at=at(2024, 5, 7))
    perform(appeal, "reassign", centre, appeal.version, data={"lead_unit": demo.units["城管局"].pk},
            at=at(2024, 5, 9))
    appeal = Appeal.objects.get(pk=appeal.pk)
    assert appeal.lead_unit == demo.units["城管局"]
    assert appeal.paused_workdays == 2
    assert appeal.due_date == datetime.date(2024, 5, 15)


def test_a_bounce_without_a_reason_or_after_two_working_days_is_refused(make_appeal, town_a):
    appeal = make_appeal(when=at(2024, 5, 6))
    with pytest.raises(ValidationError):
        perform(appeal, "bounce", town_a, appeal.version, at=at(2024, 5, 7))
    with pytest.raises(ValidationError):
        perform(appeal, "bounce", town_a, appeal.version, reason_code="not_our_duty", at=at(2024, 5, 9))


def test_after_arbitration_the_unit_cannot_bounce_again(make_appeal, centre, town_a):
    appeal = make_appeal(when=at(2024, 5, 6))
    perform(appeal, "bounce", town_a, appeal.version, reason_code="not_our_duty", at=at(2024, 5, 7))
    with pytest.raises(ValidationError):
        perform(appeal, "arbitrate", centre, appeal.version, at=at(2024, 5, 7))  # needs a note
    perform(appeal, "arbitrate", centre, appeal.version, note="属地管理，由罗家镇办理", at=at(2024, 5, 7))
    with pytest.raises(ValidationError) as exc:
        perform(appeal, "bounce", town_a, appeal.version, reason_code="not_our_duty", at=at(2024, 5, 8))
    assert "仲裁" in str(exc.value)


def test_only_the_centre_may_arbitrate(make_appeal, town_a, town_b):
    appeal = make_appeal(when=at(2024, 5, 6))
    perform(appeal, "bounce", town_a, appeal.version, reason_code="not_our_duty", at=at(2024, 5, 7))
    with pytest.raises(PermissionDenied):
        perform(appeal, "arbitrate", town_a, appeal.version, note="x", at=at(2024, 5, 7))


def test_reply_closes_with_the_category_template_when_empty(make_appeal, town_a):
    appeal = make_appeal(when=at(2024, 5, 6))
    perform(appeal, "accept", town_a, appeal.version, at=at(2024, 5, 6))
    with pytest.raises(ValidationError):
        perform(appeal, "reply", town_a, appeal.version, data={}, at=at(2024, 5, 8))
    perform(appeal, "reply", town_a, appeal.version, data={"outcome": "solved"}, at=at(2024, 5, 8))
    appeal = Appeal.objects.get(pk=appeal.pk)
    assert appeal.state == ItemState.CLOSED and appeal.closed_on_time is True
    assert appeal.number in appeal.reply and "罗家镇" in appeal.reply


def test_a_subjective_dissatisfaction_reopens_once(make_appeal, town_a, centre):
    appeal = make_appeal(when=at(2024, 5, 6))
    perform(appeal, "accept", town_a, appeal.version, at=at(2024, 5, 6))
    perform(appeal, "reply", town_a, appeal.version, data={"outcome": "solved", "reply": "已清运"}, at=at(2024, 5, 7))
    perform(appeal, "rate", centre, appeal.version, data={"satisfaction": "dissatisfied",
                                                          "dissatisfaction_reason": "subjective"}, at=at(2024, 5, 8))
    appeal = Appeal.objects.get(pk=appeal.pk)
    assert appeal.state == ItemState.IN_PROGRESS and appeal.reopened_for_dissatisfaction
    perform(appeal, "reply", town_a, appeal.version, data={"outcome": "solved", "reply": "再次清运"}, at=at(2024, 5, 9))
    perform(appeal, "rate", centre, appeal.version, data={"satisfaction": "dissatisfied",
                                                          "dissatisfaction_reason": "subjective"}, at=at(2024, 5, 10))
    appeal = Appeal.objects.get(pk=appeal.pk)
    assert appeal.state == ItemState.CLOSED and appeal.satisfaction == "dissatisfied"


def test_an_objective_dissatisfaction_does_not_reopen(make_appeal, town_a, centre):
    appeal = make_appeal(when=at(2024, 5, 6))
    perform(appeal, "accept", town_a, appeal.version, at=at(2024, 5, 6))
    perform(appeal, "reply", town_a, appeal.version, data={"outcome": "explained", "reply": "政策规定"}, at=at(2024, 5, 7))
    perform(appeal, "follow_up", centre, appeal.version, note="电话回访",
            data={"satisfaction": "dissatisfied", "dissatisfaction_reason": "objective"}, at=at(2024, 5, 8))
    appeal = Appeal.objects.get(pk=appeal.pk)
    assert appeal.state == ItemState.CLOSED and appeal.follow_up_note == "电话回访"


def test_an_extension_keeps_both_deadlines(make_appeal, town_a, centre):
    appeal = make_appeal(when=at(2024, 5, 6))
    perform(appeal, "accept", town_a, appeal.version, at=at(2024, 5, 6))
    row = perform(appeal, "request_extension", town_a, appeal.version, note="需协调",
                  data={"due_date": "2024-05-20"}, at=at(2024, 5, 7))
    perform(appeal, "decide_extension", centre, appeal.version,
            data={"extension_id": row.data["extension_id"], "decision": "approve"}, at=at(2024, 5, 8))
    appeal = Appeal.objects.get(pk=appeal.pk)
    assert (appeal.original_due_date, appeal.due_date) == (datetime.date(2024, 5, 13), datetime.date(2024, 5, 20))


def test_the_audit_diff_of_an_appeal_masks_the_requester(make_appeal):
    from audit.models import AuditLog

    appeal = make_appeal()
    log = AuditLog.objects.filter(object_id=str(appeal.pk), action="create").first()
    text = str(log.after)
    assert "13812345678" not in text and "138****5678" in text and "张三丰" not in text


def test_the_reply_and_rating_are_in_the_audit_log(make_appeal, town_a, centre):
    """The appeal's own fields are in perform()'s one audit row of the action (its diff covers the kind's row)."""
    from audit.models import AuditLog

    appeal = make_appeal(when=at(2024, 5, 6))
    perform(appeal, "accept", town_a, appeal.version, at=at(2024, 5, 6))
    perform(appeal, "reply", town_a, appeal.version, data={"outcome": "solved", "reply": "已清运"}, at=at(2024, 5, 7))
    log = AuditLog.objects.filter(action="workflow", object_id=str(appeal.pk), message__startswith="reply").get()
    assert log.after["outcome"] == "solved" and log.after["reply"] == "已清运" and log.before["outcome"] == ""
    assert log.after["state"] == "closed"  # the Item's fields and the appeal's in the same row
    perform(appeal, "rate", centre, appeal.version, data={"satisfaction": "satisfied"}, at=at(2024, 5, 8))
    log = AuditLog.objects.filter(action="workflow", object_id=str(appeal.pk), message__startswith="rate").get()
    assert log.after["satisfaction"] == "satisfied" and log.before["satisfaction"] == ""


def _submitted_by_the_centre(make_appeal, centre, demo):
    """A work order the 12345 operator registered for their own unit (区政府办): they are both 交办方 and
    责任单位, so they could submit it and approve it themselves."""
    appeal = make_appeal(category="social", area=None, when=at(2024, 5, 6))
    assert appeal.lead_unit == demo.units["区政府办"] == centre.unit
    perform(appeal, "accept", centre, appeal.version, at=at(2024, 5, 6))
    perform(appeal, "submit", centre, appeal.version, at=at(2024, 5, 7))
    return appeal


@pytest.mark.parametrize("action", ["approve", "return"])
def test_nobody_reviews_a_work_order_they_submitted(make_appeal, centre, demo, action):
    """Separation of duties on the appeal's own 审核办结/退回 rows (was: the operator closed their own work)."""
    from audit.models import AuditLog
    from items.workflow import available_actions

    appeal = _submitted_by_the_centre(make_appeal, centre, demo)
    assert action not in [t.action for t in available_actions(appeal, centre)]
    with pytest.raises(PermissionDenied) as exc:
        perform(appeal, action, centre, appeal.version, note="自己审核", at=at(2024, 5, 8))
    assert "须由他人办理" in str(exc.value)
    assert Appeal.objects.get(pk=appeal.pk).state == ItemState.SUBMITTED
    assert AuditLog.objects.filter(outcome="denied", object_id=str(appeal.pk), message__startswith=action).exists()


def test_another_operator_of_the_centre_reviews_it(make_appeal, centre, demo):
    from accounts.models import User
    from org.models import Person, Post, Seat

    seat = Seat.objects.filter(person=centre.person).first()
    person = Person.objects.create(name="李敏", unit=centre.unit, title="12345热线中心话务员")
    Seat.objects.create(mechanism=seat.mechanism, body=seat.body, person=person, post=Post.MEMBER)
    colleague = User.objects.create_user(username="centre2", password="x-Taizhang@2023", person=person,
                                         unit=centre.unit)
    colleague.roles.set(centre.roles.all())
    appeal = _submitted_by_the_centre(make_appeal, centre, demo)
    perform(appeal, "approve", colleague, appeal.version, data={"outcome": "solved", "reply": "已办结"},
            at=at(2024, 5, 8))
    appeal = Appeal.objects.get(pk=appeal.pk)
    assert appeal.state == ItemState.CLOSED and appeal.outcome == "solved"


def test_a_sign_for_deadline_that_passed_is_counted(make_appeal, leader):
    from appeals import selectors

    make_appeal(when=at(2024, 5, 6))
    assert selectors.figures(selectors.appeals_visible(leader))["counts"]["sign_overdue"] == 1
