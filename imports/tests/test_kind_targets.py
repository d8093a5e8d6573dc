"""The built-in kinds' targets through their own services: projects with the month's investment (an office
workbook with a two-row header, 万元 and a 合计 row; next month's file as an update with the change preview;
undo), 12345 work orders (update by 工单编号), fund allocations; personal data in a column not declared
personal; a 合计 that does not add up."""
import datetime
from decimal import Decimal

import pytest

from appeals.models import Appeal, AppealCategory
from funds.models import Allocation
from imports import services
from imports.models import BatchState
from items.models import ItemAction
from projects.models import InvestmentReport, Project

from .workbooks import csv_bytes, office_xlsx

PROJECT_TOP = [("序号", 1), ("项目名称", 1), ("责任单位", 1), ("投资情况", 3), ("形象进度", 1)]
PROJECT_BOTTOM = ["总投资", "年度计划投资", "累计完成投资"]


def project_rows(done=(300, 120)):
    return [(1, "青山湖智能制造产业园", "罗家镇", 50000, 8000, done[0], "主体结构封顶"),
            (2, "塘山污水处理厂扩建", "塘山镇", 12000, 3000, done[1], "设备安装")]


def project_book(rows, total=None):
    sums = total or ("合计", None, None, sum(r[3] for r in rows), sum(r[4] for r in rows), sum(r[5] for r in rows))
    return office_xlsx("2023年1-5月区重大重点项目推进情况表", PROJECT_TOP, PROJECT_BOTTOM, rows, total=sums)


def project_options(demo, month):
    return {"year": 2023, "month": month, "owning_body": str(demo.bodies["抓大引大专班"].pk)}


@pytest.fixture
def month_end():
    """Reports of 2023 are in the past whatever day the suite runs."""
    return datetime.date(2023, 5, 31)


@pytest.mark.django_db
def test_projects_monthly_file_then_next_month_as_update_then_undo(leader, demo, run_import):
    batch = run_import(leader, "projects.project", project_book(project_rows()), options=project_options(demo, 5))
    assert batch.table["sheet_unit"] == "万元"
    assert set(batch.mapping.values()) == {"title", "lead_unit", "total_investment", "planned_amount",
                                           "cumulative_amount", "image_progress"}
    assert batch.error_count == 0, list(batch.issues.values_list("message_zh", flat=True))
    assert batch.rows_create == 2 and batch.rows_skipped == 2  # the 合计 row (checked) and the note
    assert not Project.objects.filter(title="青山湖智能制造产业园").exists()
    batch = services.batch_commit(actor=leader, batch=batch, expected_version=batch.version)
    assert batch.state == BatchState.COMMITTED, batch.message
    park = Project.objects.get(title="青山湖智能制造产业园")
    assert park.lead_unit == demo.units["罗家镇"] and park.total_investment == Decimal("50000")
    assert InvestmentReport.objects.get(project=park, year=2023, month=5).cumulative_amount == Decimal("300")
    assert ItemAction.objects.filter(item=park, note__contains=batch.number).exists()  # the timeline names it

    # June: the park reports more, the other project is unchanged
    june = run_import(leader, "projects.project", project_book(project_rows(done=(450, 120))),
                      options=project_options(demo, 5))
    assert (june.rows_update, june.rows_unchanged) == (1, 1)
    assert june.changes.get().changes == {"累计完成投资": ["300", "450"]}
    june = services.batch_commit(actor=leader, batch=june, expected_version=june.version)
    assert InvestmentReport.objects.get(project=park, year=2023, month=5).cumulative_amount == Decimal("450")
    services.batch_undo(actor=leader, batch=june, expected_version=june.version)
    assert InvestmentReport.objects.get(project=park, year=2023, month=5).cumulative_amount == Decimal("300")


@pytest.mark.django_db
def test_a_total_that_does_not_add_up_is_an_error(leader, demo, run_import):
    rows = project_rows()
    book = project_book(rows, total=("合计", None, None, 62000, 11000, 999))
    batch = run_import(leader, "projects.project", book, options=project_options(demo, 5))
    issue = batch.issues.get()
    assert issue.column == "F" and "合计" in issue.message_zh and "420" in issue.message_zh


@pytest.mark.django_db
def test_amounts_in_yi_yuan_are_converted(leader, demo, run_import):
    top = [("序号", 1), ("项目名称", 1), ("责任单位", 1), ("总投资（亿元）", 1)]
    book = office_xlsx("项目表", top, [], [(1, "亿元项目", "罗家镇", 1.25)], unit_line=None, notes=())
    batch = run_import(leader, "projects.project", book, options=project_options(demo, 5))
    services.batch_commit(actor=leader, batch=batch, expected_version=batch.version)
    assert Project.objects.get(title="亿元项目").total_investment == Decimal("12500")


@pytest.mark.django_db
def test_personal_data_in_a_column_not_declared_personal(leader, demo, run_import):
    rows = project_rows()
    rows[0] = rows[0][:6] + ("联系人张三 13812345678",)
    batch = run_import(leader, "projects.project", project_book(rows), options=project_options(demo, 5))
    issue = batch.issues.get()
    assert issue.column == "G" and "手机号码" in issue.message_zh
    assert "13812345678" not in issue.value  # kept masked in the preview too


@pytest.mark.django_db
def test_a_user_without_a_dispatching_seat_may_not_import_projects(town_a):
    from imports.targets import get_target

    assert not get_target("projects.project").may_import(town_a)


HOTLINE = ["工单编号", "受理时间", "诉求标题", "诉求内容", "问题分类", "来电人", "来电号码", "事发地址", "承办单位"]


@pytest.mark.django_db
def test_12345_export_then_an_update_by_order_number(demo, run_import):
    from appeals.setup import ensure_categories, ensure_centre

    ensure_categories()
    admin_user = ensure_centre()  # the 12345 centre's login, seated in the dispatching body
    category = AppealCategory.objects.filter(is_active=True, parent__isnull=False).order_by("pk").first()
    rows = [["2023051200123", "2023-05-12 09:30", "路灯不亮", "谢埠村路口路灯不亮", category.name, "李四", "13900001111",
             "谢埠村路口", "罗家镇"]]
    batch = run_import(admin_user, "appeals.hotline", csv_bytes(HOTLINE, rows, encoding="gbk"), name="12345.csv")
    assert batch.error_count == 0, list(batch.issues.values_list("message_zh", flat=True))
    services.batch_commit(actor=admin_user, batch=batch, expected_version=batch.version)
    appeal = Appeal.objects.get(source_number="2023051200123")
    assert appeal.channel == "hotline" and appeal.lead_unit == demo.units["罗家镇"] and appeal.state == "assigned"
    assert appeal.requester_phone == "13900001111"
    rows[0][3] = "谢埠村路口路灯不亮，已三天"
    second = run_import(admin_user, "appeals.hotline", csv_bytes(HOTLINE, rows, encoding="gbk"), name="12345.csv")
    assert second.rows_update == 1 and list(second.changes.get().changes) == ["诉求内容"]
    services.batch_commit(actor=admin_user, batch=second, expected_version=second.version)
    appeal.refresh_from_db()
    assert appeal.description.endswith("已三天")


@pytest.mark.django_db
def test_fund_allocations(admin_user, demo, leader):
    from imports.targets import get_target
    from projects.services import project_create

    project = project_create(actor=leader, title="资金导入项目", owning_body=demo.bodies["抓大引大专班"],
                             lead_unit=demo.units["罗家镇"], total_investment=100)
    headers = ["事项编号", "资金来源", "安排金额（万元）", "下达日期", "文号"]
    rows = [[project.number, "新增专项债券", "50", "2023.3.1", "洪财建〔2023〕5号"]]
    body = demo.bodies.get("资金保障组") or next(iter(demo.bodies.values()))
    batch = services.batch_upload(actor=admin_user, target=get_target("funds.allocation"), data=csv_bytes(headers, rows),
                                  name="资金.csv", options={"managing_body": str(body.pk)})
    batch = services.batch_check(actor=admin_user, batch=batch)
    assert batch.error_count == 0, list(batch.issues.values_list("message_zh", flat=True))
    services.batch_commit(actor=admin_user, batch=batch, expected_version=batch.version)
    allocation = Allocation.objects.get(item=project)
    assert allocation.amount == Decimal("50") and allocation.source == "special_bond"

    # and a disbursement against it, by voucher; a second one over the allocation is refused in the preview
    headers = ["事项编号", "资金来源", "下达日期", "拨付金额（万元）", "拨付日期", "凭证号"]
    rows = [[project.number, "新增专项债券", "2023-03-01", "30", "2023-04-01", "PZ-001"],
            [project.number, "新增专项债券", "2023-03-01", "30", "2023-05-01", "PZ-002"]]
    batch = services.batch_upload(actor=admin_user, target=get_target("funds.disbursement"),
                                  data=csv_bytes(headers, rows), name="拨付.csv")
    batch = services.batch_check(actor=admin_user, batch=batch)
    issue = batch.issues.get()
    assert issue.row == 3 and "超过安排金额" in issue.message_zh
