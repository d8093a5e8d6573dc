"""perform() and item_create(): compare-and-swap, idempotency, numbering — also under real concurrency
(threads with their own database connections, on SQLite and on PostgreSQL)."""
import datetime
import threading

import pytest
from django.db import connections
from django.utils import timezone

from audit.models import AuditAction, AuditLog
from core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from items import services
from items.models import Attachment, Item, ItemAction, ItemState, Notification, ProgressReport

from .engine_fixtures import KIND, engine_kind, make_item_fixture  # noqa: F401

pytestmark = pytest.mark.dates


def test_item_create_numbers_items_per_prefix_and_year(demo, make_item):
    a, b = make_item(), make_item()
    year = timezone.localdate().year
    assert a.number == f"TZ-{year}-{int(a.number[-4:]):04d}"
    assert int(b.number[-4:]) == int(a.number[-4:]) + 1


def test_item_create_falls_back_to_prefix_sx_without_a_kind_spec(demo, taskforce, monkeypatch):
    from items.kinds import KINDS

    monkeypatch.delitem(KINDS, KIND)
    item = services.item_create(actor=taskforce, kind=KIND, title="无登记类别", lead_unit=demo.units["罗家镇"],
                                owning_body=demo.bodies["扫楼扫街专班"])
    assert item.number.startswith("SX-") and item.state == ItemState.DRAFT and type(item) is Item


def test_item_create_refuses_a_body_the_actor_does_not_sit_in(demo, town_b):
    with pytest.raises(PermissionDenied):
        services.item_create(actor=town_b, kind=KIND, title="越权", lead_unit=demo.units["罗家镇"],
                             owning_body=demo.bodies["扫楼扫街专班"])


def test_item_create_lets_a_town_create_for_its_villages(demo, town_a, town_b):
    item = services.item_create(actor=town_a, kind=KIND, title="村级台账", lead_unit=demo.units["谢埠村"])
    assert item.area == demo.units["谢埠村"].area
    with pytest.raises(PermissionDenied):
        services.item_create(actor=town_b, kind=KIND, title="越权", lead_unit=demo.units["谢埠村"])


def test_item_create_with_assign_writes_the_timeline_and_audit(demo, make_item):
    item = make_item()
    assert item.state == ItemState.ASSIGNED and item.assigned_at and item.light == "green"
    assert list(item.actions.values_list("action", flat=True)) == ["assign"]
    assert AuditLog.objects.filter(object_id=str(item.pk), action=AuditAction.WORKFLOW).exists()


def test_a_stale_version_is_refused_with_conflict_and_nothing_changes(demo, make_item, town_a):
    item = make_item()
    stale = item.version
    services.perform(item, "comment", town_a, stale, note="第一条")
    with pytest.raises(Conflict) as exc:
        services.perform(item, "accept", town_a, stale)
    assert exc.value.status_code == 409
    item.refresh_from_db()
    assert item.state == ItemState.ASSIGNED and item.actions.count() == 2


def test_perform_outside_the_scope_is_not_found(demo, make_item, town_b):
    item = make_item()
    with pytest.raises(NotFound):
        services.perform(item, "accept", town_b, item.version)


def test_a_repeated_request_key_returns_the_first_row(demo, make_item, town_a):
    item = make_item()
    first = services.perform(item, "comment", town_a, item.version, note="一次", request_key="k-1")
    again = services.perform(item.pk, "comment", town_a, 1, note="一次", request_key="k-1")
    assert again.pk == first.pk
    assert ItemAction.objects.filter(item=item, request_key="k-1").count() == 1


def test_report_writes_one_report_per_period_and_prefills(demo, make_item, town_a):
    from items.periods import period_of
    from items.selectors import report_initial

    item = make_item()
    services.perform(item, "accept", town_a, item.version)
    at = timezone.now()
    services.perform(item, "report", town_a, item.version, data={"percent": 30, "narrative": "第一次"}, at=at)
    services.perform(item, "report", town_a, item.version, data={"percent": 35, "narrative": "更正"}, at=at)
    reports = ProgressReport.objects.filter(item=item)
    assert reports.count() == 1 and reports.get().percent == 35
    item.refresh_from_db()
    assert item.progress_percent == 35 and item.last_report_on == period_of(at).start
    assert report_initial(item)["narrative"] == "更正"


def test_a_report_after_the_due_day_of_a_31_day_month_is_late(demo, make_item, town_a):
    item = make_item(due_date=datetime.date(2024, 12, 31))
    services.perform(item, "accept", town_a, item.version, at=datetime.datetime(2024, 1, 2, 2, tzinfo=datetime.UTC))
    at = datetime.datetime(2024, 1, 31, 3, tzinfo=datetime.UTC)  # 31 Jan, 11:00 in Shanghai: due was the 30th
    row = services.perform(item, "report", town_a, item.version, data={"percent": 10, "narrative": "晚了"}, at=at)
    assert row.data["is_late"] is True and ProgressReport.objects.get(item=item).is_late


def test_notifications_are_sent_on_commit_only(demo, make_item, town_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        item = make_item()
    assert not Notification.objects.filter(item=item).exists()
    for cb in callbacks:
        cb()
    assert Notification.objects.filter(item=item, user=town_a, verb="assign").exists()


def test_attachments_are_checked_and_stored_with_the_action(demo, make_item, town_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    item = make_item()
    good = SimpleUploadedFile("说明.txt", "进展说明".encode())
    row = services.perform(item, "comment", town_a, item.version, note="附件", files=[good])
    att = Attachment.objects.get(action=row)
    assert att.content_type == "text/plain" and len(att.sha256) == 64
    bad = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00" + b"\x00" * 100)
    with pytest.raises(ValidationError):
        services.perform(item, "comment", town_a, item.version, note="坏附件", files=[bad])
    assert item.actions.count() == 2


def test_item_update_fields_uses_cas_and_limits_fields(demo, make_item, taskforce, town_a):
    item = make_item()
    updated = services.item_update_fields(item=item, actor=taskforce, expected_version=item.version,
                                          changes={"title": "新标题"})
    assert updated.title == "新标题" and updated.version == item.version + 1
    with pytest.raises(Conflict):
        services.item_update_fields(item=item, actor=taskforce, expected_version=item.version, changes={"title": "x"})
    with pytest.raises(ValidationError):
        services.item_update_fields(item=item, actor=taskforce, expected_version=updated.version,
                                    changes={"state": "closed"})
    with pytest.raises(PermissionDenied):
        services.item_update_fields(item=item, actor=town_a, expected_version=updated.version,
                                    changes={"title": "y"})


# --- real concurrency: threads with their own connections ---------------------------------------------

@pytest.fixture
def restore_demo(django_db_blocker):
    """Set up before transactional_db so that it tears down after the flush: reload the session's demo
    organisation for the tests that follow."""
    yield
    from core.requestcontext import use_context
    from demo import org_demo
    from org.models import Area

    with django_db_blocker.unblock(), use_context(source="command"):
        if not Area.objects.exists():
            org_demo.load({})


def run_threads(n, target):
    """Run target(i) in n threads released together; return the results or exceptions."""
    barrier = threading.Barrier(n)
    results = [None] * n

    def worker(i):
        try:
            barrier.wait()
            results[i] = target(i)
        except Exception as exc:  # noqa: BLE001 — collected for the assertions
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def _committed_item(demo, taskforce):
    return services.item_create(actor=taskforce, kind=KIND, title="并发测试", lead_unit=demo.units["罗家镇"],
                                owning_body=demo.bodies["扫楼扫街专班"], assign=True,
                                due_date=timezone.localdate() + datetime.timedelta(days=30))


@pytest.mark.django_db(transaction=True)
def test_two_users_on_the_same_version_exactly_one_wins(restore_demo, transactional_db, demo, taskforce, town_a):
    item = _committed_item(demo, taskforce)
    version = item.version

    def act(i):
        if i == 0:
            return services.perform(item.pk, "accept", town_a, version)
        return services.perform(item.pk, "urge", taskforce, version, note="请尽快签收")

    results = run_threads(2, act)
    wins = [r for r in results if isinstance(r, ItemAction)]
    conflicts = [r for r in results if isinstance(r, Conflict)]
    assert len(wins) == 1 and len(conflicts) == 1, results
    assert Item.objects.get(pk=item.pk).version == version + 1


@pytest.mark.django_db(transaction=True)
def test_ten_identical_requests_with_one_key_make_one_timeline_row(restore_demo, transactional_db, demo,
                                                                    taskforce, town_a):
    item = _committed_item(demo, taskforce)
    version = item.version
    results = run_threads(10, lambda i: services.perform(item.pk, "accept", town_a, version, request_key="same-key"))
    assert all(isinstance(r, ItemAction) for r in results), results
    assert len({r.pk for r in results}) == 1
    assert ItemAction.objects.filter(item_id=item.pk, action="accept").count() == 1
    assert Item.objects.get(pk=item.pk).version == version + 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_creations_get_distinct_numbers(restore_demo, transactional_db, demo, taskforce):
    results = run_threads(6, lambda i: services.item_create(
        actor=taskforce, kind=KIND, title=f"并发编号{i}", lead_unit=demo.units["罗家镇"],
        owning_body=demo.bodies["扫楼扫街专班"]).number)
    assert all(isinstance(r, str) for r in results), results
    assert len(set(results)) == 6


def test_daily_digest_sends_one_mail_per_user_with_reminders(demo, make_item, town_a, mailoutbox,
                                                             django_capture_on_commit_callbacks):
    from items.notifications import send_daily_digests, unread_count

    town_a.email = "wangxy@example.org"
    town_a.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(3):
            make_item(title=f"事项{i}", due_date=timezone.localdate() + datetime.timedelta(days=1))
    assert unread_count(town_a) == 3
    assert send_daily_digests() == 1
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["wangxy@example.org"]
    body = mailoutbox[0].body
    assert "未读通知（3 条）" in body and "将于" in body
    # the notifications are not mailed twice
    send_daily_digests()
    assert "未读通知" not in (mailoutbox[-1].body if len(mailoutbox) > 1 else "")


def test_send_reminders_command_and_mark_read(demo, make_item, town_a, mailoutbox, capsys,
                                              django_capture_on_commit_callbacks):
    from django.core.management import call_command

    from items.notifications import mark_read, unread_count

    town_a.email = "town@example.org"
    town_a.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        make_item()
    call_command("send_reminders")
    assert "1 digest" in capsys.readouterr().out and len(mailoutbox) == 1
    assert mark_read(user=town_a) == 1 and unread_count(town_a) == 0
