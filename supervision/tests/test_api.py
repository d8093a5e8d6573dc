"""The API: scoped like the pages, workflow actions through perform, documents downloadable."""
import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from items.models import ItemState
from supervision import services
from supervision.bulletins import month_of

from .factories import accepted, finding, photo

pytestmark = pytest.mark.django_db


def api(user):
    c = APIClient()
    c.force_authenticate(user)
    return c


def test_a_supervisor_records_an_inspection_and_a_finding(supervisor, demo):
    c = api(supervisor)
    r = c.post("/api/inspections/", {"date": timezone.localdate().isoformat(), "title": "接口督查",
                                     "target_units": [demo.units["罗家镇"].pk]}, format="json")
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    r = c.post(f"/api/inspections/{pk}/findings/", {"title": "台账不全", "lead_unit": demo.units["罗家镇"].pk,
                                                    "category": "conduct"}, format="json")
    assert r.status_code == 201 and r.json()["state"] == ItemState.ASSIGNED
    assert c.get(f"/api/inspections/{pk}/").json()["state"] == "held"


def test_units_cannot_record_inspections(town_a):
    r = api(town_a).post("/api/inspections/", {"date": "2023-05-03", "title": "x"}, format="json")
    assert r.status_code == 403


def test_findings_are_scoped_and_actions_go_through_the_workflow(supervisor, town_a, town_b, demo):
    f = accepted(finding(supervisor, demo.units["罗家镇"]), town_a)
    assert api(town_b).get(f"/api/findings/{f.pk}/").status_code == 404
    assert [row["id"] for row in api(town_a).get("/api/findings/").json()["results"]] == [f.pk]
    c = api(town_a)
    r = c.post(f"/api/findings/{f.pk}/actions/", {"action": "rectify", "version": f.version}, format="multipart")
    assert r.status_code == 400 and "佐证材料" in r.content.decode()
    r = c.post(f"/api/findings/{f.pk}/actions/", {"action": "rectify", "version": f.version, "after": [photo()]},
               format="multipart", HTTP_IDEMPOTENCY_KEY="rectify-1")
    assert r.status_code == 201 and r.json()["state"] == ItemState.RECTIFIED
    body = r.json()
    version = body["version"]
    assert body["action"]["action"] == "rectify" and len(body["action"]["attachments"]) == 1
    assert "verify" not in {a["action"] for a in body["item"]["available_actions"]}
    # the same request again (same Idempotency-Key) does nothing twice
    again = c.post(f"/api/findings/{f.pk}/actions/", {"action": "rectify", "version": f.version, "after": [photo()]},
                   format="multipart", HTTP_IDEMPOTENCY_KEY="rectify-1")
    assert again.status_code == 200 and again.json()["replayed"] and again.json()["version"] == version
    assert c.post(f"/api/findings/{f.pk}/actions/", {"action": "verify", "version": version},
                  format="json").status_code == 403
    r = api(supervisor).post(f"/api/findings/{f.pk}/actions/", {"action": "verify", "version": version - 1},
                             format="json")
    assert r.status_code == 409
    r = api(supervisor).post(f"/api/findings/{f.pk}/actions/", {"action": "verify"}, format="json",
                             HTTP_IF_MATCH=f'"{version}"')
    assert r.status_code == 201 and r.json()["state"] == ItemState.STRUCK_OFF
    timeline = api(town_a).get(f"/api/findings/{f.pk}/timeline/").json()
    assert {"accept", "rectify", "verify"} <= {row["action"] for row in timeline}


def test_notices_and_bulletins_list_and_download(supervisor, town_a, town_b, demo):
    f = finding(supervisor, demo.units["罗家镇"])
    r = api(supervisor).post("/api/notices/", {"item": f.pk, "problem": "进度慢"}, format="json")
    assert r.status_code == 201
    nid = r.json()["id"]
    assert api(town_a).get(f"/api/notices/{nid}/download/").status_code == 200
    assert api(town_b).get(f"/api/notices/{nid}/").status_code == 404
    start, end = month_of(timezone.localdate())
    draft = services.bulletin_create(actor=supervisor, start=start, end=end)
    assert api(town_a).get(f"/api/bulletins/{draft.pk}/").status_code == 404  # drafts: supervisors only
    services.bulletin_publish(actor=supervisor, bulletin=draft)
    r = api(town_a).get(f"/api/bulletins/{draft.pk}/")
    assert r.status_code == 200 and r.json()["figures"]["summary"]["findings"] == 1
    assert api(town_a).get(f"/api/bulletins/{draft.pk}/download/?as=xlsx").status_code == 200


def test_the_openapi_document_lists_the_supervision_endpoints(supervisor):
    r = api(supervisor).get("/api/schema/?format=json")
    assert r.status_code == 200
    paths = r.json()["paths"]
    for p in ("/api/inspections/", "/api/findings/{id}/actions/", "/api/notices/", "/api/bulletins/{id}/download/"):
        assert p in paths, p


# --- confirmed defects (issue 10) ---------------------------------------------------------------------


@pytest.mark.parametrize("headers, status", [({}, 428), ({"HTTP_IF_MATCH": '"abc"'}, 400),
                                             ({"HTTP_IF_MATCH": '"0"'}, 400)])
def test_a_finding_action_without_a_usable_version_is_refused_and_changes_nothing(headers, status, supervisor,
                                                                                  town_a, demo):
    """It answered 200 and skipped the compare-and-swap: supervision/api.py turned a missing or garbage
    version into None, which perform() read as a trusted caller."""
    f = finding(supervisor, demo.units["罗家镇"])
    r = api(town_a).post(f"/api/findings/{f.pk}/actions/", {"action": "accept", "note": "收到"}, format="json",
                         **headers)
    assert r.status_code == status, r.content
    f.refresh_from_db()
    assert f.state == ItemState.ASSIGNED and not f.actions.filter(action="accept").exists()


def test_a_rectification_without_a_version_answers_428(supervisor, town_a, demo):
    f = accepted(finding(supervisor, demo.units["罗家镇"]), town_a)
    r = api(town_a).post(f"/api/findings/{f.pk}/actions/", {"action": "rectify", "after": [photo()]},
                         format="multipart")
    assert r.status_code == 428
    f.refresh_from_db()
    assert f.state == ItemState.IN_PROGRESS and not f.attachments.exists()


@pytest.mark.parametrize("headers, status", [({}, 428), ({"HTTP_IF_MATCH": '"abc"'}, 400)])
def test_holding_an_inspection_needs_its_version(headers, status, supervisor, demo):
    from .factories import inspection

    insp = inspection(supervisor, [demo.units["罗家镇"]])
    r = api(supervisor).post(f"/api/inspections/{insp.pk}/hold/", {"record": "已开展"}, format="json", **headers)
    assert r.status_code == status
    insp.refresh_from_db()
    assert insp.state == "planned"
    r = api(supervisor).post(f"/api/inspections/{insp.pk}/hold/", {"record": "已开展"}, format="json",
                             HTTP_IF_MATCH=f'"{insp.version}"')
    assert r.status_code == 200 and r.json()["state"] == "held"


def test_the_api_lists_filter_with_the_pages_filtersets(supervisor, demo):
    """The API had its own `filterset_fields` (no keyword, no 逾期, no dates) beside the pages' FilterSets."""
    from supervision import api as supervision_api
    from supervision import views

    assert supervision_api.FindingViewSet.filterset_class is views.FindingList.filterset
    assert supervision_api.InspectionViewSet.filterset_class is views.InspectionList.filterset
    assert supervision_api.NoticeViewSet.filterset_class is views.NoticeList.filterset
    wanted = finding(supervisor, demo.units["罗家镇"], title="消防通道被占用")
    other = finding(supervisor, demo.units["罗家镇"], title="台账资料不全")
    c = api(supervisor)
    assert [r["id"] for r in c.get("/api/findings/", {"q": "消防"}).json()["results"]] == [wanted.pk]
    assert {r["id"] for r in c.get("/api/findings/", {"overdue": "false"}).json()["results"]} == {wanted.pk, other.pk}
    assert c.get("/api/findings/", {"overdue": "true"}).json()["results"] == []
    assert {r["id"] for r in c.get("/api/findings/", {"inspection": wanted.inspection_id}).json()["results"]} == {
        wanted.pk}
    day = wanted.inspection.date.isoformat()
    assert wanted.inspection_id in [r["id"] for r in c.get("/api/inspections/", {"date_from": day, "date_to": day})
                                    .json()["results"]]


def test_a_supervisor_sees_inspections_and_notices_only_within_their_roles_data_scope(supervisor, demo):
    """supervision/selectors.py let supervisors skip visible_to: now their role's data scope decides."""
    from accounts.models import DataScope, Role, User
    from supervision.selectors import inspections_visible, notices_visible

    f = finding(supervisor, demo.units["罗家镇"])
    notice = services.notice_issue(actor=supervisor, item=f)
    assert inspections_visible(supervisor).filter(pk=f.inspection_id).exists()  # 全部数据 (the demo's role)
    Role.objects.filter(code="supervisor").update(data_scope=DataScope.UNIT)  # 区委督查室 only
    narrowed = User.objects.get(pk=supervisor.pk)
    assert not inspections_visible(narrowed).filter(pk=f.inspection_id).exists()
    assert not notices_visible(narrowed).filter(pk=notice.pk).exists()
    assert api(narrowed).get(f"/api/inspections/{f.inspection_id}/").status_code == 404
    assert api(narrowed).get(f"/api/notices/{notice.pk}/").status_code == 404
