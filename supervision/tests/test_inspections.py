"""Inspections and the 督查日 schedule: Wednesdays by default, moved past holidays, uploads checked."""
import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.errors import PermissionDenied, ValidationError
from items.models import ItemState, WorkCalendarDay
from items.workflow import available_actions
from supervision import services
from supervision.models import InspectionSchedule

from .factories import accepted, finding, inspection, photo, rectified

pytestmark = [pytest.mark.django_db, pytest.mark.dates]


def test_the_schedule_plans_wednesdays_and_moves_a_holiday_to_the_next_working_day(supervisor):
    schedule = InspectionSchedule.objects.create()
    assert schedule.weekday == 2  # 周三督查日
    monday = datetime.date(2031, 9, 29)
    WorkCalendarDay.objects.create(date=datetime.date(2031, 10, 1), is_workday=False, name="国庆节")
    WorkCalendarDay.objects.create(date=datetime.date(2031, 10, 2), is_workday=False, name="国庆节")
    WorkCalendarDay.objects.create(date=datetime.date(2031, 10, 3), is_workday=False, name="国庆节")
    from items.calendar import clear_cache

    clear_cache()
    days = services.schedule_dates(schedule, start=monday, count=3)
    assert days == [datetime.date(2031, 10, 6), datetime.date(2031, 10, 8), datetime.date(2031, 10, 15)]
    planned = services.schedule_plan(actor=supervisor, schedule=schedule, count=3, start=monday)
    assert [i.date for i in planned] == days and all(i.state == "planned" for i in planned)
    assert services.schedule_plan(actor=supervisor, schedule=schedule, count=3, start=monday) == []  # no duplicates


def test_the_weekday_is_editable_and_validated(supervisor):
    schedule = InspectionSchedule.objects.create()
    schedule = services.schedule_update(actor=supervisor, schedule=schedule, expected_version=schedule.version,
                                        weekday=4)
    assert schedule.weekday == 4
    with pytest.raises(ValidationError):
        services.schedule_update(actor=supervisor, schedule=schedule, expected_version=schedule.version, weekday=9)


def test_an_inspection_is_planned_held_then_written_up(supervisor, demo):
    insp = inspection(supervisor, [demo.units["罗家镇"]])
    with pytest.raises(ValidationError):
        services.inspection_write_up(actor=supervisor, inspection=insp, expected_version=insp.version, record="")
    insp = services.inspection_hold(actor=supervisor, inspection=insp, expected_version=insp.version)
    insp = services.inspection_write_up(actor=supervisor, inspection=insp, expected_version=insp.version,
                                        record="现场查看了3个工地。")
    assert insp.state == "written_up" and insp.held_at and insp.written_up_at


def test_a_future_inspection_cannot_be_recorded_as_held(supervisor):
    insp = inspection(supervisor, day=datetime.date.today() + datetime.timedelta(days=3))
    with pytest.raises(ValidationError):
        services.inspection_hold(actor=supervisor, inspection=insp, expected_version=insp.version)


def test_units_cannot_plan_inspections(town_a):
    with pytest.raises(PermissionDenied):
        services.inspection_create(actor=town_a, date=datetime.date.today(), title="x")


def test_a_refused_write_is_audited_as_denied_and_leaves_nothing_behind(town_a, demo):
    from audit.models import AuditLog, AuditOutcome
    from supervision.models import Inspection

    before = AuditLog.objects.filter(outcome=AuditOutcome.DENIED).count()
    with pytest.raises(PermissionDenied):
        services.inspection_create(actor=town_a, date=datetime.date.today(), title="镇里自己安排的督查")
    denied = AuditLog.objects.filter(outcome=AuditOutcome.DENIED).order_by("-pk")
    assert denied.count() == before + 1 and "安排督查" in denied.first().message
    assert not Inspection.objects.filter(title="镇里自己安排的督查").exists()


def test_changing_an_inspection_needs_the_version(supervisor, demo):
    from core.errors import Conflict, PreconditionRequired

    insp = inspection(supervisor, [demo.units["罗家镇"]])
    with pytest.raises(PreconditionRequired):
        services.inspection_hold(actor=supervisor, inspection=insp, expected_version=None)
    with pytest.raises(Conflict):
        services.inspection_update(actor=supervisor, inspection=insp, expected_version=insp.version + 1, title="y")
    insp.refresh_from_db()
    assert insp.state == "planned" and insp.title != "y"


def test_inspection_photos_are_checked_by_content(supervisor):
    insp = inspection(supervisor)
    p = services.inspection_add_photo(actor=supervisor, inspection=insp, file=photo("scene.png"), caption="现场")
    assert p.content_type == "image/png" and len(p.sha256) == 64
    exe = SimpleUploadedFile("scene.jpg", b"MZ\x90\x00" + b"\x00" * 100, content_type="image/jpeg")
    with pytest.raises(ValidationError):
        services.inspection_add_photo(actor=supervisor, inspection=insp, file=exe)
    assert insp.photos.count() == 1


@pytest.mark.parametrize("state, town_actions, supervisor_actions", [
    (ItemState.ASSIGNED, {"accept", "bounce", "comment"}, {"urge", "escalate", "comment"}),
    (ItemState.IN_PROGRESS, {"rectify"}, {"urge", "escalate", "comment"}),
    (ItemState.RECTIFIED, {"comment"}, {"verify", "fail_verification", "urge", "escalate", "comment"}),
    (ItemState.STRUCK_OFF, {"comment"}, {"review_again", "comment"}),
])
def test_each_state_offers_the_right_buttons(state, town_actions, supervisor_actions, supervisor, town_a, demo):
    from items.services import perform

    f = finding(supervisor, demo.units["罗家镇"])
    if state == ItemState.IN_PROGRESS:
        f = accepted(f, town_a)
    if state in (ItemState.RECTIFIED, ItemState.STRUCK_OFF):
        f = rectified(f, town_a)
    if state == ItemState.STRUCK_OFF:
        perform(f, "verify", supervisor, f.version)
        f.refresh_from_db()
    assert f.state == state
    town = {t.action for t in available_actions(f, town_a)}
    sup = {t.action for t in available_actions(f, supervisor)}
    assert town_actions <= town and "verify" not in town and "submit" not in town
    assert supervisor_actions <= sup and "rectify" not in sup
