"""The item API: actions through perform() with If-Match and Idempotency-Key, 409 on a stale version,
404 outside the scope for the item, its timeline, its reports and its attachments, and the to-do list."""
import json

from django.core.files.uploadedfile import SimpleUploadedFile

from items import services
from items.models import ItemAction, ItemState

from .engine_fixtures import KIND, engine_kind, make_item_fixture  # noqa: F401


def post_action(client, item_id, body, version=None, key=None, **extra):
    headers = {}
    if version is not None:
        headers["HTTP_IF_MATCH"] = f'"{version}"'
    if key:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return client.post(f"/api/items/{item_id}/actions/", data=json.dumps(body), content_type="application/json",
                       **headers, **extra)


def test_list_is_scoped_and_filtered(demo, make_item, client_for, town_a, town_b):
    mine = make_item(title="罗家镇楼宇走访")
    make_item(title="塘山镇楼宇走访", lead_unit=demo.units["塘山镇"])
    body = client_for(town_a).get("/api/items/", {"kind": KIND}).json()
    assert [r["id"] for r in body["results"]] == [mine.pk]
    assert client_for(town_b).get("/api/items/", {"q": "罗家镇"}).json()["count"] == 0
    assert client_for(town_a).get("/api/items/", {"state": "closed"}).json()["count"] == 0
    assert client_for(town_a).get("/api/items/", {"unit": demo.units["罗家镇"].pk}).json()["count"] == 1


def test_detail_lists_the_users_actions(demo, make_item, client_for, town_a):
    item = make_item()
    data = client_for(town_a).get(f"/api/items/{item.pk}/").json()
    assert data["number"] == item.number and data["version"] == item.version
    assert {"accept", "bounce"} <= {a["action"] for a in data["available_actions"]}


def test_an_action_with_if_match_moves_the_item(demo, make_item, client_for, town_a):
    item = make_item()
    resp = post_action(client_for(town_a), item.pk, {"action": "accept"}, version=item.version)
    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert body["state"] == ItemState.IN_PROGRESS and body["version"] == item.version + 1
    assert body["action"]["action"] == "accept" and body["replayed"] is False


def test_a_stale_version_answers_409(demo, make_item, client_for, town_a, taskforce):
    item = make_item()
    services.perform(item, "urge", taskforce, item.version, note="请签收")
    resp = post_action(client_for(town_a), item.pk, {"action": "accept"}, version=item.version - 1)
    assert resp.status_code == 409 and "已被他人修改" in resp.json()["detail"]


def test_the_version_may_come_in_the_body_and_is_required(demo, make_item, client_for, town_a):
    item = make_item()
    client = client_for(town_a)
    assert post_action(client, item.pk, {"action": "accept"}).status_code == 428  # no version: precondition required
    resp = post_action(client, item.pk, {"action": "accept", "version": item.version})
    assert resp.status_code == 201


def test_an_idempotency_key_replays_the_first_result(demo, make_item, client_for, town_a):
    item = make_item()
    client = client_for(town_a)
    first = post_action(client, item.pk, {"action": "accept"}, version=item.version, key="abc")
    again = post_action(client, item.pk, {"action": "accept"}, version=item.version, key="abc")
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["replayed"] is True and again.json()["action"]["id"] == first.json()["action"]["id"]
    assert ItemAction.objects.filter(item=item, action="accept").count() == 1


def test_refusals_map_to_400_and_403(demo, make_item, client_for, town_a, taskforce):
    item = make_item()
    resp = post_action(client_for(town_a), item.pk, {"action": "approve"}, version=item.version)
    assert resp.status_code == 400 and "不能执行" in json.dumps(resp.json(), ensure_ascii=False)
    resp = post_action(client_for(taskforce), item.pk, {"action": "accept"}, version=item.version)
    assert resp.status_code == 403
    resp = post_action(client_for(town_a), item.pk, {"action": "bounce", "reason_code": "nope"}, version=item.version)
    assert resp.status_code == 400 and "reason_code" in resp.json()


def test_outside_the_scope_everything_is_404(demo, make_item, client_for, town_a, town_b):
    item = make_item()
    row = services.perform(item, "comment", town_a, item.version, note="附件",
                           files=[SimpleUploadedFile("a.txt", b"hello")])
    att = row.attachments.get()
    other = client_for(town_b)
    assert other.get(f"/api/items/{item.pk}/").status_code == 404
    assert other.get(f"/api/items/{item.pk}/timeline/").status_code == 404
    assert other.get(f"/api/items/{item.pk}/reports/").status_code == 404
    assert post_action(other, item.pk, {"action": "accept"}, version=item.version).status_code == 404
    assert other.get(f"/api/attachments/{att.pk}/").status_code == 404
    assert other.get(f"/api/attachments/{att.pk}/download/").status_code == 404
    mine = client_for(town_a)
    assert mine.get(f"/api/attachments/{att.pk}/download/").status_code == 200
    timeline = mine.get(f"/api/items/{item.pk}/timeline/").json()
    assert [r["action"] for r in timeline] == ["assign", "comment"]
    assert timeline[1]["attachments"][0]["sha256"] == att.sha256


def test_reports_endpoint_writes_the_current_period(demo, make_item, client_for, town_a):
    item = make_item()
    client = client_for(town_a)
    v = post_action(client, item.pk, {"action": "accept"}, version=item.version).json()["version"]
    resp = client.post(f"/api/items/{item.pk}/reports/", data=json.dumps({"percent": 50, "narrative": "过半"}),
                       content_type="application/json", HTTP_IF_MATCH=str(v))
    assert resp.status_code == 201, resp.content
    reports = client.get(f"/api/items/{item.pk}/reports/").json()
    assert reports[0]["percent"] == 50
    bad = client.post(f"/api/items/{item.pk}/reports/", data=json.dumps({"percent": 500, "narrative": ""}),
                      content_type="application/json", HTTP_IF_MATCH=str(v + 1))
    assert bad.status_code == 400


def test_a_multipart_action_carries_attachments(demo, make_item, client_for, town_a):
    item = make_item()
    resp = client_for(town_a).post(
        f"/api/items/{item.pk}/actions/",
        data={"action": "comment", "note": "现场照片", "version": item.version,
              "files": [SimpleUploadedFile("现场.txt", "说明".encode())]})
    assert resp.status_code == 201, resp.content
    assert resp.json()["action"]["attachments"][0]["original_name"] == "现场.txt"
    resp = client_for(town_a).post(
        f"/api/items/{item.pk}/actions/",
        data={"action": "comment", "note": "伪装", "version": item.version + 1,
              "files": [SimpleUploadedFile("virus.jpg", b"MZ" + b"\x00" * 64)]})
    assert resp.status_code == 400


def test_todo_endpoint_lists_what_waits_for_me(demo, make_item, client_for, town_a, taskforce):
    item = make_item()
    body = client_for(town_a).get("/api/todo/").json()
    assert body["counts"]["to_accept"] >= 1 and item.pk in [r["id"] for r in body["to_accept"]]
    services.perform(item, "accept", town_a, item.version)
    services.perform(item, "submit", town_a, item.version)
    body = client_for(taskforce).get("/api/todo/").json()
    assert item.pk in [r["id"] for r in body["to_review"]]


def test_anonymous_is_refused(db, client):
    assert client.get("/api/items/").status_code in (401, 403)
    assert client.get("/api/todo/").status_code in (401, 403)
