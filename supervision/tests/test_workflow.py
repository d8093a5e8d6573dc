"""A finding's life: found → rectified with evidence → verified by someone outside the unit → struck off."""
import datetime

import pytest
from django.utils import timezone

from core.errors import PermissionDenied, ValidationError
from items.models import Attachment, ItemState
from items.services import perform
from supervision import services
from supervision.models import Finding

from .factories import accepted, finding, rectified

pytestmark = [pytest.mark.django_db, pytest.mark.dates]


def test_a_finding_is_assigned_to_its_unit_with_a_working_day_deadline(supervisor, demo):
    from items.calendar import add_workdays

    f = finding(supervisor, demo.units["罗家镇"], rectify_workdays=5)
    assert f.state == ItemState.ASSIGNED and f.number.startswith("DC-")
    assert f.due_date == add_workdays(f.found_on, 5)
    assert f.inspection.state == "held"
    assert demo.units["罗家镇"] in f.inspection.target_units.all()


def test_the_town_rectifies_with_evidence_and_a_supervisor_strikes_it_off(supervisor, town_a, demo):
    f = rectified(finding(supervisor, demo.units["罗家镇"]), town_a)
    assert f.state == ItemState.RECTIFIED and f.rectified_at is not None
    assert Attachment.objects.filter(item=f, action__action="rectify").count() == 2
    perform(f, "verify", supervisor, f.version)
    f = Finding.objects.get(pk=f.pk)
    assert f.state == ItemState.STRUCK_OFF and f.verified_by == supervisor and f.closed_at is not None


def test_it_refuses_rectification_without_evidence(supervisor, town_a, demo):
    f = accepted(finding(supervisor, demo.units["罗家镇"]), town_a)
    with pytest.raises(ValidationError) as exc:
        services.finding_rectify(actor=town_a, finding=f, expected_version=f.version, before=[], after=[])
    assert "佐证材料" in str(exc.value)
    f.refresh_from_db()
    assert f.state == ItemState.IN_PROGRESS


def test_it_refuses_an_exe_renamed_jpg_as_evidence(supervisor, town_a, demo):
    from django.core.files.uploadedfile import SimpleUploadedFile

    f = accepted(finding(supervisor, demo.units["罗家镇"]), town_a)
    fake = SimpleUploadedFile("after.jpg", b"MZ\x90\x00\x03" + b"\x00" * 200, content_type="image/jpeg")
    with pytest.raises(ValidationError):
        services.finding_rectify(actor=town_a, finding=f, expected_version=f.version, after=[fake])
    f.refresh_from_db()
    assert f.state == ItemState.IN_PROGRESS and not f.attachments.exists()


def test_the_rectifying_town_cannot_strike_off_its_own_finding(supervisor, town_a, demo):
    f = rectified(finding(supervisor, demo.units["罗家镇"]), town_a)
    with pytest.raises(PermissionDenied):
        perform(f, "verify", town_a, f.version)
    f.refresh_from_db()
    assert f.state == ItemState.RECTIFIED


def test_a_supervisor_working_in_the_rectifying_unit_cannot_strike_it_off(supervisor, demo):
    unit = supervisor.unit  # 区委督查室 rectifies a finding about itself
    f = rectified(finding(supervisor, unit), supervisor)
    with pytest.raises(PermissionDenied) as exc:
        perform(f, "verify", supervisor, f.version)
    assert "整改单位" in str(exc.value.message)
    f.refresh_from_db()
    assert f.state == ItemState.RECTIFIED


def test_it_refuses_to_strike_off_without_evidence(supervisor, town_a, demo):
    f = accepted(finding(supervisor, demo.units["罗家镇"]), town_a)
    # a caller going around finding_rectify claims evidence but sends no file
    perform(f, "rectify", town_a, f.version, data={"evidence": {"after": ["x.png"]}})
    f.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        perform(f, "verify", supervisor, f.version)
    assert "佐证材料" in str(exc.value)
    f.refresh_from_db()
    assert f.state == ItemState.RECTIFIED


def test_a_failed_verification_sends_it_back_and_old_evidence_no_longer_counts(supervisor, town_a, demo):
    f = rectified(finding(supervisor, demo.units["罗家镇"]), town_a)
    with pytest.raises(ValidationError):
        perform(f, "fail_verification", supervisor, f.version)  # the reason is required
    perform(f, "fail_verification", supervisor, f.version, note="围挡仍有缺口")
    f.refresh_from_db()
    assert f.state == ItemState.IN_PROGRESS
    perform(f, "rectify", town_a, f.version, data={"evidence": {"after": ["again.png"]}})
    f.refresh_from_db()
    with pytest.raises(ValidationError):
        perform(f, "verify", supervisor, f.version)


def test_submit_for_review_is_withdrawn_for_findings(supervisor, town_a, demo):
    from audit.models import AuditLog, AuditOutcome
    from items.workflow import available_actions

    f = accepted(finding(supervisor, demo.units["罗家镇"]), town_a)
    assert "submit" not in {t.action for t in available_actions(f, town_a)}  # no button on any page
    denied = AuditLog.objects.filter(outcome=AuditOutcome.DENIED).count()
    with pytest.raises(ValidationError) as exc:
        perform(f, "submit", town_a, f.version)
    assert "整改" in str(exc.value)
    f.refresh_from_db()
    assert f.state == ItemState.IN_PROGRESS and not f.actions.filter(action="submit").exists()
    assert AuditLog.objects.filter(outcome=AuditOutcome.DENIED).count() == denied + 1


def test_review_again_reopens_a_struck_off_finding_only_after_n_days(supervisor, town_a, demo, settings):
    settings.TAIZHANG_SUPERVISION_REVIEW_AFTER_DAYS = 30
    f = rectified(finding(supervisor, demo.units["罗家镇"]), town_a)
    perform(f, "verify", supervisor, f.version)
    f.refresh_from_db()
    with pytest.raises(ValidationError):
        perform(f, "review_again", supervisor, f.version, note="问题反弹")
    later = timezone.now() + datetime.timedelta(days=31)
    perform(f, "review_again", supervisor, f.version, note="问题反弹", at=later)
    f = Finding.objects.get(pk=f.pk)
    assert f.state == ItemState.IN_PROGRESS and f.verified_at is None and f.due_date > f.found_on


def test_only_supervisors_record_findings(town_a, demo):
    with pytest.raises(PermissionDenied):
        services.finding_create(actor=town_a, title="x", lead_unit=demo.units["塘山镇"])


def test_a_red_item_becomes_a_finding_in_one_step(supervisor, leader, demo):
    from items.services import item_create

    item = item_create(actor=leader, kind="task", title="背街小巷整治", lead_unit=demo.units["塘山镇"],
                       due_date=datetime.date.today() - datetime.timedelta(days=3), assign=True,
                       extra={"target": "整治20条", "year": 2023})
    f = services.finding_from_item(actor=supervisor, item=item)
    assert f.source_item_id == item.pk and f.lead_unit == demo.units["塘山镇"] and f.category == "progress"
    assert item.actions.filter(action="comment", data__finding_id=f.pk).exists()
    with pytest.raises(ValidationError):
        services.finding_from_item(actor=supervisor, item=item)  # one open finding per item


def test_the_audit_row_of_a_verification_shows_who_verified(supervisor, town_a, demo):
    """The handler's .update() of the finding's own fields (verified_by, verified_at) was missing from the
    audit diff: perform() snapshotted only the base Item."""
    from audit.models import AuditAction, AuditLog

    f = rectified(finding(supervisor, demo.units["罗家镇"]), town_a)
    perform(f, "verify", supervisor, f.version)
    row = AuditLog.objects.filter(action=AuditAction.WORKFLOW, object_id=str(f.pk)).order_by("-pk").first()
    assert row.message.startswith("verify")
    assert row.before["verified_by"] is None and row.after["verified_by"] == supervisor.pk
    assert row.before["verified_at"] is None and row.after["verified_at"]
    assert row.before["state"] == ItemState.RECTIFIED and row.after["state"] == ItemState.STRUCK_OFF
