"""The test kit of a ledger kind (NetBox's ViewTestCases, in pytest): a kind's tests inherit
`ItemKindContract`, declare where the kind lives and how to make one row, and get the checks every kind must
pass — the same scope on the page, the API and the export; a version required on every write (428 without,
400 malformed, 409 stale with the user's input kept); an idempotent repeat; a refusal audited; personal
data masked in the export.

    class TestFindingKit(ItemKindContract):
        detail_url_name = "supervision:finding_detail"
        list_url_name = "supervision:finding_list"
        api_basename = "finding"
        action, actor, refused_actor = "accept", "town_a", "leader"

        def make_row(self, demo, people):
            return finding(people["supervisor"], demo.units["罗家镇"])

`make_row` returns an item of the kind, assigned to 罗家镇 (town_a's unit), on which `actor` may do `action`
and `refused_actor` may see it but not do it. Uses the root conftest's personas and `client_for`.
"""
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.scope import visible_to
from audit.models import AuditLog

from .models import Item, ItemAction

PERSONAS = ("town_a", "town_b", "leader", "admin_user", "village", "dept", "taskforce", "supervisor", "auditor")


def _json_post(client, url, body, **headers):
    return client.post(url, body, content_type="application/json", **headers)


@pytest.mark.django_db
class ItemKindContract:
    detail_url_name: str
    list_url_name: str
    api_basename: str
    api_namespace = "api"
    action = "accept"
    action_data: dict = {}
    actor = "town_a"
    outsider = "town_b"
    refused_actor = "leader"
    export_field = "number"  # the row's field whose value is a cell of its line in the list's Excel export

    # -- fixtures

    @pytest.fixture
    def people(self, request, demo):
        return {name: request.getfixturevalue(name) for name in PERSONAS}

    @pytest.fixture
    def row(self, demo, people):
        return self.make_row(demo, people)

    # -- urls

    def page_url(self, row):
        return reverse(self.detail_url_name, args=[row.pk])

    def api_url(self, row, suffix="detail"):
        return reverse(f"{self.api_namespace}:{self.api_basename}-{suffix}", args=[row.pk] if suffix != "list" else [])

    def _action_body(self, **extra):
        return {"action": self.action, "note": "契约测试", "data": dict(self.action_data), **extra}

    def _fresh(self, row):
        return Item.objects.get(pk=row.pk)

    # -- the contract

    def test_page_api_and_export_agree_with_the_one_scope(self, row, people, client_for):
        assert visible_to(people[self.actor], Item.objects.filter(pk=row.pk)).exists()
        assert not visible_to(people[self.outsider], Item.objects.filter(pk=row.pk)).exists()
        for name, user in people.items():
            client = client_for(user)
            visible = visible_to(user, Item.objects.filter(pk=row.pk)).exists()
            assert client.get(self.page_url(row)).status_code == (200 if visible else 404), name
            assert client.get(self.api_url(row)).status_code == (200 if visible else 404), name
            listed = {r["id"] for r in client.get(self.api_url(row, "list"), {"page_size": 500}).json()["results"]}
            assert (row.pk in listed) == visible, name
            export = client.get(reverse(self.list_url_name), {"export": "xlsx"})
            if export.status_code == 200:
                cells = {str(c.value) for r in load_workbook(io.BytesIO(export.content)).active.iter_rows()
                         for c in r}
                assert (str(getattr(row, self.export_field)) in cells) == visible, name

    def test_an_api_action_without_a_version_is_refused_428(self, row, people, client_for):
        before = self._fresh(row).version
        response = _json_post(client_for(people[self.actor]), self.api_url(row, "perform-action"), self._action_body())
        assert response.status_code == 428
        assert self._fresh(row).version == before

    def test_an_api_action_with_a_malformed_version_is_refused_400(self, row, people, client_for):
        before = self._fresh(row).version
        response = _json_post(client_for(people[self.actor]), self.api_url(row, "perform-action"), self._action_body(),
                              HTTP_IF_MATCH='"abc"')
        assert response.status_code == 400
        assert self._fresh(row).version == before

    def test_a_stale_version_answers_409_and_the_page_keeps_the_input(self, row, people, client_for):
        client = client_for(people[self.actor])
        stale = self._fresh(row).version
        bumped = _json_post(client_for(people["admin_user"]), self.api_url(row, "perform-action"),
                            {"action": "comment", "note": "他人先改了"}, HTTP_IF_MATCH=str(stale))
        assert bumped.status_code == 201
        typed = "我填写的说明不能丢"
        response = client.post(self.page_url(row), {
            "action": self.action, f"{self.action}-version": stale, f"{self.action}-request_key": "k-stale",
            f"{self.action}-note": typed, **{f"{self.action}-{k}": v for k, v in self.action_data.items()}})
        assert response.status_code == 409
        assert typed in response.content.decode()
        assert self._fresh(row).version == stale + 1

    def test_a_repeated_idempotency_key_acts_once(self, row, people, client_for):
        client = client_for(people[self.actor])
        version = str(self._fresh(row).version)
        first = _json_post(client, self.api_url(row, "perform-action"), self._action_body(), HTTP_IF_MATCH=version,
                           HTTP_IDEMPOTENCY_KEY="contract-key-1")
        again = _json_post(client, self.api_url(row, "perform-action"), self._action_body(), HTTP_IF_MATCH=version,
                           HTTP_IDEMPOTENCY_KEY="contract-key-1")
        assert (first.status_code, again.status_code) == (201, 200)
        assert again.json()["replayed"] is True and again.json()["action"]["id"] == first.json()["action"]["id"]
        assert ItemAction.objects.filter(item_id=row.pk, action=self.action).count() == 1

    def test_a_refused_action_is_audited_as_denied(self, row, people, client_for):
        user = people[self.refused_actor]
        response = _json_post(client_for(user), self.api_url(row, "perform-action"), self._action_body(),
                              HTTP_IF_MATCH=str(self._fresh(row).version))
        assert response.status_code == 403
        assert AuditLog.objects.filter(outcome="denied", user_id=user.pk, object_id=str(row.pk)).exists()

    def test_the_export_masks_personal_data(self, row, people, client_for):
        personal = getattr(type(row), "personal_fields", None) or {}
        values = [str(getattr(row, name)) for name in personal if getattr(row, name, None)]
        if not values:
            pytest.skip("the kind keeps no personal data")
        export = client_for(people["town_a"]).get(reverse(self.list_url_name), {"export": "xlsx"})
        text = " ".join(str(c.value) for r in load_workbook(io.BytesIO(export.content)).active.iter_rows() for c in r)
        assert not any(value in text for value in values)
