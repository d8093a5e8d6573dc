"""The organisation pages per persona: who may open, who may edit, what is masked, and how bad or stale
input is answered (400 / 409 with the user's input kept, never a 500)."""
import re

import pytest

from audit.models import AuditLog
from org import services
from org.models import Area, Body, Mechanism, Person, Seat

LISTS = ["/areas/", "/units/", "/people/", "/mechanisms/"]
VIEWERS = ["leader", "town_a", "town_b", "village", "dept", "taskforce", "supervisor", "auditor", "admin_user"]


def html(response):
    return response.content.decode()


# ---------------------------------------------------------------- lists and details


@pytest.mark.parametrize("persona", VIEWERS)
@pytest.mark.parametrize("url", LISTS)
def test_every_signed_in_persona_may_open_the_org_lists(request, client_for, persona, url):
    response = client_for(request.getfixturevalue(persona)).get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("url", LISTS + ["/", "/areas/1/"])
def test_an_anonymous_visitor_is_sent_to_login(client, db, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_only_the_administrator_gets_add_buttons(demo, client_for, admin_user, town_a):
    assert 'href="/areas/add/"' in html(client_for(admin_user).get("/areas/"))
    assert 'href="/areas/add/"' not in html(client_for(town_a).get("/areas/"))


def test_the_area_list_filters_and_sorts(demo, client_for, town_a):
    page = html(client_for(town_a).get("/areas/", {"level": "village", "sort": "name"}))
    assert "谢埠村" in page and "罗家镇</a>" not in page


def test_a_bad_filter_answers_400_not_500(demo, client_for, town_a):
    assert client_for(town_a).get("/areas/", {"level": "no-such-level"}).status_code == 400


def test_the_htmx_partial_is_only_the_table(demo, client_for, town_a):
    response = client_for(town_a).get("/units/", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="object-table")
    assert response.status_code == 200 and "<html" not in html(response) and "罗家镇" in html(response)


def test_the_people_list_is_scoped(demo, client_for, town_a):
    page = html(client_for(town_a).get("/people/"))
    assert "王晓燕" in page and "姚小梅" in page
    assert "彭俊" not in page and "周明远" not in page


@pytest.mark.parametrize("name", ["area", "unit", "body"])
def test_public_org_details_open_for_town_staff(demo, client_for, town_b, name):
    obj = {"area": demo.areas["罗家镇"], "unit": demo.units["罗家镇"], "body": demo.bodies["抓大引大专班"]}[name]
    assert client_for(town_b).get(obj.get_absolute_url()).status_code == 200


def test_a_person_outside_the_scope_answers_404(demo, client_for, town_a):
    assert client_for(town_a).get(demo.people["彭俊"].get_absolute_url()).status_code == 404
    assert client_for(town_a).get("/people/999999/").status_code == 404


def test_a_person_inside_the_scope_opens(demo, client_for, town_a):
    response = client_for(town_a).get(demo.people["姚小梅"].get_absolute_url())
    assert response.status_code == 200 and "姚小梅" in html(response)


PHONE = re.compile(r"1[3-9]\d{9}")
MASKED = re.compile(r"1[3-9]\d\*{4}\d{4}")


def test_the_phone_is_masked_for_town_staff(demo, client_for, town_a):
    person = demo.people["王晓燕"]
    detail = html(client_for(town_a).get(person.get_absolute_url()))
    assert person.phone not in detail and f"{person.phone[:3]}****{person.phone[-4:]}" in detail
    listing = html(client_for(town_a).get("/people/"))
    assert MASKED.search(listing) and not PHONE.search(listing)


def test_the_phone_is_shown_to_the_leader(demo, client_for, leader):
    person = demo.people["王晓燕"]
    assert person.phone in html(client_for(leader).get(person.get_absolute_url()))
    assert person.phone in html(client_for(leader).get("/people/"))


def test_the_export_masks_the_phone_too(demo, client_for, town_a):
    from io import BytesIO

    from openpyxl import load_workbook

    response = client_for(town_a).get("/people/", {"export": "xlsx"})
    assert response.status_code == 200
    cells = [str(c.value) for row in load_workbook(BytesIO(response.content)).active.iter_rows() for c in row]
    assert any(MASKED.fullmatch(c) for c in cells) and not any(PHONE.fullmatch(c) for c in cells)
    assert "彭俊" not in cells


# ---------------------------------------------------------------- the mechanism chart


def test_the_mechanism_chart_shows_1_5_2(demo, client_for, leader):
    response = client_for(leader).get("/")
    assert response.status_code == 200
    page = html(response)
    assert re.search(r'data-testid="mechanism-shape">1\+5\+2<', page)
    for post, name in [("总负责", "林建华"), ("总指挥", "周明远"), ("副总指挥", "陈志强"), ("副总指挥", "何立新")]:
        assert re.search(rf"{post}</span> {name}", page), (post, name)
    task_forces = page.split('data-testid="level-task_force"')[1].split('data-testid="level-group"')[0]
    assert task_forces.count('class="org-node task_force"') == 5
    groups = page.split('data-testid="level-group"')[1]
    assert groups.count('class="org-node group"') == 2
    assert "资金保障领导小组" in groups and "作风督查领导小组" in groups


def test_the_mechanism_of_a_given_year_opens_by_id(demo, client_for, town_a):
    response = client_for(town_a).get(f"/mechanisms/{demo.mechanism.pk}/")
    assert response.status_code == 200 and "1+5+2" in html(response)
    assert client_for(town_a).get("/mechanisms/999999/").status_code == 404


def test_edit_buttons_on_the_chart_only_for_the_administrator(demo, client_for, admin_user, town_a):
    assert "/bodies/add/" in html(client_for(admin_user).get("/"))
    assert "/bodies/add/" not in html(client_for(town_a).get("/"))


def test_an_empty_database_shows_an_empty_mechanism_page(demo, client_for, leader):
    Seat.objects.all().delete()
    Body.objects.filter(parent__isnull=False).delete()  # Body.parent protects: children first
    Body.objects.all().delete()
    Mechanism.objects.all().delete()
    assert client_for(leader).get("/").status_code == 200


# ---------------------------------------------------------------- edits


EDIT_URLS = ["/areas/{area}/edit/", "/units/{unit}/edit/", "/people/{person}/edit/",
             "/mechanisms/{mechanism}/edit/", "/bodies/{body}/edit/", "/seats/{seat}/edit/",
             "/areas/add/", "/units/add/", "/people/add/", "/mechanisms/add/", "/bodies/add/", "/seats/add/",
             "/mechanisms/{mechanism}/copy/", "/areas/{village}/delete/", "/seats/{seat}/delete/"]


def edit_url(demo, template):
    return template.format(area=demo.areas["罗家镇"].pk, village=demo.areas["谢埠村"].pk, unit=demo.units["罗家镇"].pk,
                           person=demo.people["王晓燕"].pk, mechanism=demo.mechanism.pk,
                           body=demo.bodies["抓大引大专班"].pk, seat=Seat.objects.first().pk)


@pytest.mark.parametrize("template", EDIT_URLS)
def test_the_administrator_may_open_every_edit_page(demo, client_for, admin_user, template):
    assert client_for(admin_user).get(edit_url(demo, template)).status_code == 200


@pytest.mark.parametrize("persona", ["town_a", "leader", "supervisor", "auditor"])
@pytest.mark.parametrize("template", EDIT_URLS)
def test_others_may_not_open_edit_pages(request, demo, client_for, persona, template):
    client = client_for(request.getfixturevalue(persona))
    url = edit_url(demo, template)
    assert client.get(url).status_code in (403, 404)
    assert client.post(url, {"name": "x"}).status_code in (403, 404)


def test_town_staff_cannot_post_an_edit(demo, client_for, town_a):
    area = demo.areas["罗家镇"]
    response = client_for(town_a).post(f"/areas/{area.pk}/edit/", {"name": "改名镇", "level": "town",
                                                                 "parent": area.parent_id, "sort_order": 0})
    assert response.status_code == 404
    area.refresh_from_db()
    assert area.name == "罗家镇"


def person_form(person, **changes):
    data = {"name": person.name, "unit": person.unit_id, "title": person.title, "phone": person.phone,
            "sort_order": person.sort_order, "is_active": "on", "expected_version": person.version}
    data.update(changes)
    return data


def test_the_administrator_edits_a_person(demo, client_for, admin_user):
    person = demo.people["王晓燕"]
    response = client_for(admin_user).post(f"/people/{person.pk}/edit/", person_form(person, title="党政办主任"))
    assert response.status_code == 302 and response["Location"] == person.get_absolute_url()
    person.refresh_from_db()
    assert (person.title, person.version) == ("党政办主任", 2)


def test_a_stale_version_answers_409_and_keeps_the_input(demo, client_for, admin_user):
    person = demo.people["王晓燕"]
    stale = person.version
    services.person_save(actor=admin_user, person=person, data={"title": "别人改的"}, expected_version=stale)
    rows = AuditLog.objects.count()

    response = client_for(admin_user).post(f"/people/{person.pk}/edit/",
                                           person_form(person, title="我填写的职务", expected_version=stale))
    assert response.status_code == 409
    page = html(response)
    assert "已被他人修改" in page and 'value="我填写的职务"' in page
    person.refresh_from_db()
    assert person.title == "别人改的"
    assert AuditLog.objects.exclude(action="login").count() == rows


def test_bad_input_answers_400_with_a_message(demo, client_for, admin_user):
    response = client_for(admin_user).post("/areas/add/", {"name": "飞地村", "level": "village",
                                                           "parent": demo.areas["青山湖区"].pk, "sort_order": 0})
    assert response.status_code == 400
    assert "不能设在" in html(response)
    assert not Area.objects.filter(name="飞地村").exists()


def test_a_form_error_answers_400(demo, client_for, admin_user):
    response = client_for(admin_user).post("/people/add/", {"name": "", "unit": "", "sort_order": "x"})
    assert response.status_code == 400
    assert "该字段是必填项" in html(response)


def test_an_area_cycle_from_the_page_answers_400(demo, client_for, admin_user):
    town = demo.areas["罗家镇"]
    response = client_for(admin_user).post(f"/areas/{town.pk}/edit/", {
        "name": town.name, "level": town.level, "parent": demo.areas["谢埠村"].pk, "sort_order": 0,
        "expected_version": town.version})
    assert response.status_code == 400 and "循环" in html(response)


def test_a_body_is_added_with_member_units(demo, client_for, admin_user):
    response = client_for(admin_user).post("/bodies/add/", {
        "mechanism": demo.mechanism.pk, "kind": "group", "name": "要素保障小组", "short_name": "要素组",
        "parent": demo.bodies["总指挥部"].pk, "member_units": [demo.units["财政局"].pk, demo.units["发改委"].pk],
        "sort_order": 30})
    assert response.status_code == 302
    body = Body.objects.get(name="要素保障小组")
    assert set(body.member_units.values_list("short_name", flat=True)) == {"财政局", "发改委"}
    assert demo.mechanism.shape == "1+5+3"


def test_a_seat_of_another_year_from_the_page_answers_400(demo, client_for, admin_user):
    other = services.mechanism_save(actor=admin_user, data={"year": 2030, "name": "1+3+1"})
    response = client_for(admin_user).post("/seats/add/", {
        "mechanism": other.pk, "body": demo.bodies["总指挥部"].pk, "person": demo.people["马骏"].pk,
        "post": "member", "sort_order": 0})
    assert response.status_code == 400 and "2030" in html(response)


def test_deleting_a_referenced_area_answers_400(demo, client_for, admin_user):
    town = demo.areas["罗家镇"]
    response = client_for(admin_user).post(f"/areas/{town.pk}/delete/", {"version": town.version})
    assert response.status_code == 400 and "仍被其他记录引用" in html(response)
    assert Area.objects.filter(pk=town.pk).exists()


def test_a_delete_confirmed_on_a_stale_page_answers_409_and_deletes_nothing(demo, client_for, admin_user):
    from org import services

    area = services.area_save(actor=admin_user, data={"name": "待删村", "level": "village",
                                                       "parent": demo.areas["罗家镇"]})
    client = client_for(admin_user)
    seen = area.version
    services.area_save(actor=admin_user, area=area, data={"code": "360111199"}, expected_version=seen)
    assert client.post(f"/areas/{area.pk}/delete/", {"version": seen}).status_code == 409
    assert client.post(f"/areas/{area.pk}/delete/").status_code == 428  # no version: never a blind delete
    assert Area.objects.filter(pk=area.pk).exists()
    assert client.post(f"/areas/{area.pk}/delete/", {"version": seen + 1}).status_code == 302
    assert not Area.objects.filter(pk=area.pk).exists()


def test_a_seat_is_deleted(demo, client_for, admin_user):
    seat = Seat.objects.filter(person__name="孙佳怡").first()
    assert client_for(admin_user).post(f"/seats/{seat.pk}/delete/").status_code == 302
    assert not Seat.objects.filter(pk=seat.pk).exists()


def test_the_mechanism_is_copied_from_its_page(demo, client_for, admin_user):
    response = client_for(admin_user).post(f"/mechanisms/{demo.mechanism.pk}/copy/", {"year": 2024, "name": ""})
    copy = Mechanism.objects.get(year=2024)
    assert response.status_code == 302 and response["Location"] == f"/mechanisms/{copy.pk}/"
    assert copy.shape == "1+5+2" and copy.name == demo.mechanism.name


def test_copying_into_an_existing_year_from_the_page_answers_400(demo, client_for, admin_user):
    response = client_for(admin_user).post(f"/mechanisms/{demo.mechanism.pk}/copy/", {"year": 2023})
    assert response.status_code == 400 and "已存在" in html(response)
    assert Mechanism.objects.count() == 1


def test_a_person_added_is_visible_in_the_list(demo, client_for, admin_user):
    response = client_for(admin_user).post("/people/add/", {
        "name": "新来的", "unit": demo.units["住建局"].pk, "title": "科员", "phone": "", "sort_order": 0,
        "is_active": "on"})
    assert response.status_code == 302
    assert Person.objects.filter(name="新来的").exists()
