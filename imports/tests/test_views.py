"""The import pages: upload, mapping, preview with the bad cells, commit, undo; a file refused with its
message and nothing written; another user's batch is 404."""
import pytest
from django.urls import reverse

from enterprises.models import Enterprise
from imports.models import BatchState, ImportBatch

from .test_engine import rows, workbook


def upload(client, data, name="名录.xlsx", target="enterprises.enterprise"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(reverse("imports:upload"), {"target": target, "file": SimpleUploadedFile(name, data)})


@pytest.mark.django_db
def test_upload_preview_commit_undo_through_the_pages(town_a, enterprise_import, client_for):
    client = client_for(town_a)
    assert client.get(reverse("imports:upload")).status_code == 200
    response = upload(client, workbook(rows(2)))
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    page = client.get(batch.get_absolute_url())
    assert page.status_code == 200 and "mapping-form" in page.content.decode()
    # confirm the proposed mapping: the check runs and the preview shows 2 creates
    data = {"version": batch.version, **{f"col_{k}": v for k, v in batch.mapping.items()}}
    assert client.post(reverse("imports:batch_mapping", args=[batch.pk]), data).status_code == 302
    batch.refresh_from_db()
    assert batch.state == BatchState.CHECKED and batch.rows_create == 2
    page = client.get(batch.get_absolute_url()).content.decode()
    assert 'data-testid="commit"' in page
    assert client.post(reverse("imports:batch_commit", args=[batch.pk]), {"version": batch.version}).status_code == 302
    assert Enterprise.objects.filter(name__startswith="测试企业").count() == 2
    batch.refresh_from_db()
    stale = client.post(reverse("imports:batch_undo", args=[batch.pk]), {"version": batch.version - 1})
    assert stale.status_code == 409
    assert client.post(reverse("imports:batch_undo", args=[batch.pk]), {"version": batch.version}).status_code == 302
    assert not Enterprise.objects.filter(name__startswith="测试企业").exists()


@pytest.mark.django_db
def test_a_refused_file_gets_its_message_and_nothing_is_written(town_a, enterprise_import, client_for):
    response = upload(client_for(town_a), b"%PDF-1.4 not a workbook", name="报表.xlsx")
    assert response.status_code == 400
    assert "不是电子表格文件" in response.content.decode()
    assert not ImportBatch.objects.exists()


@pytest.mark.django_db
def test_another_users_batch_is_not_found(town_a, town_b, enterprise_import, client_for):
    upload(client_for(town_a), workbook(rows(1)))
    batch = ImportBatch.objects.get()
    assert client_for(town_b).get(batch.get_absolute_url()).status_code == 404
    assert client_for(town_b).post(reverse("imports:batch_commit", args=[batch.pk]), {"version": 1}).status_code == 404


@pytest.mark.django_db
def test_template_download(town_a, enterprise_import, client_for):
    import io

    from openpyxl import load_workbook

    response = client_for(town_a).get(reverse("imports:template", args=["enterprises.enterprise"]))
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in ws[2]][:2] == ["统一社会信用代码", "企业名称"]


@pytest.mark.django_db
def test_a_user_who_may_not_create_rows_may_not_import(village, client_for):
    assert client_for(village).get(reverse("imports:upload")).status_code == 404
    assert client_for(village).get(reverse("imports:template", args=["enterprises.enterprise"])).status_code == 404
