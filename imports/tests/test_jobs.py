"""Large files go through the background jobs (django-tasks; immediate in the tests) and record their progress;
the jobs are idempotent; formula-like text is imported as text and neutralised on export, and comes back
unchanged."""
import io

import pytest
from django.test import override_settings
from django.urls import reverse
from openpyxl import load_workbook

from enterprises.models import Enterprise
from enterprises.tests.conftest import make_credit_code
from imports import engine, services
from imports.models import BatchState

from .test_engine import rows, workbook
from .workbooks import csv_bytes


@pytest.mark.django_db
def test_a_large_file_is_checked_and_committed_by_the_jobs(town_a, enterprise_import, run_import, monkeypatch):
    from imports import jobs

    calls = []
    for name in ("check_job", "commit_job"):
        job = getattr(jobs, name)
        monkeypatch.setattr(services, name, type("Spy", (), {"enqueue": lambda self, *a, job=job, name=name: (
            calls.append(name), job.enqueue(*a))[1]})())
    with override_settings(TAIZHANG_IMPORT_LIMITS={"background_rows": 2}):
        batch = run_import(town_a, "enterprises.enterprise", workbook(rows(3)))
        assert batch.state == BatchState.CHECKED and batch.progress_done == batch.progress_total == 3
        batch = services.batch_commit(actor=town_a, batch=batch, expected_version=batch.version)
    assert calls == ["check_job", "commit_job"]
    assert batch.state == BatchState.COMMITTED and Enterprise.objects.filter(name__startswith="测试企业").count() == 3
    # the jobs are idempotent: run again on a batch no longer 检查中/导入中, they leave it alone
    engine.run_check(batch.pk, town_a.pk)
    engine.run_commit(batch.pk, town_a.pk)
    batch.refresh_from_db()
    assert batch.state == BatchState.COMMITTED and Enterprise.objects.filter(name__startswith="测试企业").count() == 3


@pytest.mark.django_db
def test_progress_of_a_commit_is_read_from_its_progress_file(town_a, enterprise_import, run_import):
    batch = run_import(town_a, "enterprises.enterprise", workbook(rows(1)))
    batch.state = BatchState.COMMITTING
    engine.write_progress_file(batch.pk, 40, 100)
    assert engine.progress_of(batch) == (40, 100)


@pytest.mark.django_db
def test_formula_text_is_text_neutralised_on_export_and_unchanged_on_reimport(leader, town_a, enterprise_import,
                                                                             grant, client_for, run_import):
    grant("district_leader", "enterprises.add_enterprise", "enterprises.change_enterprise")
    formula = "=cmd|' /C calc'!A0"  # the classic CSV-injection payload (no comma: tags split on commas)
    data = csv_bytes(["统一社会信用代码", "企业名称", "所在区划", "标签"],
                     [[make_credit_code(7), "公式测试企业", "谢埠村", formula]])
    batch = run_import(town_a, "enterprises.enterprise", data, name="a.csv")
    services.batch_commit(actor=town_a, batch=batch, expected_version=batch.version)
    assert Enterprise.objects.get(name="公式测试企业").tags == formula  # stored as text, never evaluated
    export = client_for(leader).get(reverse("enterprises:enterprise_list") + "?export=xlsx")
    ws = load_workbook(io.BytesIO(export.content)).active
    cells = [c.value for row in ws.iter_rows() for c in row if c.value and "cmd" in str(c.value)]
    assert cells == ["'" + formula]  # neutralised: a text cell, not a formula
    again = run_import(leader, "enterprises.enterprise", export.content, name="企业库.xlsx")
    assert (again.error_count, again.rows_update, again.rows_unchanged) == (0, 0, 1)
