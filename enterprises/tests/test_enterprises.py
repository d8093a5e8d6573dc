import datetime
from io import BytesIO

import pytest
from openpyxl import load_workbook

from audit.models import AuditLog
from core.errors import PermissionDenied, ValidationError
from enterprises import selectors, services
from enterprises.models import Enterprise, Visit

from .conftest import make_credit_code

pytestmark = pytest.mark.django_db


def test_it_creates_an_enterprise_with_the_serving_town_and_an_audit_row(demo, town_a, enterprise_perms):
    e = services.enterprise_create(actor=town_a, data={
        "credit_code": make_credit_code(7).lower(), "name": "赵坊食品厂", "area": demo.areas["赵坊村"],
        "contact_phone": "138 1234 5678"})
    assert e.unit == demo.units["罗家镇"]
    assert e.credit_code == make_credit_code(7)
    assert e.contact_phone == "13812345678"
    log = AuditLog.objects.filter(object_type="enterprises.enterprise", object_id=str(e.pk)).get()
    assert log.after["contact_phone"] == "138****5678"


def test_it_refuses_a_duplicate_credit_code_naming_the_existing_enterprise(demo, town_a, enterprise_perms, acme):
    with pytest.raises(ValidationError) as exc:
        services.enterprise_create(actor=town_a, data={"credit_code": acme.credit_code, "name": "另一家",
                                                       "area": demo.areas["谢埠村"]})
    assert "青山湖针织有限公司" in str(exc.value)
    assert Enterprise.objects.count() == 1


def test_it_refuses_a_wrong_check_character_and_writes_nothing(demo, town_a, enterprise_perms):
    code = make_credit_code(3)
    bad = code[:17] + ("0" if code[17] != "0" else "1")
    with pytest.raises(ValidationError) as exc:
        services.enterprise_create(actor=town_a, data={"credit_code": bad, "name": "X", "area": demo.areas["谢埠村"]})
    assert "校验位" in str(exc.value)
    assert not Enterprise.objects.exists()


def test_another_town_cannot_change_the_enterprise(demo, town_b, enterprise_perms, acme):
    with pytest.raises(PermissionDenied):
        services.enterprise_update(actor=town_b, enterprise=acme, data={"name": "改名"}, expected_version=acme.version)
    acme.refresh_from_db()
    assert acme.name == "青山湖针织有限公司"
    assert AuditLog.objects.filter(outcome="denied", object_id=str(acme.pk),
                                   message__startswith="enterprise_update").exists()


def test_the_edit_page_carries_the_version_and_requires_it(demo, town_a, enterprise_perms, acme, client_for):
    """Was: the form had no version field and the view passed None, i.e. an unguarded overwrite."""
    c = client_for(town_a)
    url = f"/enterprises/{acme.pk}/edit/"
    assert f'name="version" value="{acme.version}"' in c.get(url).content.decode()
    data = {"credit_code": acme.credit_code, "name": "青山湖针织股份有限公司", "industry": "other", "scale": "above",
            "area": demo.areas["谢埠村"].pk, "unit": demo.units["罗家镇"].pk}
    assert c.post(url, data).status_code == 428
    r = c.post(url, {**data, "version": acme.version + 1})
    assert r.status_code == 409 and "青山湖针织股份有限公司" in r.content.decode()  # the input is kept
    assert c.post(url, {**data, "version": acme.version}).status_code == 302
    acme.refresh_from_db()
    assert acme.name == "青山湖针织股份有限公司" and acme.version == 2


def test_the_add_page_shows_the_duplicate_message(demo, town_a, enterprise_perms, acme, client_for):
    response = client_for(town_a).post("/enterprises/add/", {
        "credit_code": acme.credit_code, "name": "重复", "industry": "other", "scale": "below",
        "area": demo.areas["谢埠村"].pk})
    assert response.status_code == 400
    assert "已登记为“青山湖针织有限公司”" in response.content.decode()


def test_list_page_and_export_mask_the_contact(demo, town_a, acme, client_for):
    page = client_for(town_a).get("/enterprises/").content.decode()
    assert "138****5678" in page and "13812345678" not in page
    assert "张**" in page and "张三丰" not in page
    export = client_for(town_a).get("/enterprises/?export=xlsx")
    values = [c.value for row in load_workbook(BytesIO(export.content)).active.iter_rows() for c in row]
    assert "138****5678" in values and "13812345678" not in values


def test_a_leader_with_the_permission_sees_the_phone(demo, leader, acme, client_for):
    page = client_for(leader).get(acme.get_absolute_url()).content.decode()
    assert "13812345678" in page


def test_searching_a_full_phone_finds_nothing_without_the_permission(demo, town_a, leader, acme, client_for):
    assert "青山湖针织" not in client_for(town_a).get("/enterprises/?q=13812345678").content.decode()
    assert "青山湖针织" in client_for(leader).get("/enterprises/?q=13812345678").content.decode()


def test_the_api_masks_the_contact(demo, town_a, acme, client_for):
    data = client_for(town_a).get(f"/api/enterprises/{acme.pk}/").json()
    assert data["contact_phone"] == "138****5678" and data["contact_name"] == "张**"


def test_the_api_refuses_a_duplicate_with_400(demo, town_a, enterprise_perms, acme, client_for):
    response = client_for(town_a).post("/api/enterprises/", {
        "credit_code": acme.credit_code, "name": "重复", "area": demo.areas["谢埠村"].pk}, content_type="application/json")
    assert response.status_code == 400
    assert "已登记" in response.content.decode()


def test_a_visit_is_recorded_and_shown_on_the_enterprise_page(demo, town_a, enterprise_perms, acme, client_for):
    c = client_for(town_a)
    person = demo.people["王晓燕"]
    response = c.post(f"/enterprises/{acme.pk}/visits/add/", {"date": "2024-03-05", "cadres": [person.pk],
                                                              "findings": "用工难"})
    assert response.status_code == 302
    visit = Visit.objects.get()
    assert visit.unit == demo.units["罗家镇"] and list(visit.cadres.all()) == [person]
    assert "用工难" in c.get(acme.get_absolute_url()).content.decode()


def test_a_visit_the_service_refuses_answers_403_and_is_audited(demo, town_a, acme, client_for):
    """Was: 400 for every refusal. Without the permission to add visits the service refuses: 403."""
    person = demo.people["王晓燕"]
    r = client_for(town_a).post(f"/enterprises/{acme.pk}/visits/add/", {"date": "2024-03-05", "cadres": [person.pk],
                                                                        "findings": "用工难"})
    assert r.status_code == 403 and "用工难" in r.content.decode()
    assert not Visit.objects.exists()
    assert AuditLog.objects.filter(outcome="denied", message__startswith="visit_create").exists()


def test_a_pairing_the_service_refuses_answers_403(demo, town_a, acme, client_for):
    r = client_for(town_a).post(f"/enterprises/{acme.pk}/pairings/add/",
                                {"person": demo.people["王晓燕"].pk, "year": 2024})
    assert r.status_code == 403
    assert not acme.pairings.exists()
    assert AuditLog.objects.filter(outcome="denied", message__startswith="pairing_create").exists()


def test_a_visit_needs_a_cadre(demo, town_a, enterprise_perms, acme, client_for):
    response = client_for(town_a).post(f"/enterprises/{acme.pk}/visits/add/", {"date": "2024-03-05"})
    assert response.status_code == 400
    assert not Visit.objects.exists()


def test_pairing_twice_in_a_year_is_refused(demo, town_a, enterprise_perms, acme):
    person = demo.people["王晓燕"]
    services.pairing_create(actor=town_a, person=person, enterprise=acme, year=2024)
    with pytest.raises(ValidationError):
        services.pairing_create(actor=town_a, person=person, enterprise=acme, year=2024)


def test_coverage_counts_unvisited_enterprises_by_area_with_links(demo, town_a, leader, acme, client_for):
    other = Enterprise.objects.create(credit_code=make_credit_code(2), name="塘山物流", area=demo.areas["塘山村"],
                                      unit=demo.units["塘山镇"])
    Visit.objects.create(enterprise=acme, date=datetime.date(2024, 4, 1), unit=demo.units["罗家镇"])
    Visit.objects.create(enterprise=other, date=datetime.date(2023, 4, 1), unit=demo.units["塘山镇"])
    data = selectors.coverage(user=leader, year=2024)
    rows = {r.label: r for r in data["rows"]}
    assert (rows["罗家镇"].total, rows["罗家镇"].visited) == (1, 1)
    assert (rows["塘山镇"].total, rows["塘山镇"].unvisited) == (1, 1)
    assert data["total"].percent == 50.0
    listed = client_for(leader).get(rows["塘山镇"].link_unvisited).content.decode()
    assert "塘山物流" in listed and "青山湖针织" not in listed
    inside = selectors.coverage(user=leader, year=2024, area=demo.areas["罗家镇"])
    assert [(b.label, b.visited) for b in inside["buildings"]] == [("谢埠老街1号楼", 1)]
    page = client_for(leader).get(f"/enterprises/coverage/?year=2024&area={demo.areas['罗家镇'].pk}")
    assert page.status_code == 200 and "谢埠老街1号楼" in page.content.decode()


def test_the_list_filters_unvisited_enterprises_of_a_year(demo, leader, acme, client_for):
    Visit.objects.create(enterprise=acme, date=datetime.date(2024, 4, 1), unit=demo.units["罗家镇"])
    c = client_for(leader)
    assert "青山湖针织" in c.get("/enterprises/?year=2024&visited=yes").content.decode()
    assert "青山湖针织" not in c.get("/enterprises/?year=2024&visited=no").content.decode()
    assert "青山湖针织" in c.get("/enterprises/?year=2023&visited=no").content.decode()


def test_visits_are_recorded_through_the_api(demo, town_a, enterprise_perms, acme, client_for):
    person = demo.people["王晓燕"]
    r = client_for(town_a).post("/api/visits/", {"enterprise": acme.pk, "date": "2024-05-06", "cadres": [person.pk],
                                                 "findings": "融资难"}, content_type="application/json")
    assert r.status_code == 201, r.content
    visit = Visit.objects.get()
    assert visit.unit == demo.units["罗家镇"] and visit.created_by == town_a
    assert client_for(town_a).get("/api/visits/").json()["count"] == 1


def test_another_town_cannot_change_the_enterprise_through_the_api(demo, town_b, enterprise_perms, acme, client_for):
    r = client_for(town_b).patch(f"/api/enterprises/{acme.pk}/", {"name": "改名"}, content_type="application/json")
    assert r.status_code == 404
    acme.refresh_from_db()
    assert acme.name == "青山湖针织有限公司"


@pytest.mark.parametrize("method", ["patch", "put"])
def test_changing_an_enterprise_through_the_api_needs_the_version(demo, town_a, enterprise_perms, acme, client_for,
                                                                  method):
    """Was: PATCH/PUT without If-Match or version answered 200 and overwrote whatever was there."""
    c = client_for(town_a)
    url = f"/api/enterprises/{acme.pk}/"
    body = {"credit_code": acme.credit_code, "name": "改名", "area": demo.areas["谢埠村"].pk, "industry": "other",
            "scale": "above"}
    send = getattr(c, method)
    assert send(url, body, content_type="application/json").status_code == 428
    assert send(url, body, content_type="application/json", HTTP_IF_MATCH='"abc"').status_code == 400
    assert send(url, body, content_type="application/json", HTTP_IF_MATCH=str(acme.version + 1)).status_code == 409
    acme.refresh_from_db()
    assert acme.name == "青山湖针织有限公司" and acme.version == 1
    r = send(url, body, content_type="application/json", HTTP_IF_MATCH=f'"{acme.version}"')
    assert r.status_code == 200, r.content
    assert r.json()["name"] == "改名" and r.json()["version"] == 2
    r = send(url, {**body, "name": "再改名", "version": 2}, content_type="application/json")
    assert r.status_code == 200 and r.json()["version"] == 3


def test_deleting_an_enterprise_through_the_api_needs_the_version(demo, town_a, grant, acme, client_for):
    grant("town", "enterprises.delete_enterprise")
    c = client_for(town_a)
    assert c.delete(f"/api/enterprises/{acme.pk}/").status_code == 428
    assert Enterprise.objects.filter(pk=acme.pk).exists()
    assert c.delete(f"/api/enterprises/{acme.pk}/", HTTP_IF_MATCH=str(acme.version)).status_code == 204
    assert not Enterprise.objects.filter(pk=acme.pk).exists()
