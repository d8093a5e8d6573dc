"""The engine end to end on the enterprise database: an office workbook with a merged title, a 填报单位 line,
a two-row header, a 合计 row and notes; the preview lists every bad cell and writes nothing; the commit is
all or nothing; a re-import updates by key and shows the change field by field; undo."""
import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditLog
from enterprises.models import Enterprise
from enterprises.tests.conftest import make_credit_code
from imports import services
from imports.models import BatchState, ImportIssue
from imports.targets import get_target

from .workbooks import office_xlsx

TOP = [("序号", 1), ("企业基本情况", 3), ("属地", 2), ("联系人", 1), ("联系电话", 1)]
BOTTOM = ["企业名称", "统一社会信用代码", "规模", "所在区划", "属地单位"]


def workbook(rows, **kw):
    return office_xlsx("2023年罗家镇扫楼扫街企业名录", TOP, BOTTOM, rows, **kw)


def rows(n=3, start=1):
    return [(i, f"测试企业{i}有限公司", make_credit_code(100 + i), "规上" if i % 2 else "规下", "谢埠村", "罗家镇",
             f"联系人{i}", f"1381234{i:04d}") for i in range(start, start + n)]


@pytest.mark.django_db
def test_office_workbook_header_is_found_and_mapped(town_a, enterprise_import, run_import):
    batch = run_import(town_a, "enterprises.enterprise", workbook(rows()))
    headers = [c["header"] for c in batch.table["columns"]]
    assert headers == ["序号", "企业基本情况·企业名称", "企业基本情况·统一社会信用代码", "企业基本情况·规模",
                       "属地·所在区划", "属地·属地单位", "联系人", "联系电话"]
    assert batch.table["title"] == "2023年罗家镇扫楼扫街企业名录"
    assert batch.table["meta"]["填报单位"].startswith("罗家镇")
    assert set(batch.mapping.values()) == {"name", "credit_code", "scale", "area", "unit", "contact_name",
                                           "contact_phone"}
    assert batch.state == BatchState.CHECKED and batch.error_count == 0, list(batch.issues.values("message_zh"))
    assert (batch.rows_total, batch.rows_create, batch.rows_skipped) == (3, 3, 1)  # the note row skipped
    assert not Enterprise.objects.filter(name__startswith="测试企业").exists()  # the preview writes nothing


@pytest.mark.django_db
def test_bad_cells_are_listed_with_row_column_and_reason_nothing_written(town_a, enterprise_import, run_import):
    data = rows(3)
    data[0] = (1, "甲企业", "123", "规上", "谢埠村", "罗家镇", "甲", "13812340001")        # bad credit code
    data[1] = (2, "乙企业", make_credit_code(902), "特大", "谢埠村", "罗家镇", "乙", "13812340002")  # bad choice
    data[2] = (3, "丙企业", make_credit_code(903), "规上", "谢埠镇", "罗家镇", "丙", "12345")  # area, phone
    batch = run_import(town_a, "enterprises.enterprise", workbook(data))
    issues = {(i.row, i.column): i for i in batch.issues.all()}
    assert batch.error_count == 4
    first_data_row = batch.table["data_start"]
    assert (first_data_row, "C") in issues and "统一社会信用代码" in issues[(first_data_row, "C")].message_zh
    assert "特大" in issues[(first_data_row + 1, "D")].message_zh
    assert "谢埠村" in issues[(first_data_row + 2, "E")].message_zh  # the nearest name suggested
    assert issues[(first_data_row + 2, "H")].value == "*****"  # a personal column: the value kept masked
    # every reason in Chinese and in English (the form's message rendered again in English)
    assert "credit code" in issues[(first_data_row, "C")].message_en.lower()
    with pytest.raises(ValidationError):
        services.batch_commit(actor=town_a, batch=batch, expected_version=batch.version)
    assert not Enterprise.objects.filter(name__in=["甲企业", "乙企业", "丙企业"]).exists()


@pytest.mark.django_db
def test_commit_update_by_key_preview_and_undo(town_a, enterprise_import, run_import):
    batch = run_import(town_a, "enterprises.enterprise", workbook(rows(3)))
    batch = services.batch_commit(actor=town_a, batch=batch, expected_version=batch.version)
    assert batch.state == BatchState.COMMITTED, batch.message
    created = Enterprise.objects.filter(name__startswith="测试企业")
    assert created.count() == 3
    assert AuditLog.objects.filter(request_id=f"import:{batch.number}", action="create").count() == 3

    # next month: one enterprise changed its scale, one is new
    changed = rows(3)
    changed[0] = changed[0][:3] + ("规下",) + changed[0][4:]
    second = run_import(town_a, "enterprises.enterprise", workbook(changed + rows(1, start=4)))
    assert (second.rows_update, second.rows_create, second.rows_unchanged) == (1, 1, 2)
    change = second.changes.get(action="update")
    assert change.changes == {"规模": ["规上", "规下"]}
    second = services.batch_commit(actor=town_a, batch=second, expected_version=second.version)
    assert Enterprise.objects.get(credit_code=make_credit_code(101)).scale == "below"

    # undo the second batch: the new enterprise goes, the scale comes back
    services.batch_undo(actor=town_a, batch=second, expected_version=second.version)
    assert Enterprise.objects.get(credit_code=make_credit_code(101)).scale == "above"
    assert not Enterprise.objects.filter(credit_code=make_credit_code(104)).exists()

    # the first batch cannot be undone once a row changed after it
    batch.refresh_from_db()
    with pytest.raises(ValidationError, match="已被修改"):
        services.batch_undo(actor=town_a, batch=batch, expected_version=batch.version)


@pytest.mark.django_db
def test_duplicate_key_in_file_and_total_row(town_a, enterprise_import, run_import):
    data = rows(2) + [rows(1)[0]]
    batch = run_import(town_a, "enterprises.enterprise", workbook(data))
    assert batch.issues.filter(message_zh__contains="重复").count() == 1


@pytest.mark.django_db
def test_another_towns_user_cannot_update_by_key(town_a, town_b, enterprise_import, run_import):
    batch = run_import(town_a, "enterprises.enterprise", workbook(rows(1)))
    services.batch_commit(actor=town_a, batch=batch, expected_version=batch.version)
    other = run_import(town_b, "enterprises.enterprise", workbook(rows(1)))
    assert other.error_count == 1
    assert "无权修改" in ImportIssue.objects.get(batch=other).message_zh


@pytest.mark.django_db
def test_the_audit_chain_written_in_bulk_verifies(town_a, enterprise_import, run_import):
    from audit.services import audit_record_many, audit_verify

    batch = run_import(town_a, "enterprises.enterprise", workbook(rows(2)))
    services.batch_commit(actor=town_a, batch=batch, expected_version=batch.version)
    audit_record_many([{"action": "create", "object_type": "x", "object_id": i, "after": {"n": i, "f": 1.5}}
                       for i in range(3)], actor=town_a)
    assert audit_verify() == []


@pytest.mark.django_db
def test_a_row_changed_after_the_preview_rolls_the_commit_back(town_a, enterprise_import, run_import):
    from enterprises.services import enterprise_update

    first = run_import(town_a, "enterprises.enterprise", workbook(rows(2)))
    services.batch_commit(actor=town_a, batch=first, expected_version=first.version)
    changed = rows(2)
    changed[0] = changed[0][:3] + ("规下",) + changed[0][4:]
    changed += rows(1, start=3)
    batch = run_import(town_a, "enterprises.enterprise", workbook(changed))
    assert (batch.rows_update, batch.rows_create) == (1, 1)
    # meanwhile someone sets the scale the file sets: the plan the preview showed no longer holds
    target = Enterprise.objects.get(credit_code=make_credit_code(101))
    enterprise_update(actor=town_a, enterprise=target, data={"scale": "below"}, expected_version=target.version)
    batch = services.batch_commit(actor=town_a, batch=batch, expected_version=batch.version)
    assert batch.state == BatchState.CHECKED and "重新检查" in batch.message
    assert not Enterprise.objects.filter(credit_code=make_credit_code(103)).exists()  # nothing written
    with pytest.raises(ValidationError, match="重新检查"):
        services.batch_commit(actor=town_a, batch=batch, expected_version=batch.version)


@pytest.mark.django_db
def test_the_mapping_is_remembered_for_the_ledger(town_a, enterprise_import, run_import):
    from .workbooks import csv_bytes

    headers = ["代码", "企业名称", "所在区划"]  # "代码" is no synonym: mapped by hand once
    data = csv_bytes(headers, [[make_credit_code(301), "记忆企业", "谢埠村"]])
    batch = services.batch_upload(actor=town_a, target=get_target("enterprises.enterprise"), data=data, name="a.csv")
    assert "0" not in batch.mapping
    batch = services.batch_set_mapping(actor=town_a, batch=batch, mapping={**batch.mapping, "0": "credit_code"},
                                       expected_version=batch.version)
    batch = services.batch_check(actor=town_a, batch=batch)
    services.batch_commit(actor=town_a, batch=batch, expected_version=batch.version)
    again = run_import(town_a, "enterprises.enterprise", csv_bytes(headers, [[make_credit_code(302), "记忆企业二", "谢埠村"]]),
                       name="b.csv")
    assert again.mapping["0"] == "credit_code" and again.rows_create == 1


@pytest.mark.django_db
def test_unit_and_area_columns_are_guessed_from_the_organisations_names(demo):
    from imports.reading import detect_workbook

    from .workbooks import simple_xlsx

    table = detect_workbook(simple_xlsx(["事项", "责任单位", "所在村"], [["甲", "罗家镇", "谢埠村"], ["乙", "塘山镇", "塘山村"]]))
    assert [str(c.guessed_type) for c in table.columns] == ["text", "unit", "area"]
