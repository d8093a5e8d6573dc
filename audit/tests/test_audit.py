"""The audit log: written with every change in the same transaction, personal data masked, refused
UPDATE/DELETE by the database itself, a hash chain that exposes tampering, a page for the auditor only."""
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from audit import triggers
from audit.models import AuditAction, AuditLog
from audit.services import audit_record, audit_verify
from core.requestcontext import use_context
from org import services
from org.models import AreaLevel, Person


def new_rows(start):
    return list(AuditLog.objects.filter(id__gt=start).order_by("id"))


@pytest.fixture
def mark(db):
    """The id of the newest audit row before the test acts."""
    return AuditLog.objects.order_by("-id").values_list("id", flat=True).first() or 0


# ---------------------------------------------------------------- written with every change


def test_create_update_and_delete_each_write_an_audit_row(demo, admin_user, mark):
    area = services.area_save(actor=admin_user, data={"name": "审计村", "level": AreaLevel.VILLAGE,
                                                       "parent": demo.areas["罗家镇"]})
    area = services.area_save(actor=admin_user, area=area, data={"code": "360111100"}, expected_version=area.version)
    services.object_delete(actor=admin_user, obj=area, expected_version=area.version)

    rows = new_rows(mark)
    assert [r.action for r in rows] == [AuditAction.CREATE, AuditAction.UPDATE, AuditAction.DELETE]
    assert {(r.object_type, r.object_id, r.username) for r in rows} == {("org.area", str(area.pk), "admin")}
    created, updated, deleted = rows
    assert created.after["name"] == "审计村" and created.before is None
    assert updated.before == {"code": ""} and updated.after == {"code": "360111100"}  # only what changed
    assert deleted.before["name"] == "审计村" and deleted.after is None


def test_a_rolled_back_service_call_leaves_no_audit_row(demo, admin_user, mark):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.person_save(actor=admin_user, data={"name": "回滚人", "unit": demo.units["住建局"]})
        raise RuntimeError("the caller's transaction fails after the service returned")
    assert new_rows(mark) == []
    assert not Person.objects.filter(name="回滚人").exists()


def test_a_refused_service_call_leaves_no_audit_row(demo, admin_user, mark):
    with pytest.raises(Exception):  # noqa: B017 - whatever the refusal, nothing may be written
        services.mechanism_copy(actor=admin_user, source=demo.mechanism, year=2023)
    assert new_rows(mark) == []


def test_a_mechanism_copy_is_audited_row_by_row_under_one_request_id(demo, admin_user, mark):
    with use_context(user=admin_user, source="command"):  # as a command or a request sets it
        services.mechanism_copy(actor=admin_user, source=demo.mechanism, year=2031)
    rows = new_rows(mark)
    assert {r.object_type for r in rows} == {"org.mechanism", "org.body", "org.seat"}
    assert len({r.request_id for r in rows}) == 1


def test_page_edits_record_ip_unit_and_source(demo, admin_user, client_for, mark):
    person = demo.people["刘思远"]
    response = client_for(admin_user).post(f"/people/{person.pk}/edit/", {
        "name": person.name, "unit": person.unit_id, "title": "副科长", "phone": person.phone,
        "sort_order": person.sort_order, "is_active": "on", "expected_version": person.version})
    assert response.status_code == 302
    (row,) = [r for r in new_rows(mark) if r.action != AuditAction.LOGIN]  # force_login is audited too
    assert (row.action, row.ip, row.source, row.unit_name) == (AuditAction.UPDATE, "127.0.0.1", "page", "区政府办")
    assert row.after == {"title": "副科长"}


def test_an_export_is_audited(demo, leader, client_for, mark):
    response = client_for(leader).get("/people/?q=局长&export=xlsx")
    assert response.status_code == 200
    (row,) = [r for r in new_rows(mark) if r.action != AuditAction.LOGIN]
    assert row.action == AuditAction.EXPORT and row.username == "leader" and "q=" in row.message


# ---------------------------------------------------------------- personal data


def test_personal_data_is_masked_in_the_audit_log(demo, admin_user, mark):
    person = services.person_save(actor=admin_user, data={"name": "测试人", "unit": demo.units["住建局"],
                                                          "phone": "13912345678"})
    services.person_save(actor=admin_user, person=person, data={"phone": "13687654321"},
                         expected_version=person.version)
    created, updated = new_rows(mark)
    assert created.after["phone"] == "139****5678"
    assert updated.before == {"phone": "139****5678"} and updated.after == {"phone": "136****4321"}
    raw = str([(r.before, r.after, r.message, r.object_repr) for r in (created, updated)])
    assert "13912345678" not in raw and "13687654321" not in raw


# ---------------------------------------------------------------- the database refuses changes


def _one_row_id():
    return AuditLog.objects.order_by("id").values_list("id", flat=True).first()


@pytest.mark.parametrize("sql", [
    "UPDATE audit_auditlog SET username = 'intruder' WHERE id = %s",
    "DELETE FROM audit_auditlog WHERE id = %s",
])
def test_the_database_refuses_to_change_an_audit_row(demo, sql):
    pk = _one_row_id()
    before = AuditLog.objects.get(pk=pk)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [pk])
    after = AuditLog.objects.get(pk=pk)
    assert (after.username, after.hash) == (before.username, before.hash)


def test_the_orm_cannot_delete_audit_rows_either(demo):
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditLog.objects.all().delete()
    assert AuditLog.objects.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE exists on PostgreSQL only")
def test_postgresql_refuses_to_truncate_the_audit_log(demo):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE audit_auditlog")
    assert AuditLog.objects.exists()


# ---------------------------------------------------------------- the hash chain


def verify():
    out, err = StringIO(), StringIO()
    call_command("audit_verify", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_an_intact_chain_verifies(demo, admin_user):
    services.person_save(actor=admin_user, data={"name": "链上人", "unit": demo.units["财政局"], "phone": "13800000000"})
    out, err = verify()
    assert "intact" in out and err == ""
    assert audit_verify() == []


def test_the_chain_survives_a_database_round_trip_of_awkward_json(demo):
    """Key order, floats (integral, tiny, huge), unicode, nesting: what the database returns must hash the same."""
    audit_record(action=AuditAction.UPDATE, object_type="test.awkward", object_repr="JSON 往返",
                 before={"z": 1, "a": [1.0, 0.1, 1e20, 1.5e-7, -0.0], "中文": {"b": None, "a": True}},
                 after={"n": 12345678901234567890, "s": "引号\"与\\反斜杠", "f": 3.141592653589793})
    assert audit_verify() == []


def test_tampering_with_the_triggers_dropped_is_detected(demo):
    pk = AuditLog.objects.filter(action=AuditAction.CREATE).order_by("id").values_list("id", flat=True)[3]
    triggers.remove(connection)
    try:
        with connection.cursor() as cursor:
            cursor.execute("UPDATE audit_auditlog SET object_repr = 'tampered' WHERE id = %s", [pk])
    finally:
        triggers.install(connection)
    with pytest.raises(CommandError, match="audit chain broken"):
        verify()
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("audit_verify", stdout=StringIO(), stderr=err)
    assert f"row {pk}: content does not match its hash" in err.getvalue()
    # and the triggers are back
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditlog WHERE id = %s", [pk])


def test_a_removed_row_is_detected(demo):
    pk = AuditLog.objects.order_by("id").values_list("id", flat=True)[5]
    triggers.remove(connection)
    try:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditlog WHERE id = %s", [pk])
    finally:
        triggers.install(connection)
    problems = audit_verify()
    assert problems and "prev_hash" in problems[0][1]


def test_rows_cut_off_at_the_end_are_detected(demo):
    pk = AuditLog.objects.order_by("-id").values_list("id", flat=True).first()
    triggers.remove(connection)
    try:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditlog WHERE id = %s", [pk])
    finally:
        triggers.install(connection)
    assert any(row is None and "chain head" in problem for row, problem in audit_verify())


# ---------------------------------------------------------------- the audit page (三员分立)


def test_the_auditor_may_search_the_audit_log(demo, auditor, client_for):
    client = client_for(auditor)
    response = client.get("/audit/")
    assert response.status_code == 200
    assert "审计日志" in response.content.decode()
    response = client.get("/audit/?action=login_failed&q=nobody")
    assert response.status_code == 200


@pytest.mark.parametrize("persona", ["admin_user", "leader", "supervisor", "town_a", "dept"])
def test_nobody_but_the_auditor_may_open_the_audit_log(request, client_for, persona):
    user = request.getfixturevalue(persona)
    assert client_for(user).get("/audit/").status_code == 403
    assert client_for(user).get("/audit/?export=xlsx").status_code == 403


def test_the_audit_log_is_not_in_the_sidebar_of_others(demo, admin_user, auditor, client_for):
    assert "/audit/" not in client_for(admin_user).get("/").content.decode()
    assert "/audit/" in client_for(auditor).get("/").content.decode()


def test_an_anonymous_visitor_is_sent_to_login(client, db):
    response = client.get("/audit/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
