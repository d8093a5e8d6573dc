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
    r = c.post(f"/api/appeals/{appeal.pk}/actions/", {"action": "accept"}, content_type="application/json",
               HTTP_IF_MATCH=str(appeal.version + 5))
    assert r.status_code == 409 and r.json()["data"]["current_version"] == appeal.version
    r = c.post(f"/api/appeals/{appeal.pk}/actions/", {"action": "accept"}, content_type="application/json",
               HTTP_IF_MATCH=f'"{appeal.version}"')
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["state"] == "in_progress" and body["action"]["action"] == "accept" and body["replayed"] is False
    assert body["item"]["requester_phone"] == "138****5678"  # the item as its detail shows it: masked
    r = c.post(f"/api/appeals/{appeal.pk}/actions/", {"action": "reply", "data": {"outcome": "explained",
                                                                                 "reply": "属市级事权，已解释"},
                                                      "version": body["version"]}, content_type="application/json")
    assert r.status_code == 201 and r.json()["item"]["outcome"] == "explained" and r.json()["state"] == "closed"
    r = c.post(f"/api/appeals/{appeal.pk}/actions/", {"action": "rate", "data": {"satisfaction": "satisfied"},
                                                      "version": r.json()["version"]}, content_type="application/json")
    assert r.status_code == 403  # only the dispatching centre records a rating
    assert AuditLog.objects.filter(outcome="denied", object_id=str(appeal.pk), message__startswith="rate").exists()
    timeline = c.get(f"/api/appeals/{appeal.pk}/timeline/").json()
    assert [row["action"] for row in timeline] == ["assign", "accept", "reply"]


def test_the_idempotency_key_is_the_header_as_in_every_api(make_appeal, town_a, client_for):
    """Was: a body field `request_key` here, the `Idempotency-Key` header in the other APIs."""
    from items.models import ItemAction

    appeal = make_appeal()
    c = client_for(town_a)
    url = f"/api/appeals/{appeal.pk}/actions/"
    first = c.post(url, {"action": "comment", "note": "已联系诉求人"}, content_type="application/json",
                   HTTP_IF_MATCH=str(appeal.version), HTTP_IDEMPOTENCY_KEY="call-1")
    again = c.post(url, {"action": "comment", "note": "已联系诉求人"}, content_type="application/json",
                   HTTP_IF_MATCH=str(appeal.version), HTTP_IDEMPOTENCY_KEY="call-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["replayed"] is True and again.json()["action"]["id"] == first.json()["action"]["id"]
    assert ItemAction.objects.filter(item=appeal, action="comment").count() == 1
    # a `request_key` in the body is not a key: both requests are applied
    version = first.json()["version"]
    for v in (version, version + 1):
        r = c.post(url, {"action": "comment", "note": "再次联系", "request_key": "body-key"},
                   content_type="application/json", HTTP_IF_MATCH=str(v))
        assert r.status_code == 201, r.content
    assert ItemAction.objects.filter(item=appeal, action="comment").count() == 3


def test_the_detail_lists_the_actions_open_to_the_user(make_appeal, town_a, centre, client_for):
    appeal = make_appeal()
    mine = [a["action"] for a in client_for(town_a).get(f"/api/appeals/{appeal.pk}/").json()["available_actions"]]
    assert "accept" in mine and "bounce" in mine and "rate" not in mine


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
