"""Pages: ledger with filters and masked export, appeal page with actions, reveal (audited), complained-about
unit, phone search, dashboard with formula and links."""
import re
from io import BytesIO

import pytest
from openpyxl import load_workbook

from appeals.models import Appeal
from audit.models import AuditLog
from items.services import perform

from .conftest import at

pytestmark = pytest.mark.django_db


def test_the_ledger_and_its_export_mask_the_requester_even_for_a_leader(make_appeal, leader, client_for):
    make_appeal()
    page = client_for(leader).get("/appeals/ledger/").content.decode()
    assert "138****5678" in page and "13812345678" not in page and "张三丰" not in page
    export = client_for(leader).get("/appeals/ledger/?export=xlsx")
    values = [c.value for row in load_workbook(BytesIO(export.content)).active.iter_rows() for c in row]
    assert "138****5678" in values and "13812345678" not in values and "张**" in values


def test_the_appeal_page_masks_and_reveal_is_an_audited_post(make_appeal, leader, client_for):
    appeal = make_appeal()
    c = client_for(leader)
    page = c.get(appeal.get_absolute_url()).content.decode()
    assert "13812345678" not in page and "110105********002X" in page
    assert c.get(f"/appeals/{appeal.pk}/reveal/?field=requester_phone").status_code == 405
    revealed = c.post(f"/appeals/{appeal.pk}/reveal/", {"field": "requester_phone"})
    assert revealed.status_code == 200 and "13812345678" in revealed.content.decode()
    log = AuditLog.objects.get(action="reveal", object_id=str(appeal.pk))
    assert log.username == "leader" and log.message == "requester_phone"


def test_reveal_is_refused_without_the_permission(make_appeal, town_a, client_for):
    appeal = make_appeal()
    response = client_for(town_a).post(f"/appeals/{appeal.pk}/reveal/", {"field": "requester_phone"})
    assert response.status_code == 403
    assert "13812345678" not in response.content.decode()
    assert AuditLog.objects.filter(action="reveal", outcome="denied").exists()


def test_the_complained_about_unit_never_sees_the_requester(make_appeal, town_a, grant, client_for):
    grant("town", "accounts.view_personal_data")
    appeal = make_appeal(complained_unit=town_a.unit)
    c = client_for(town_a)
    page = c.get(appeal.get_absolute_url()).content.decode()
    assert "张" not in page.split('data-testid="requester"')[1].split("</dl>")[0]
    assert "不向被投诉单位显示" in page
    assert c.post(f"/appeals/{appeal.pk}/reveal/", {"field": "requester_phone"}).status_code == 403
    ledger = c.get("/appeals/ledger/").content.decode()
    assert appeal.number in ledger and "138****5678" not in ledger
    assert appeal.number not in c.get("/appeals/ledger/?q=13812345678").content.decode()
    api = c.get(f"/api/appeals/{appeal.pk}/").json()
    assert api["requester_phone"] != "13812345678" and "5678" not in api["requester_phone"]


def test_searching_a_full_phone_number_finds_nothing_without_the_permission(make_appeal, town_a, leader, client_for):
    appeal = make_appeal()
    assert appeal.number not in client_for(town_a).get("/appeals/ledger/?q=13812345678").content.decode()
    assert appeal.number in client_for(leader).get("/appeals/ledger/?q=13812345678").content.decode()
    assert appeal.number not in client_for(town_a).get("/search/?q=13812345678").content.decode()


def test_another_town_cannot_open_the_appeal(make_appeal, town_b, client_for):
    appeal = make_appeal()
    assert client_for(town_b).get(appeal.get_absolute_url()).status_code == 404


def test_the_town_signs_for_and_replies_through_the_page(make_appeal, town_a, client_for):
    appeal = make_appeal()
    c = client_for(town_a)
    page = c.get(appeal.get_absolute_url()).content.decode()
    assert 'data-testid="action-accept"' in page and 'data-testid="action-bounce"' in page
    r = c.post(f"/appeals/{appeal.pk}/action/", {"action": "accept", "accept-version": appeal.version,
                                                   "accept-request_key": "k1"})
    assert r.status_code == 302
    appeal.refresh_from_db()
    r = c.post(f"/appeals/{appeal.pk}/action/", {"action": "reply", "reply-version": appeal.version,
                                                   "reply-request_key": "k2", "reply-reply": ""})
    assert r.status_code == 400 and "办理结果" in r.content.decode()
    r = c.post(f"/appeals/{appeal.pk}/action/", {"action": "reply", "reply-version": appeal.version,
                                                   "reply-request_key": "k3", "reply-outcome": "solved",
                                                   "reply-level": "district", "reply-reply": "已清运完毕"})
    assert r.status_code == 302
    appeal = Appeal.objects.get(pk=appeal.pk)
    assert appeal.state == "closed" and appeal.reply == "已清运完毕"
    page = c.get(appeal.get_absolute_url()).content.decode()
    assert "<strong>派单</strong>" in page and "<strong>答复办结</strong>" in page and "办理结果：解决 · 区级" in page


def test_registering_an_appeal_answers_the_services_refusal_with_its_status(appeals_setup, village, demo, client_for):
    """Was: 400 for every refusal. A village may not register a work order for a district department: 403,
    nothing written, the refusal audited."""
    r = client_for(village).post("/appeals/add/", {
        "title": "路灯不亮", "description": "村口路灯坏了一周", "channel": "hotline",
        "category": appeals_setup.categories["city-roads"].pk, "lead_unit": demo.units["城管局"].pk, "dispatch": "on"})
    assert r.status_code == 403 and "无权" in r.content.decode() and "路灯不亮" in r.content.decode()
    assert not Appeal.objects.exists()
    assert AuditLog.objects.filter(outcome="denied", message__startswith="appeal_create").exists()


def test_a_refused_action_on_the_page_answers_its_status_with_the_input_kept(make_appeal, centre, town_a, demo,
                                                                              client_for):
    appeal = make_appeal(category="social", area=None)  # routed to 区政府办, the centre's own unit
    perform(appeal, "accept", centre, appeal.version)
    perform(appeal, "submit", centre, appeal.version)
    c = client_for(centre)
    page = c.get(appeal.get_absolute_url()).content.decode()
    assert 'data-testid="action-approve"' not in page  # nobody reviews what they submitted
    r = c.post(f"/appeals/{appeal.pk}/action/", {"action": "approve", "approve-version": appeal.version,
                                                   "approve-request_key": "k1", "approve-reply": "自己审核通过"})
    assert r.status_code == 403 and "须由他人办理" in r.content.decode()
    assert Appeal.objects.get(pk=appeal.pk).state == "submitted"
    r = c.post(f"/appeals/{appeal.pk}/action/", {"action": "comment", "comment-version": appeal.version - 1,
                                                   "comment-request_key": "k2", "comment-note": "请加快办理"})
    assert r.status_code == 409 and "请加快办理" in r.content.decode()


def test_the_action_url_takes_only_posts(make_appeal, town_a, client_for):
    appeal = make_appeal()
    assert client_for(town_a).get(f"/appeals/{appeal.pk}/action/").status_code == 405


def test_registering_an_appeal_on_the_page_refuses_a_bad_phone(appeals_setup, centre, demo, client_for):
    c = client_for(centre)
    data = {"title": "噪音", "description": "夜间施工", "channel": "hotline",
            "category": appeals_setup.categories["city-noise"].pk, "area": demo.areas["罗家镇"].pk,
            "requester_phone": "1381234567", "dispatch": "on"}
    r = c.post("/appeals/add/", data)
    assert r.status_code == 400 and "11位" in r.content.decode()
    assert not Appeal.objects.exists()
    data["requester_phone"] = "13812345678"
    r = c.post("/appeals/add/", data)
    assert r.status_code == 302
    assert Appeal.objects.get().lead_unit == demo.units["公安分局"]


def test_the_dashboard_shows_the_formula_and_counts_open_overdue(make_appeal, town_a, leader, client_for):
    done = make_appeal(when=at(2024, 5, 6))
    perform(done, "accept", town_a, done.version, at=at(2024, 5, 6))
    perform(done, "reply", town_a, done.version, data={"outcome": "solved", "reply": "ok"}, at=at(2024, 5, 7))
    make_appeal(when=at(2024, 5, 6))  # open, due 13 May 2024: overdue now
    page = client_for(leader).get("/appeals/?year=2024").content.decode()
    assert "按期办结率 = 按期办结数 ÷ (已办结数 + 未办结超期数)" in page
    assert 'data-testid="rate-on_time">50%' in page
    listed = client_for(leader).get("/appeals/ledger/?year=2024&figure=on_time_base").content.decode()
    assert done.number in listed


def test_the_centre_edits_a_category_sla_and_a_public_category_needs_one(appeals_setup, centre, client_for):
    cat = appeals_setup.categories["city-noise"]
    c = client_for(centre)
    form = c.get(f"/appeals/categories/{cat.pk}/edit/").content.decode()
    assert f'name="version" value="{cat.version}"' in form  # the page carries the version it showed
    data = {"name": cat.name, "code": cat.code, "parent": cat.parent_id, "sign_days": 1, "finish_days": 2,
            "clock_start": "dispatch", "pause_states": "bounced", "is_public": "on", "is_active": "on", "sort_order": 1,
            "version": cat.version}
    assert c.post(f"/appeals/categories/{cat.pk}/edit/", data).status_code == 302
    cat.refresh_from_db()
    assert cat.finish_days == 2
    data["version"] = cat.version
    r = c.post("/appeals/categories/add/", {"name": "新类别", "code": "new-cat", "clock_start": "dispatch",
                                            "is_public": "on", "is_active": "on", "sort_order": 9})
    assert r.status_code == 400 and "必须设置办结时限" in r.content.decode()
    r = c.post(f"/appeals/categories/{cat.pk}/edit/", {**data, "pause_states": "bounced,sleeping"})
    assert r.status_code == 400 and "sleeping" in r.content.decode()


def test_a_category_change_needs_the_version_and_a_stale_one_keeps_the_input(appeals_setup, centre, client_for):
    """Was: the form sent no version and the service took None as "trust me" (a silent overwrite)."""
    cat = appeals_setup.categories["city-noise"]
    c = client_for(centre)
    data = {"name": cat.name, "code": cat.code, "parent": cat.parent_id, "sign_days": 1, "finish_days": 7,
            "clock_start": "dispatch", "is_public": "on", "is_active": "on", "sort_order": 1}
    assert c.post(f"/appeals/categories/{cat.pk}/edit/", data).status_code == 428
    r = c.post(f"/appeals/categories/{cat.pk}/edit/", {**data, "version": cat.version + 1})
    assert r.status_code == 409 and 'value="7"' in r.content.decode()
    cat.refresh_from_db()
    assert cat.finish_days == 3


def test_a_town_user_cannot_edit_categories(appeals_setup, town_a, client_for):
    cat = appeals_setup.categories["city-noise"]
    assert client_for(town_a).get(f"/appeals/categories/{cat.pk}/edit/").status_code == 404


def test_routing_rules_refuse_a_duplicate(appeals_setup, centre, demo, client_for):
    cat = appeals_setup.categories["city-sanitation"]
    r = client_for(centre).post("/appeals/routing/add/", {"category": cat.pk, "area": demo.areas["罗家镇"].pk,
                                                          "lead_unit": demo.units["城管局"].pk})
    assert r.status_code == 400 and "已有派单规则" in r.content.decode()


def test_an_appeal_registered_from_a_visit_counts_on_the_visit(appeals_setup, centre, demo, client_for):
    import datetime

    from enterprises.models import Enterprise, Visit

    e = Enterprise.objects.create(credit_code="91350100M000100Y43", name="测试企业", area=demo.areas["谢埠村"])
    visit = Visit.objects.create(enterprise=e, date=datetime.date(2024, 3, 1), unit=demo.units["商务局"])
    c = client_for(centre)
    form = c.get(f"/appeals/add/?visit={visit.pk}").content.decode()
    assert f'value="{visit.pk}"' in form
    r = c.post("/appeals/add/", {"title": "招工难", "description": "一线工人缺口50人", "channel": "enterprise",
                                 "category": appeals_setup.categories["enterprise-labour"].pk, "visit": visit.pk,
                                 "dispatch": "on"})
    assert r.status_code == 302, re.findall(r'(?:invalid-feedback d-block|form-errors)"?>(?:<div>)?([^<]+)', r.content.decode())
    appeal = Appeal.objects.get()
    assert appeal.enterprise == e and appeal.visit == visit and appeal.lead_unit == demo.units["商务局"]
    visit.refresh_from_db()
    assert visit.appeals_raised == 1
    assert appeal.number in c.get(e.get_absolute_url()).content.decode()


@pytest.mark.parametrize("n", [3, 30])
def test_the_ledger_costs_the_same_queries_for_3_and_30_rows(make_appeal, leader, client_for, n,
                                                             django_assert_max_num_queries):
    for _i in range(n):
        make_appeal()
    c = client_for(leader)
    c.get("/appeals/ledger/")  # warm the user's caches
    with django_assert_max_num_queries(24):
        assert c.get("/appeals/ledger/").status_code == 200
