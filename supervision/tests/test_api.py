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
               format="multipart")
    assert r.status_code == 200 and r.json()["state"] == ItemState.RECTIFIED
    version = r.json()["version"]
    assert "verify" not in r.json()["available_actions"]
    assert c.post(f"/api/findings/{f.pk}/actions/", {"action": "verify", "version": version},
                  format="json").status_code == 403
    r = api(supervisor).post(f"/api/findings/{f.pk}/actions/", {"action": "verify", "version": version - 1},
                             format="json")
    assert r.status_code == 409
    r = api(supervisor).post(f"/api/findings/{f.pk}/actions/", {"action": "verify", "version": version},
                             format="json")
    assert r.status_code == 200 and r.json()["state"] == ItemState.STRUCK_OFF


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
