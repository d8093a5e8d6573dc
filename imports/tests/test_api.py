"""The import's REST endpoints: the same steps as the pages through the same services — upload (multipart),
mapping, check, commit (If-Match; 428 without, 409 stale), undo, issues, changes — scoped like the pages."""
import io

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from enterprises.models import Enterprise

from .test_engine import rows, workbook


@pytest.fixture
def api_for():
    def make(user):
        client = APIClient()
        client.force_authenticate(user)
        return client
    return make


def upload(client, data, name="名录.xlsx"):
    file = io.BytesIO(data)
    file.name = name
    return client.post(reverse("api:import-batch-list"), {"target": "enterprises.enterprise", "file": file},
                       format="multipart")


@pytest.mark.django_db
def test_targets_list_what_the_user_may_import_into(town_a, village, enterprise_import, api_for):
    codes = [t["code"] for t in api_for(town_a).get(reverse("api:import-target-list")).json()]
    assert "enterprises.enterprise" in codes
    detail = api_for(town_a).get(reverse("api:import-target-detail", args=["enterprises.enterprise"])).json()
    assert detail["keys"] == [["credit_code"]] and detail["fields"][0]["label"] == "统一社会信用代码"
    assert api_for(village).get(reverse("api:import-target-list")).json() == []


@pytest.mark.django_db
def test_upload_check_commit_undo(town_a, town_b, enterprise_import, api_for):
    client = api_for(town_a)
    response = upload(client, workbook(rows(2)))
    assert response.status_code == 201, response.json()
    batch = response.json()
    assert batch["state"] == "uploaded" and batch["mapping"]
    checked = client.post(reverse("api:import-batch-mapping", args=[batch["id"]]),
                          {"mapping": batch["mapping"], "version": batch["version"]}, format="json")
    assert checked.status_code == 200 and checked.json()["rows_create"] == 2
    version = checked.json()["version"]
    url = reverse("api:import-batch-commit", args=[batch["id"]])
    assert client.post(url, {}, format="json").status_code == 428
    assert client.post(url, {}, format="json", HTTP_IF_MATCH=f'"{version + 5}"').status_code == 409
    assert api_for(town_b).post(url, {}, format="json", HTTP_IF_MATCH=f'"{version}"').status_code == 404
    committed = client.post(url, {}, format="json", HTTP_IF_MATCH=f'"{version}"')
    assert committed.status_code == 200 and committed.json()["state"] == "committed"
    assert Enterprise.objects.filter(name__startswith="测试企业").count() == 2
    undone = client.post(reverse("api:import-batch-undo", args=[batch["id"]]),
                         {"version": committed.json()["version"]}, format="json")
    assert undone.status_code == 200 and undone.json()["state"] == "undone"
    assert not Enterprise.objects.filter(name__startswith="测试企业").exists()


@pytest.mark.django_db
def test_issues_in_chinese_and_english(town_a, enterprise_import, api_for):
    data = rows(1)
    data[0] = (1, "甲企业", "123", "规上", "谢埠村", "罗家镇", "甲", "13812340001")
    client = api_for(town_a)
    batch = upload(client, workbook(data)).json()
    client.post(reverse("api:import-batch-check", args=[batch["id"]]))
    issues = client.get(reverse("api:import-batch-issues", args=[batch["id"]])).json()["results"]
    assert issues[0]["column"] == "C" and "统一社会信用代码" in issues[0]["message_zh"]
    assert "credit code" in issues[0]["message_en"].lower()


@pytest.mark.django_db
def test_a_refused_file_is_a_400_with_its_message(town_a, enterprise_import, api_for):
    response = upload(api_for(town_a), b"not a workbook at all", name="a.xlsx")
    assert response.status_code == 400 and "电子表格" in str(response.json())


@pytest.mark.django_db
def test_the_export_reopens_in_the_importer_unchanged(leader, town_a, enterprise_import, grant, client_for,
                                                      run_import):
    """企业库's Excel export — in full for the leader, contacts masked for the town user — re-imported: no change."""
    from imports import services

    grant("district_leader", "enterprises.add_enterprise", "enterprises.change_enterprise")
    batch = run_import(town_a, "enterprises.enterprise", workbook(rows(3)))
    services.batch_commit(actor=town_a, batch=batch, expected_version=batch.version)
    for user in (leader, town_a):
        export = client_for(user).get(reverse("enterprises:enterprise_list") + "?export=xlsx")
        assert export.status_code == 200
        again = run_import(user, "enterprises.enterprise", export.content, name="企业库.xlsx")
        assert again.error_count == 0, list(again.issues.values_list("message_zh", flat=True))
        assert (again.rows_update, again.rows_create, again.rows_unchanged) == (0, 0, 3), user
