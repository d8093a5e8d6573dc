"""The item pages: scope (404 outside it), the buttons per persona, the action POST (PRG, 409 with the input
kept, 400 in Chinese), the 旬 report form, the to-do list, the board, attachments, notifications, the
calendar, and the list (filters, export = filtered rows, queries independent of the row count)."""
import datetime
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from items import services
from items.models import Attachment, Item, ItemAction, ItemState, Light, Notification, ProgressReport

pytestmark = pytest.mark.dates

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82")


def make_item(demo, actor, *, title="罗家镇扫楼扫街走访规上企业", unit="罗家镇", body="扫楼扫街专班", assign=True,
              due_days=30):
    today = timezone.localdate()
    return services.item_create(
        actor=actor, kind="task", title=title, lead_unit=demo.units[unit], owning_body=demo.bodies[body],
        due_date=today + datetime.timedelta(days=due_days), assign=assign,
        extra={"target": "走访企业 50 家", "year": today.year})


def act(item, action, actor, **kwargs):
    item.refresh_from_db()
    return services.perform(item, action, actor, item.version, **kwargs)


def page(client, url):
    response = client.get(url)
    return response, response.content.decode()


@pytest.fixture
def task(demo, taskforce):
    return make_item(demo, taskforce)


# ------------------------------------------------------------------ scope


def test_it_answers_404_outside_the_users_scope(task, client_for, town_b):
    c = client_for(town_b)
    assert c.get(reverse("items:item_detail", args=[task.pk])).status_code == 404
    assert c.get(reverse("items:report", args=[task.pk])).status_code == 404
    response = c.post(reverse("items:item_action", args=[task.pk]),
                      {"action": "accept", "accept-version": task.version, "accept-request_key": "k1"})
    assert response.status_code == 404
    task.refresh_from_db()
    assert task.state == ItemState.ASSIGNED


def test_it_shows_the_item_to_its_lead_unit_dispatcher_and_leader(task, client_for, town_a, taskforce, leader):
    for user in (town_a, taskforce, leader):
        response, text = page(client_for(user), reverse("items:item_detail", args=[task.pk]))
        assert response.status_code == 200, user
        assert task.number in text and 'data-testid="light-badge"' in text and 'data-testid="timeline"' in text


def test_the_list_shows_only_rows_in_scope_and_so_does_the_export(demo, task, taskforce, client_for, town_b):
    other = make_item(demo, taskforce, title="塘山镇走访企业", unit="塘山镇")
    response, text = page(client_for(town_b), reverse("items:item_list"))
    assert other.number in text and task.number not in text
    export = client_for(town_b).get(reverse("items:item_list") + "?export=xlsx")
    numbers = [row[0] for row in _xlsx_rows(export)]
    assert numbers == [other.number]


def test_an_attachment_is_served_only_inside_scope_as_a_download(task, town_a, town_b, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    act(task, "accept", town_a)
    act(task, "comment", town_a, note="现场照片", files=[SimpleUploadedFile("现场.png", PNG, "image/png")])
    attachment = Attachment.objects.get(item=task)
    url = reverse("items:attachment", args=[attachment.pk])
    response = client_for(town_a).get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert client_for(town_b).get(url).status_code == 404
    # the timeline links to it through the checked view
    _, text = page(client_for(town_a), reverse("items:item_detail", args=[task.pk]))
    assert url in text


# ------------------------------------------------------------------ buttons per persona


def _buttons(text):
    return set(re.findall(r'data-testid="action-([a-z_]+)"', text))


def test_each_persona_sees_only_their_buttons(task, client_for, town_a, taskforce, leader, supervisor):
    url = reverse("items:item_detail", args=[task.pk])
    town = _buttons(page(client_for(town_a), url)[1])
    assert {"accept", "bounce"} <= town
    assert not town & {"approve", "return", "instruct", "urge"}
    dispatcher = _buttons(page(client_for(taskforce), url)[1])
    assert "urge" in dispatcher and not dispatcher & {"accept", "bounce", "instruct", "report"}
    boss = _buttons(page(client_for(leader), url)[1])
    assert {"instruct", "escalate"} <= boss and not boss & {"accept", "approve"}
    assert "accept" not in _buttons(page(client_for(supervisor), url)[1])


def test_the_reviewer_gets_approve_and_return_once_submitted(task, client_for, town_a, taskforce):
    act(task, "accept", town_a)
    act(task, "submit", town_a)
    buttons = _buttons(page(client_for(taskforce), reverse("items:item_detail", args=[task.pk]))[1])
    assert {"approve", "return"} <= buttons
    assert not _buttons(page(client_for(town_a), reverse("items:item_detail", args=[task.pk]))[1]) & {"approve", "return"}


# ------------------------------------------------------------------ the action POST


def _post_action(client, item, action, version=None, key="key-1", **fields):
    data = {"action": action, f"{action}-version": item.version if version is None else version,
            f"{action}-request_key": key}
    data.update({f"{action}-{name}": value for name, value in fields.items()})
    return client.post(reverse("items:item_action", args=[item.pk]), data)


def test_it_accepts_an_item_and_redirects_back(task, client_for, town_a):
    response = _post_action(client_for(town_a), task, "accept", note="已签收，马上办理")
    assert response.status_code == 302 and response["Location"] == reverse("items:item_detail", args=[task.pk])
    task.refresh_from_db()
    assert task.state == ItemState.IN_PROGRESS
    row = ItemAction.objects.filter(item=task, action="accept").get()
    assert row.note == "已签收，马上办理" and row.actor == town_a


def test_a_repeated_request_key_writes_one_timeline_row(task, client_for, town_a):
    c = client_for(town_a)
    version = task.version
    _post_action(c, task, "comment", version=version, key="same", note="第一次")
    _post_action(c, task, "comment", version=version, key="same", note="第一次")
    assert ItemAction.objects.filter(item=task, action="comment").count() == 1


def test_a_stale_version_answers_409_and_keeps_the_input(task, client_for, town_a, taskforce):
    stale = task.version
    act(task, "comment", taskforce, note="交办方补充说明")  # someone else moved the item on
    response = _post_action(client_for(town_a), task, "bounce", version=stale, reason_code="not_our_duty",
                            note="本镇无此类企业，请改派")
    assert response.status_code == 409
    text = response.content.decode()
    assert "本镇无此类企业，请改派" in text and 'data-testid="action-error"' in text
    assert "已被他人修改" in text
    task.refresh_from_db()
    assert task.state == ItemState.ASSIGNED
    # the re-shown form carries the current version, so submitting again works
    assert f'value="{task.version}"' in text


def test_missing_input_answers_400_with_chinese_messages(task, client_for, town_a):
    response = _post_action(client_for(town_a), task, "bounce", note="")
    assert response.status_code == 400
    text = response.content.decode()
    assert "该字段是必填项" in text
    task.refresh_from_db()
    assert task.state == ItemState.ASSIGNED


def test_the_services_refusal_answers_400_with_its_message(task, client_for, town_a):
    act(task, "accept", town_a)
    past = (timezone.localdate() - datetime.timedelta(days=3)).isoformat()
    response = _post_action(client_for(town_a), task, "request_extension", due_date=past, note="需要更多时间")
    assert response.status_code == 400
    assert "须晚于当前期限" in response.content.decode()
    assert "需要更多时间" in response.content.decode()


def test_an_action_the_user_may_not_take_is_refused(task, client_for, town_a):
    response = _post_action(client_for(town_a), task, "approve")
    assert response.status_code in (400, 403)
    task.refresh_from_db()
    assert task.state == ItemState.ASSIGNED


def test_an_unknown_action_is_a_400(task, client_for, town_a):
    assert _post_action(client_for(town_a), task, "explode").status_code == 400


# ------------------------------------------------------------------ 旬 report form


def test_the_report_form_is_prefilled_with_the_last_report(task, client_for, town_a):
    act(task, "accept", town_a)
    act(task, "report", town_a, data={"percent": 40, "narrative": "已走访企业20家", "problems": "部分企业负责人不在"})
    # move the report to the previous 旬 so this 旬 owes a new one
    from items.periods import current_period, previous_period

    previous = previous_period(current_period())
    ProgressReport.objects.filter(item=task).update(period_start=previous.start)
    response, text = page(client_for(town_a), reverse("items:report", args=[task.pk]))
    assert response.status_code == 200
    assert "已走访企业20家" in text and "部分企业负责人不在" in text and 'value="40"' in text
    assert current_period().label in text


def test_it_reports_through_the_form(task, client_for, town_a):
    act(task, "accept", town_a)
    task.refresh_from_db()
    response = client_for(town_a).post(reverse("items:report", args=[task.pk]), {
        "version": task.version, "request_key": "r1", "percent": 55, "narrative": "走访企业28家"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.progress_percent == 55
    assert ProgressReport.objects.get(item=task).narrative == "走访企业28家"


def test_the_report_form_refuses_bad_percent_in_chinese(task, client_for, town_a):
    act(task, "accept", town_a)
    task.refresh_from_db()
    response = client_for(town_a).post(reverse("items:report", args=[task.pk]), {
        "version": task.version, "request_key": "r1", "percent": 150, "narrative": "x"})
    assert response.status_code == 400
    assert "100" in response.content.decode()
    assert not ProgressReport.objects.filter(item=task).exists()


def test_the_report_form_is_refused_to_the_dispatcher(task, client_for, town_a, taskforce):
    act(task, "accept", town_a)
    assert client_for(taskforce).get(reverse("items:report", args=[task.pk])).status_code == 403


# ------------------------------------------------------------------ to-do, board, notifications


def _section(text, key):
    return text.split(f'data-testid="todo-{key}"')[1].split('class="card h-100"')[0]


def test_the_todo_list_shows_each_persona_their_work(task, client_for, town_a, taskforce, town_b):
    _, text = page(client_for(town_a), reverse("items:todo"))
    assert task.number in _section(text, "to_accept")
    assert 'data-testid="nav-badge"' in text
    _, text = page(client_for(town_b), reverse("items:todo"))
    assert task.number not in text
    act(task, "accept", town_a)
    act(task, "submit", town_a)
    _, text = page(client_for(taskforce), reverse("items:todo"))
    assert task.number in _section(text, "to_review")
    assert task.number not in _section(text, "to_accept")


def test_the_board_counts_missing_reports_per_unit_and_links_to_the_rows(demo, task, client_for, town_a, town_b,
                                                                          leader, taskforce):
    other = make_item(demo, taskforce, title="塘山镇走访企业", unit="塘山镇")
    act(task, "accept", town_a)
    act(other, "accept", town_b)
    act(other, "report", town_b, data={"percent": 10, "narrative": "开始走访"})
    response, text = page(client_for(leader), reverse("items:board"))
    assert response.status_code == 200
    rows = {r.split('"')[0]: r for r in text.split('data-unit="')[1:]}
    luojia = rows[str(demo.units["罗家镇"].pk)]
    assert 'data-testid="board-missing">1<' in luojia
    tangshan = rows[str(demo.units["塘山镇"].pk)]
    assert 'data-testid="board-reported">1<' in tangshan
    # the figure links to exactly its rows
    link = re.search(r'href="([^"]+)" data-testid="board-missing"', luojia).group(1).replace("&amp;", "&")
    _, listed = page(client_for(leader), link)
    assert task.number in listed and other.number not in listed
    # a town sees its own units only
    _, text = page(client_for(town_b), reverse("items:board"))
    assert f'data-unit="{demo.units["塘山镇"].pk}"' in text
    assert f'data-unit="{demo.units["罗家镇"].pk}"' not in text


def test_notifications_are_listed_and_marked_read(task, client_for, town_a):
    note = Notification.objects.create(user=town_a, item=task, verb="assign", text="新交办事项",
                                       created_at=timezone.now())
    c = client_for(town_a)
    _, text = page(c, reverse("items:notifications"))
    assert "新交办事项" in text
    assert c.post(reverse("items:notifications"), {"id": note.pk}).status_code == 302
    note.refresh_from_db()
    assert note.read_at is not None


def test_a_user_cannot_mark_someone_elses_notification(task, client_for, town_a, town_b):
    note = Notification.objects.create(user=town_a, item=task, verb="assign", text="x", created_at=timezone.now())
    client_for(town_b).post(reverse("items:notifications"), {"id": note.pk})
    note.refresh_from_db()
    assert note.read_at is None


# ------------------------------------------------------------------ calendar


def test_the_calendar_is_read_only_for_non_administrators(client_for, town_a):
    c = client_for(town_a)
    response, text = page(c, reverse("items:calendar") + "?year=2024")
    assert response.status_code == 200 and 'data-testid="calendar-edit"' not in text
    response = c.post(reverse("items:calendar"), {"date": "2024-10-12", "is_workday": "1", "name": "调休"})
    assert response.status_code == 403


def test_an_administrator_marks_a_make_up_working_day(client_for, admin_user):
    from items.models import WorkCalendarDay

    c = client_for(admin_user)
    assert 'data-testid="calendar-edit"' in page(c, reverse("items:calendar"))[1]
    response = c.post(reverse("items:calendar"), {"date": "2031-10-11", "is_workday": "1", "name": "国庆节调休上班"})
    assert response.status_code == 302
    day = WorkCalendarDay.objects.get(date=datetime.date(2031, 10, 11))
    assert day.is_workday and day.name == "国庆节调休上班"
    _, text = page(c, reverse("items:calendar") + "?year=2031")
    assert "国庆节调休上班" in text


# ------------------------------------------------------------------ list: filters, export, query count


def _xlsx_rows(response):
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    return [row for row in ws.iter_rows(min_row=3, values_only=True) if any(row)]


def test_the_list_filters_and_the_export_holds_exactly_the_filtered_rows(demo, client_for, leader, taskforce):
    red = [make_item(demo, taskforce, title=f"红灯事项{i}") for i in range(2)]
    green = [make_item(demo, taskforce, title=f"绿灯事项{i}") for i in range(3)]
    Item.objects.filter(pk__in=[i.pk for i in red]).update(light=Light.RED)
    Item.objects.filter(pk__in=[i.pk for i in green]).update(light=Light.GREEN)
    c = client_for(leader)
    _, text = page(c, reverse("items:item_list") + "?light=red")
    assert all(i.number in text for i in red) and not any(i.number in text for i in green)
    numbers = {row[0] for row in _xlsx_rows(c.get(reverse("items:item_list") + "?light=red&export=xlsx"))}
    assert numbers == {i.number for i in red}
    numbers = {row[0] for row in _xlsx_rows(c.get(reverse("items:item_list") + "?q=绿灯&export=xlsx"))}
    assert numbers == {i.number for i in green}


def test_the_list_refreshes_its_table_for_htmx(task, client_for, leader):
    response = client_for(leader).get(reverse("items:item_list"), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="object-table")
    text = response.content.decode()
    assert task.number in text and "<html" not in text


def test_the_export_neutralises_formulas(demo, client_for, leader, taskforce):
    make_item(demo, taskforce, title="=HYPERLINK(\"http://x\")")
    rows = _xlsx_rows(client_for(leader).get(reverse("items:item_list") + "?q=HYPERLINK&export=xlsx"))
    assert rows[0][1].startswith("'=")


def test_the_list_sorts_by_light_severity(demo, client_for, leader, taskforce):
    a, b = make_item(demo, taskforce, title="排序甲"), make_item(demo, taskforce, title="排序乙")
    Item.objects.filter(pk=a.pk).update(light=Light.GREEN)
    Item.objects.filter(pk=b.pk).update(light=Light.RED)
    _, text = page(client_for(leader), reverse("items:item_list") + "?q=排序&sort=light_rank")
    assert text.index(b.number) < text.index(a.number)


def _list_queries(client):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("items:item_list"))
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_list_page_needs_the_same_number_of_queries_for_3_and_30_items(demo, client_for, taskforce):
    c = client_for(taskforce)
    for i in range(3):
        make_item(demo, taskforce, title=f"查询计数{i}")
    c.get(reverse("items:item_list"))  # warm per-process caches (content types, calendar)
    few = _list_queries(c)
    for i in range(27):
        make_item(demo, taskforce, title=f"查询计数多{i}")
    assert _list_queries(c) == few


def test_opening_a_notification_marks_it_read_and_goes_to_the_item(task, client_for, town_a, town_b):
    note = Notification.objects.create(user=town_a, item=task, verb="assign", text="新交办事项",
                                       created_at=timezone.now())
    assert client_for(town_b).get(reverse("items:notification_open", args=[note.pk])).status_code == 404
    response = client_for(town_a).get(reverse("items:notification_open", args=[note.pk]))
    assert response["Location"] == reverse("items:item_detail", args=[task.pk])
    note.refresh_from_db()
    assert note.read_at is not None


# ------------------------------------------------------------------ extension and instruction through the page


def test_an_extension_is_requested_and_approved_through_the_page(task, client_for, town_a, taskforce):
    from items.models import ExtensionRequest

    act(task, "accept", town_a)
    task.refresh_from_db()
    original = task.due_date
    new_due = (original + datetime.timedelta(days=20)).isoformat()
    response = _post_action(client_for(town_a), task, "request_extension", due_date=new_due, note="企业集中停产检修")
    assert response.status_code == 302
    extension = ExtensionRequest.objects.get(item=task)
    task.refresh_from_db()
    text = page(client_for(taskforce), reverse("items:item_detail", args=[task.pk]))[1]
    assert "decide_extension" in _buttons(text) and f'value="{extension.pk}"' in text
    response = _post_action(client_for(taskforce), task, "decide_extension", key="k2", extension_id=extension.pk,
                            decision="approve", note="同意")
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.due_date.isoformat() == new_due and task.original_due_date == original
    text = page(client_for(town_a), reverse("items:item_detail", args=[task.pk]))[1]
    assert "原定期限" in text and "已延期" in text


def test_a_leader_instructs_and_the_unit_replies_through_the_page(task, client_for, town_a, leader):
    from items.models import Instruction

    due = (timezone.localdate() + datetime.timedelta(days=5)).isoformat()
    response = _post_action(client_for(leader), task, "instruct", note="请加快进度，本周内回复", due_date=due)
    assert response.status_code == 302
    instruction = Instruction.objects.get(item=task)
    task.refresh_from_db()
    text = page(client_for(town_a), reverse("items:item_detail", args=[task.pk]))[1]
    assert "reply_instruction" in _buttons(text) and "请加快进度" in text
    response = _post_action(client_for(town_a), task, "reply_instruction", key="k3", instruction_id=instruction.pk,
                            reply="已组织专班连夜推进")
    assert response.status_code == 302
    instruction.refresh_from_db()
    assert instruction.reply == "已组织专班连夜推进" and instruction.replied_by == town_a


def test_the_item_page_needs_the_same_number_of_queries_for_a_short_and_a_long_timeline(task, client_for, town_a):
    c = client_for(town_a)
    url = reverse("items:item_detail", args=[task.pk])
    act(task, "accept", town_a)
    c.get(url)
    with CaptureQueriesContext(connection) as short:
        assert c.get(url).status_code == 200
    for i in range(10):
        act(task, "comment", town_a, note=f"第{i}次备注")
    with CaptureQueriesContext(connection) as long:
        assert c.get(url).status_code == 200
    assert len(long.captured_queries) == len(short.captured_queries), len(short.captured_queries)


def test_the_report_form_keeps_the_input_on_a_stale_version(task, client_for, town_a, taskforce):
    act(task, "accept", town_a)
    task.refresh_from_db()
    stale = task.version
    act(task, "comment", taskforce, note="请注意报送口径")
    response = client_for(town_a).post(reverse("items:report", args=[task.pk]), {
        "version": stale, "request_key": "r9", "percent": 60, "narrative": "本旬新走访企业12家"})
    assert response.status_code == 409
    text = response.content.decode()
    assert "本旬新走访企业12家" in text and "已被他人修改" in text
    assert not ProgressReport.objects.filter(item=task).exists()


def test_files_are_attached_through_the_action_form(task, client_for, town_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    act(task, "accept", town_a)
    task.refresh_from_db()
    response = client_for(town_a).post(reverse("items:item_action", args=[task.pk]), {
        "action": "comment", "comment-version": task.version, "comment-request_key": "f1", "comment-note": "现场照片",
        "comment-files": [SimpleUploadedFile("现场1.png", PNG, "image/png"), SimpleUploadedFile("现场2.png", PNG, "image/png")]})
    assert response.status_code == 302
    assert sorted(Attachment.objects.filter(item=task).values_list("original_name", flat=True)) == ["现场1.png", "现场2.png"]


def test_a_file_of_a_forbidden_type_is_refused_and_nothing_is_written(task, client_for, town_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    act(task, "accept", town_a)
    task.refresh_from_db()
    rows = ItemAction.objects.filter(item=task).count()
    response = client_for(town_a).post(reverse("items:item_action", args=[task.pk]), {
        "action": "comment", "comment-version": task.version, "comment-request_key": "f2", "comment-note": "程序",
        "comment-files": [SimpleUploadedFile("照片.png", b"MZ\x90\x00 not an image", "image/png")]})
    assert response.status_code == 400
    assert "程序" in response.content.decode() and "文件类型不允许上传" in response.content.decode()
    assert ItemAction.objects.filter(item=task).count() == rows and not Attachment.objects.filter(item=task).exists()


def test_a_towns_board_row_links_to_its_own_items_not_its_villages(demo, task, client_for, town_a, taskforce,
                                                                     village):
    village_item = make_item(demo, taskforce, title="谢埠村走访个体工商户", unit="谢埠村")
    act(task, "accept", town_a)
    act(village_item, "accept", village)
    _, text = page(client_for(town_a), reverse("items:board"))
    rows = {r.split('"')[0]: r for r in text.split('data-unit="')[1:]}
    assert set(rows) == {str(demo.units["罗家镇"].pk), str(demo.units["谢埠村"].pk)}
    link = re.search(r'href="([^"]+)" data-testid="board-owing"', rows[str(demo.units["罗家镇"].pk)]).group(1)
    _, listed = page(client_for(town_a), link.replace("&amp;", "&"))
    assert task.number in listed and village_item.number not in listed
    total = re.search(r'data-testid="board-total".*?href="([^"]+)"', text, re.S).group(1)
    _, listed = page(client_for(town_a), total.replace("&amp;", "&"))
    assert task.number in listed and village_item.number in listed


def test_escalation_shows_the_new_supervision_level_on_the_page(task, client_for, leader, town_a):
    response = _post_action(client_for(leader), task, "escalate", note="进度滞后，列入重点督办")
    assert response.status_code == 302
    text = page(client_for(town_a), reverse("items:item_detail", args=[task.pk]))[1]
    assert 'data-level="key"' in text and "进度滞后，列入重点督办" in text


def test_an_administrator_imports_a_year_from_chinese_calendar(client_for, admin_user):
    from items.models import WorkCalendarDay

    response = client_for(admin_user).post(reverse("items:calendar"), {"year": "2024", "seed": "1"})
    assert response.status_code == 302
    assert WorkCalendarDay.objects.get(date=datetime.date(2024, 10, 1)).is_workday is False
    assert WorkCalendarDay.objects.get(date=datetime.date(2024, 10, 12)).is_workday is True  # 国庆调休上班


def test_a_bad_calendar_date_answers_400(client_for, admin_user):
    response = client_for(admin_user).post(reverse("items:calendar"), {"date": "2024-02-30", "is_workday": "1"})
    assert response.status_code == 400
    assert "有效的日期" in response.content.decode()


def test_the_sidebar_offers_the_calendar_to_administrators_only(client_for, admin_user, town_a):
    calendar_url = f'href="{reverse("items:calendar")}"'
    assert calendar_url in page(client_for(admin_user), reverse("items:todo"))[1]
    text = page(client_for(town_a), reverse("items:todo"))[1]
    assert calendar_url not in text
    for name in ("items:todo", "items:item_list", "items:board", "items:notifications"):
        assert f'href="{reverse(name)}"' in text
