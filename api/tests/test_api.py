"""The REST API of the organisation: the same scope as the pages, writes through the same services,
the same answers to bad input (400), stale versions (409) and missing permissions (403)."""
import pytest
from django.test import Client

from accounts.models import ApiToken
from accounts.tokens import digest_of, issue
from audit.models import AuditLog
from org import services
from org.models import Area, Body, Mechanism, Person, Seat, Unit

ENDPOINTS = {"areas": Area, "units": Unit, "people": Person, "mechanisms": Mechanism, "bodies": Body, "seats": Seat}


def results(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


def all_rows(client, url):
    rows = []
    while url:
        page = client.get(url, {"page_size": 500}) if "?" not in url else client.get(url)
        assert page.status_code == 200
        rows += page.json()["results"]
        url = page.json()["next"]
    return rows


# ---------------------------------------------------------------- authentication


@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_an_anonymous_caller_gets_401(db, name):
    assert Client().get(f"/api/{name}/").status_code == 401
    assert Client().post(f"/api/{name}/", {}).status_code == 401


def test_a_bad_token_gets_401(db):
    assert Client().get("/api/areas/", HTTP_AUTHORIZATION="Token not-a-token").status_code == 401


def test_token_authentication(demo, town_a):
    response = Client().post("/api/token/", {"username": "town", "password": "Taizhang@2023"})
    assert response.status_code == 200
    token = response.json()["token"]
    assert ApiToken.objects.get(user=town_a).digest == digest_of(token)  # only the digest is stored
    response = Client().get("/api/people/", HTTP_AUTHORIZATION=f"Token {token}")
    assert {p["name"] for p in results(response)} == {"曹国栋", "王晓燕", "姚小梅"}


def test_token_writes_are_audited_as_the_token_user(demo, admin_user):
    token = issue(admin_user)
    response = Client().patch(f"/api/people/{demo.people['马骏'].pk}/", {"title": "局长（兼）"},
                              content_type="application/json", HTTP_AUTHORIZATION=f"Token {token}",
                              HTTP_IF_MATCH=str(demo.people['马骏'].version))
    assert response.status_code == 200
    row = AuditLog.objects.filter(object_type="org.person").latest("id")
    assert (row.username, row.source, row.after) == ("admin", "api", {"title": "局长（兼）"})


def test_session_authentication(demo, client_for, leader):
    assert client_for(leader).get("/api/areas/").status_code == 200


# ---------------------------------------------------------------- scope, exactly like the pages


@pytest.mark.parametrize("name", sorted(ENDPOINTS))
@pytest.mark.parametrize("persona", ["leader", "town_a", "town_b", "village", "dept", "auditor"])
def test_lists_are_scoped_like_visible_to(request, client_for, name, persona):
    from accounts.scope import visible_to

    user = request.getfixturevalue(persona)
    model = ENDPOINTS[name]
    ids = {row["id"] for row in all_rows(client_for(user), f"/api/{name}/")}
    assert ids == set(visible_to(user, model.objects.all()).values_list("pk", flat=True))


def test_a_person_outside_the_scope_answers_404(demo, client_for, town_a):
    client = client_for(town_a)
    assert client.get(f"/api/people/{demo.people['彭俊'].pk}/").status_code == 404
    assert client.get("/api/people/999999/").status_code == 404
    assert client.get(f"/api/people/{demo.people['姚小梅'].pk}/").status_code == 200


def test_the_phone_is_masked_without_the_personal_data_permission(demo, client_for, town_a, leader):
    person = demo.people["王晓燕"]
    masked = client_for(town_a).get(f"/api/people/{person.pk}/").json()["phone"]
    assert masked == person.phone[:3] + "****" + person.phone[-4:]
    assert client_for(leader).get(f"/api/people/{person.pk}/").json()["phone"] == person.phone
    assert all("****" in p["phone"] for p in results(client_for(town_a).get("/api/people/")) if p["phone"])


def test_lists_filter_like_the_pages(demo, client_for, leader):
    rows = results(client_for(leader).get("/api/areas/", {"level": "village"}))
    assert rows and {r["name"] for r in rows} >= {"谢埠村", "塘山村"}
    rows = results(client_for(leader).get("/api/bodies/", {"kind": "task_force"}))
    assert len(rows) == 5
    assert client_for(leader).get("/api/areas/", {"level": "nonsense"}).status_code == 400


def test_the_mechanism_detail_carries_its_shape(demo, client_for, town_b):
    data = client_for(town_b).get(f"/api/mechanisms/{demo.mechanism.pk}/").json()
    assert (data["year"], data["shape"]) == (2023, "1+5+2")


# ---------------------------------------------------------------- writes


def test_the_administrator_creates_an_area_through_the_service(demo, client_for, admin_user):
    response = client_for(admin_user).post("/api/areas/", {
        "name": "接口村", "level": "village", "parent": demo.areas["罗家镇"].pk}, content_type="application/json")
    assert response.status_code == 201, response.content
    area = Area.objects.get(name="接口村")
    assert response.json()["path"] == area.path == f"{demo.areas['罗家镇'].path}{area.pk}/"
    assert AuditLog.objects.filter(object_type="org.area", object_id=str(area.pk), action="create").exists()


def test_bad_input_answers_400_with_a_message(demo, client_for, admin_user):
    response = client_for(admin_user).post("/api/areas/", {
        "name": "飞地村", "level": "village", "parent": demo.areas["青山湖区"].pk}, content_type="application/json")
    assert response.status_code == 400
    assert "不能设在" in str(response.json())
    assert not Area.objects.filter(name="飞地村").exists()


def test_a_cycle_answers_400(demo, client_for, admin_user):
    town = demo.units["罗家镇"]
    response = client_for(admin_user).patch(f"/api/units/{town.pk}/", {"parent": demo.units["谢埠村"].pk},
                                            content_type="application/json", HTTP_IF_MATCH=str(town.version))
    assert response.status_code == 400 and "循环" in str(response.json())


def test_a_malformed_body_answers_400(demo, client_for, admin_user):
    response = client_for(admin_user).post("/api/areas/", "{not json", content_type="application/json")
    assert response.status_code == 400


def test_a_stale_if_match_answers_409(demo, client_for, admin_user):
    person = demo.people["马骏"]
    services.person_save(actor=admin_user, person=person, data={"title": "别人改的"}, expected_version=1)
    response = client_for(admin_user).patch(f"/api/people/{person.pk}/", {"title": "我改的"},
                                            content_type="application/json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 409
    assert "已被他人修改" in response.json()["detail"]
    person.refresh_from_db()
    assert person.title == "别人改的"


def test_a_current_if_match_is_accepted_and_bumps_the_version(demo, client_for, admin_user):
    person = demo.people["马骏"]
    response = client_for(admin_user).patch(f"/api/people/{person.pk}/", {"title": "局长"},
                                            content_type="application/json", HTTP_IF_MATCH=f'W/"{person.version}"')
    assert response.status_code == 200
    assert response.json()["version"] == person.version + 1


def test_a_stale_version_in_the_body_answers_409(demo, client_for, admin_user):
    person = demo.people["马骏"]
    response = client_for(admin_user).patch(f"/api/people/{person.pk}/", {"title": "局长", "version": 99},
                                            content_type="application/json")
    assert response.status_code == 409


def test_a_malformed_if_match_answers_400_not_a_silent_overwrite(demo, client_for, admin_user):
    person = demo.people["马骏"]
    response = client_for(admin_user).patch(f"/api/people/{person.pk}/", {"title": "局长"},
                                            content_type="application/json", HTTP_IF_MATCH="yesterday")
    assert response.status_code == 400
    person.refresh_from_db()
    assert person.version == 1


def test_a_stale_delete_answers_409(demo, client_for, admin_user):
    seat_person = services.person_save(actor=admin_user, data={"name": "待删", "unit": demo.units["财政局"]})
    services.person_save(actor=admin_user, person=seat_person, data={"title": "改过"}, expected_version=1)
    client = client_for(admin_user)
    assert client.delete(f"/api/people/{seat_person.pk}/", HTTP_IF_MATCH="1").status_code == 409
    assert client.delete(f"/api/people/{seat_person.pk}/", HTTP_IF_MATCH="2").status_code == 204
    assert not Person.objects.filter(pk=seat_person.pk).exists()


def test_deleting_a_referenced_row_answers_400(demo, client_for, admin_user):
    unit = demo.units['罗家镇']
    response = client_for(admin_user).delete(f"/api/units/{unit.pk}/", HTTP_IF_MATCH=str(unit.version))
    assert response.status_code == 400 and "仍被其他记录引用" in str(response.json())


@pytest.mark.parametrize("persona", ["town_a", "leader", "auditor"])
def test_writes_without_permission_answer_403(request, demo, client_for, persona):
    client = client_for(request.getfixturevalue(persona))
    person = demo.people["姚小梅"]
    assert client.post("/api/areas/", {"name": "x", "level": "village"}, content_type="application/json").status_code == 403
    assert client.patch(f"/api/people/{person.pk}/", {"title": "x"}, content_type="application/json").status_code == 403
    assert client.delete(f"/api/people/{person.pk}/").status_code == 403
    person.refresh_from_db()
    assert person.title != "x"


def test_a_body_with_member_units_through_the_api(demo, client_for, admin_user):
    units = [demo.units["财政局"].pk, demo.units["发改委"].pk]
    response = client_for(admin_user).post("/api/bodies/", {
        "mechanism": demo.mechanism.pk, "kind": "group", "name": "要素保障小组", "parent": demo.bodies["总指挥部"].pk,
        "member_units": units}, content_type="application/json")
    assert response.status_code == 201, response.content
    assert sorted(response.json()["member_units"]) == sorted(units)


def test_a_seat_of_another_year_through_the_api_answers_400(demo, client_for, admin_user):
    other = services.mechanism_save(actor=admin_user, data={"year": 2030, "name": "1+3+1"})
    response = client_for(admin_user).post("/api/seats/", {
        "mechanism": other.pk, "body": demo.bodies["总指挥部"].pk, "person": demo.people["马骏"].pk, "post": "member"},
        content_type="application/json")
    assert response.status_code == 400 and "2030" in str(response.json())


# ---------------------------------------------------------------- mechanism copy


def test_the_mechanism_copy_endpoint(demo, client_for, admin_user):
    response = client_for(admin_user).post(f"/api/mechanisms/{demo.mechanism.pk}/copy/", {"year": 2024},
                                           content_type="application/json")
    assert response.status_code == 201, response.content
    assert (response.json()["year"], response.json()["shape"], response.json()["copied_from"]) == (
        2024, "1+5+2", demo.mechanism.pk)


def test_the_copy_endpoint_refuses_an_existing_year(demo, client_for, admin_user):
    response = client_for(admin_user).post(f"/api/mechanisms/{demo.mechanism.pk}/copy/", {"year": 2023},
                                           content_type="application/json")
    assert response.status_code == 400 and "已存在" in str(response.json())


def test_the_copy_endpoint_needs_the_permission(demo, client_for, town_a):
    response = client_for(town_a).post(f"/api/mechanisms/{demo.mechanism.pk}/copy/", {"year": 2024},
                                       content_type="application/json")
    assert response.status_code == 403
    assert not Mechanism.objects.filter(year=2024).exists()


def test_the_schema_and_docs_are_served(demo, client_for, town_a):
    client = client_for(town_a)
    schema = client.get("/api/schema/")
    assert schema.status_code == 200 and b"/api/people/" in schema.content
    assert client.get("/api/docs/").status_code == 200
