"""Staff API: scoped, masked, workflow actions through perform, audited reveal, OpenAPI document."""
import pytest

from audit.models import AuditLog

pytestmark = pytest.mark.django_db


def test_the_api_lists_only_appeals_in_scope_and_masks_the_requester(make_appeal, town_a, town_b, leader, client_for):
    appeal = make_appeal()
    rows = client_for(town_a).get("/api/appeals/").json()["results"]
    assert [r["number"] for r in rows] == [appeal.number]
    assert rows[0]["requester_phone"] == "138****5678" and rows[0]["requester_id_number"] == "110105********002X"
    assert client_for(town_b).get("/api/appeals/").json()["results"] == []
    assert client_for(town_b).get(f"/api/appeals/{appeal.pk}/").status_code == 404
    assert client_for(leader).get(f"/api/appeals/{appeal.pk}/").json()["requester_phone"] == "138****5678"


def test_workflow_actions_go_through_perform_with_the_version(make_appeal, town_a, client_for):
    appeal = make_appeal()
    c = client_for(town_a)
    r = c.post(f"/api/appeals/{appeal.pk}/actions/", {"action": "accept"}, content_type="application/json")
    assert r.status_code == 400  # no version
    r = c.post(f"/api/appeals/{appeal.pk}/actions/", {"action": "accept"}, content_type="application/json",
               HTTP_IF_MATCH=str(appeal.version + 5))
    assert r.status_code == 409
    r = c.post(f"/api/appeals/{appeal.pk}/actions/", {"action": "accept"}, content_type="application/json",
               HTTP_IF_MATCH=str(appeal.version))
    assert r.status_code == 200 and r.json()["state"] == "in_progress"
    version = r.json()["version"]
    r = c.post(f"/api/appeals/{appeal.pk}/actions/", {"action": "reply", "data": {"outcome": "explained",
                                                                                 "reply": "属市级事权，已解释"},
                                                      "version": version}, content_type="application/json")
    assert r.status_code == 200 and r.json()["outcome"] == "explained" and r.json()["state"] == "closed"
    r = c.post(f"/api/appeals/{appeal.pk}/actions/", {"action": "rate", "data": {"satisfaction": "satisfied"},
                                                      "version": r.json()["version"]}, content_type="application/json")
    assert r.status_code == 403  # only the dispatching centre records a rating


def test_reveal_through_the_api_is_audited(make_appeal, leader, town_a, client_for):
    appeal = make_appeal()
    r = client_for(leader).post(f"/api/appeals/{appeal.pk}/reveal/", {"field": "requester_phone"},
                                content_type="application/json")
    assert r.json() == {"field": "requester_phone", "value": "13812345678"}
    assert AuditLog.objects.filter(action="reveal", object_id=str(appeal.pk), outcome="success").count() == 1
    r = client_for(town_a).post(f"/api/appeals/{appeal.pk}/reveal/", {"field": "requester_phone"},
                                content_type="application/json")
    assert r.status_code == 403


def test_creating_through_the_api_refuses_a_wrong_id_number(appeals_setup, centre, demo, client_for):
    from appeals.models import Appeal

    r = client_for(centre).post("/api/appeals/", {
        "title": "噪音", "channel": "hotline", "category": appeals_setup.categories["city-noise"].pk,
        "area": demo.areas["罗家镇"].pk, "requester_id_number": "110105194912310021"}, content_type="application/json")
    assert r.status_code == 400 and "校验位" in r.content.decode()
    assert not Appeal.objects.exists()


def test_the_openapi_document_lists_the_endpoints(leader, client_for):
    schema = client_for(leader).get("/api/schema/").content.decode()
    for path in ("/api/appeals/", "/api/appeals/{id}/actions/", "/api/enterprises/", "/api/visits/"):
        assert path in schema


def test_an_open311_key_is_stored_hashed_and_checked(db):
    from io import StringIO

    from django.core.management import call_command

    from appeals.models import Open311ApiKey
    from appeals.services import api_key_valid

    out = StringIO()
    call_command("open311_key", "市12345平台", stdout=out)
    key = out.getvalue().strip().rsplit(" ", 1)[-1]
    stored = Open311ApiKey.objects.get()
    assert key not in stored.key_hash and api_key_valid(key) and not api_key_valid(key + "x")
    stored.is_active = False
    stored.save()
    assert not api_key_valid(key)
