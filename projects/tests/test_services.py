"""Project services: stage order, skip reasons, date order, amounts, corrections, permissions, atomicity."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditLog
from core.errors import PermissionDenied
from items.models import ItemAction, Light
from projects import services
from projects.models import InvestmentReport, Project, ProjectStage, Stage

pytestmark = pytest.mark.dates

TODAY = datetime.date(2023, 12, 1)


@pytest.fixture
def project(demo, admin_user):
    return services.project_create(actor=admin_user, title="测试产业园项目", owning_body=demo.bodies["抓大引大专班"],
                                   lead_unit=demo.units["商务局"], total_investment="50000", plan_year=2023,
                                   planned_amount="12000")


def test_it_creates_a_project_with_an_xm_number_and_its_plan(project):
    assert project.number.startswith("XM-")
    assert project.kind == "project"
    assert project.plans.get(year=2023).planned_amount == Decimal("12000.00")


def test_it_refuses_project_creation_outside_the_body_and_audits_the_refusal(demo, dept):
    with pytest.raises(PermissionDenied):
        services.project_create(actor=dept, title="x", owning_body=demo.bodies["抓大引大专班"],
                                lead_unit=demo.units["住建局"])
    assert not Project.objects.filter(title="x").exists()
    assert AuditLog.objects.filter(action="denied", outcome="denied", user_id=dept.pk,
                                   message__startswith="project_create:").exists()


def test_who_may_dispatch_is_the_one_rule_of_accounts_roles(demo):
    """Defect: projects had its own may_dispatch (a seat in the body or above it, or an administrator) beside
    tasks' (a seat, a leader, an administrator). Now both ask accounts.roles.may_dispatch: a district leader
    without any seat may 交办 a project as a key task."""
    from accounts.models import User
    from accounts.roles import may_dispatch

    deputy = User.objects.create_user(username="deputy_mayor", password="Taizhang@2023x", unit=demo.units["区政府办"])
    deputy.roles.add(demo.roles["district_leader"])
    body = demo.bodies["抓大引大专班"]
    assert may_dispatch(deputy, body)
    project = services.project_create(actor=deputy, title="区领导交办项目", owning_body=body,
                                      lead_unit=demo.units["罗家镇"], total_investment="1000")
    assert project.created_by == deputy and services.may_report(deputy, project)


# ------------------------------------------------------------------ stages

def test_it_passes_stages_in_order(project, taskforce):
    services.stage_record(actor=taskforce, project=project, stage=Stage.SIGNED, date="2023-02-01", today=TODAY)
    services.stage_record(actor=taskforce, project=project, stage=Stage.REGISTERED, date="2023-03-01", today=TODAY)
    project.refresh_from_db()
    assert project.current_stage == Stage.REGISTERED
    assert ItemAction.objects.filter(item=project, action="comment", note__contains="注册").exists()


def test_it_refuses_skipping_a_stage_without_a_reason(project, taskforce):
    services.stage_record(actor=taskforce, project=project, stage=Stage.SIGNED, date="2023-02-01", today=TODAY)
    with pytest.raises(ValidationError) as exc:
        services.stage_record(actor=taskforce, project=project, stage=Stage.STARTED, date="2023-04-01", today=TODAY)
    assert "skip_reason" in exc.value.message_dict
    assert ProjectStage.objects.filter(project=project).count() == 1  # nothing half-written
    project.refresh_from_db()
    assert project.current_stage == Stage.SIGNED


def test_it_records_skipped_stages_with_the_reason(project, taskforce):
    services.stage_record(actor=taskforce, project=project, stage=Stage.SIGNED, date="2023-02-01", today=TODAY)
    services.stage_record(actor=taskforce, project=project, stage=Stage.STARTED, date="2023-04-01", today=TODAY,
                          skip_reason="利用已建厂房，无需注册新公司和供地")
    skipped = ProjectStage.objects.filter(project=project, skipped=True)
    assert sorted(skipped.values_list("stage", flat=True)) == sorted([Stage.REGISTERED, Stage.LAND])
    assert all(s.skip_reason for s in skipped)


def test_it_refuses_a_date_before_the_previous_stage(project, taskforce):
    services.stage_record(actor=taskforce, project=project, stage=Stage.SIGNED, date="2023-05-01", today=TODAY)
    with pytest.raises(ValidationError) as exc:
        services.stage_record(actor=taskforce, project=project, stage=Stage.REGISTERED, date="2023-04-30",
                              today=TODAY)
    assert "上一阶段" in str(exc.value)


def test_it_refuses_a_future_date_a_repeat_and_going_back(project, taskforce):
    with pytest.raises(ValidationError):
        services.stage_record(actor=taskforce, project=project, stage=Stage.SIGNED, date="2024-01-01", today=TODAY)
    services.stage_record(actor=taskforce, project=project, stage=Stage.SIGNED, date="2023-02-01", today=TODAY)
    services.stage_record(actor=taskforce, project=project, stage=Stage.REGISTERED, date="2023-03-01", today=TODAY)
    with pytest.raises(ValidationError):
        services.stage_record(actor=taskforce, project=project, stage=Stage.REGISTERED, date="2023-03-02",
                              today=TODAY)
    with pytest.raises(ValidationError):
        services.stage_record(actor=taskforce, project=project, stage=Stage.SIGNED, date="2023-03-02", today=TODAY)


def test_it_refuses_stages_from_another_unit(project, town_b):
    with pytest.raises(PermissionDenied):
        services.stage_record(actor=town_b, project=project, stage=Stage.SIGNED, date="2023-02-01", today=TODAY)
    assert AuditLog.objects.filter(outcome="denied", message__startswith="stage_record:").exists()


# ------------------------------------------------------------------ investment

def report(project, actor, month, amount, **kw):
    return services.investment_report(actor=actor, project=project, year=2023, month=month, cumulative_amount=amount,
                                      today=TODAY, **kw)


def test_it_records_monthly_cumulative_investment(project, taskforce):
    report(project, taskforce, 1, "1000")
    row = report(project, taskforce, 2, "2500.50")
    assert row.cumulative_amount == Decimal("2500.50")
    assert not row.is_correction
    assert AuditLog.objects.filter(object_type="projects.investmentreport", object_id=str(row.pk)).exists()


@pytest.mark.parametrize("amount", ["-1", "abc", "", "1e3x", "12.345", "NaN", "Infinity"])
def test_it_refuses_bad_amounts(project, taskforce, amount):
    with pytest.raises(ValidationError) as exc:
        report(project, taskforce, 1, amount)
    assert "cumulative_amount" in exc.value.message_dict
    assert not InvestmentReport.objects.filter(project=project).exists()


def test_it_refuses_a_lower_cumulative_figure_without_a_correction_note(project, taskforce):
    report(project, taskforce, 1, "3000")
    with pytest.raises(ValidationError) as exc:
        report(project, taskforce, 2, "2800")
    assert "更正说明" in str(exc.value)
    assert InvestmentReport.objects.filter(project=project).count() == 1


def test_it_flags_a_lower_figure_with_a_correction_note(project, taskforce):
    report(project, taskforce, 1, "3000")
    row = report(project, taskforce, 2, "2800", correction_note="统计局核减1月数据")
    assert row.is_correction and row.correction_note == "统计局核减1月数据"


def test_it_needs_a_correction_note_to_change_a_reported_month(project, taskforce):
    report(project, taskforce, 1, "3000")
    with pytest.raises(ValidationError):
        report(project, taskforce, 1, "3100")
    row = report(project, taskforce, 1, "3100", correction_note="补报漏统")
    assert row.cumulative_amount == Decimal("3100.00") and row.is_correction


def test_it_refuses_months_to_come_and_invalid_months(project, taskforce):
    with pytest.raises(ValidationError):
        services.investment_report(actor=taskforce, project=project, year=2023, month=12, cumulative_amount="1",
                                   today=datetime.date(2023, 11, 15))
    with pytest.raises(ValidationError):
        report(project, taskforce, 13, "1")
    with pytest.raises(ValidationError):
        report(project, taskforce, "x", "1")


def test_it_refuses_investment_from_outside_the_responsible_unit(project, dept, town_a):
    for user in (dept, town_a):
        with pytest.raises(PermissionDenied):
            report(project, user, 1, "1000")
    assert not InvestmentReport.objects.filter(project=project).exists()


def test_the_light_turns_red_when_far_behind_the_elapsed_share(project, taskforce):
    report(project, taskforce, 11, "3000")  # 25% of 12000 at 11/12 elapsed
    project.refresh_from_db()
    assert project.light == Light.RED
    assert "序时进度" in project.light_reason


def test_the_light_rule_is_yellow_when_slightly_behind_and_none_when_on_schedule(project, taskforce):
    from projects.lights import investment_behind

    InvestmentReport.objects.create(project=project, year=2023, month=11, cumulative_amount=Decimal("10000"))
    assert investment_behind(project, TODAY)[0] == Light.YELLOW  # 83.3% vs 91.7%
    InvestmentReport.objects.filter(project=project).update(cumulative_amount=Decimal("11500"))
    assert investment_behind(project, TODAY) is None


def test_annual_plan_refuses_negative_amounts(project, admin_user):
    with pytest.raises(ValidationError):
        services.annual_plan_set(actor=admin_user, project=project, year=2023, planned_amount="-5")
    assert project.plans.get(year=2023).planned_amount == Decimal("12000.00")


def test_the_responsible_unit_updates_progress_text_but_not_the_investment(demo, admin_user, town_a):
    project = services.project_create(actor=admin_user, title="罗家镇项目", owning_body=demo.bodies["抓大引大专班"],
                                      lead_unit=demo.units["罗家镇"], total_investment="50000")
    updated = services.project_update(actor=town_a, project=project, changes={"image_progress": "主体结构封顶"},
                                      expected_version=project.version)
    assert updated.image_progress == "主体结构封顶"
    with pytest.raises(PermissionDenied):
        services.project_update(actor=town_a, project=project, changes={"total_investment": "1"},
                                expected_version=updated.version)
    assert Project.objects.get(pk=project.pk).total_investment == Decimal("50000.00")


def test_carrier_refuses_occupied_above_usable(admin_user, demo):
    with pytest.raises(ValidationError):
        services.carrier_save(actor=admin_user, data={"name": "测试楼宇", "kind": "building", "total_area": "100",
                                                      "usable_area": "80", "occupied_area": "90"})
    carrier = services.carrier_save(actor=admin_user, data={"name": "测试楼宇", "kind": "building", "total_area": "100",
                                                            "usable_area": "80", "occupied_area": "60"})
    assert carrier.utilisation_rate == Decimal("75.0")


def test_a_dispatcher_creates_a_project_through_the_page(demo, client_for, taskforce, town_a):
    from django.urls import reverse

    url = reverse("projects:project_add")
    assert client_for(town_a).get(url).status_code == 404
    assert client_for(taskforce).get(url).status_code == 200
    form = {"title": "页面新建项目", "owning_body": demo.bodies["抓大引大专班"].pk, "category": "industry",
            "lead_unit": demo.units["罗家镇"].pk, "total_investment": "abc", "plan_year": 2023, "planned_amount": "500"}
    bad = client_for(taskforce).post(url, form)
    assert bad.status_code == 400 and "必须是数字" in bad.content.decode()
    assert not Project.objects.filter(title="页面新建项目").exists()
    ok = client_for(taskforce).post(url, {**form, "total_investment": "3000"})
    assert ok.status_code == 302
    project = Project.objects.get(title="页面新建项目")
    assert project.state == "assigned" and project.plans.get(year=2023).planned_amount == Decimal("500.00")
    listing = client_for(taskforce).get(reverse("projects:project_list")).content.decode()
    assert 'data-testid="project-add"' in listing


def test_the_bulk_light_rule_agrees_with_the_single_one(project, taskforce):
    from items.lights import recompute_all
    from items.models import Item
    from projects.lights import investment_behind

    report(project, taskforce, 11, "3000")
    Item.objects.filter(pk=project.pk).update(light=Light.GREEN, light_reason="")
    recompute_all(today=TODAY, queryset=Item.objects.filter(pk=project.pk))
    project.refresh_from_db()
    assert (project.light, project.light_reason) == investment_behind(project, TODAY)
