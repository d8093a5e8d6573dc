"""Funds: allocations and disbursements — amounts, the never-above-the-allocation rule, permissions, progress.

An allocation is for an item of any kind: these tests use a plain item (items.services.item_create), so funds
and its tests need no ledger kind app (funds sits below projects and tasks)."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditLog
from core.errors import PermissionDenied, PreconditionRequired
from funds import selectors, services
from funds.models import Allocation, Disbursement, FundSource
from items.services import item_create


@pytest.fixture
def item(demo, admin_user):
    return item_create(actor=admin_user, kind="ledger_entry", title="资金测试项目", owning_body=demo.bodies["抓大引大专班"],
                       lead_unit=demo.units["罗家镇"], assign=True)


@pytest.fixture
def allocation(item, admin_user, demo):
    return services.allocation_create(actor=admin_user, item=item, source=FundSource.CENTRAL_BUDGET, amount="1000",
                                      date=datetime.date(2023, 3, 1), managing_body=demo.bodies["资金保障组"],
                                      document_no="发改投资〔2023〕1号")


def test_it_disburses_up_to_the_allocation(allocation, admin_user):
    services.disbursement_create(actor=admin_user, allocation=allocation, amount="600", date="2023-04-01")
    services.disbursement_create(actor=admin_user, allocation=allocation, amount="400", date="2023-05-01")
    assert services.disbursed_total(allocation) == Decimal("1000.00")


def test_it_refuses_a_disbursement_above_the_allocation(allocation, admin_user):
    services.disbursement_create(actor=admin_user, allocation=allocation, amount="600", date="2023-04-01")
    with pytest.raises(ValidationError) as exc:
        services.disbursement_create(actor=admin_user, allocation=allocation, amount="400.01", date="2023-05-01")
    assert "超过安排金额" in str(exc.value)
    assert Disbursement.objects.filter(allocation=allocation).count() == 1


@pytest.mark.parametrize("amount", ["0", "-5", "abc", ""])
def test_it_refuses_bad_amounts(allocation, admin_user, amount):
    with pytest.raises(ValidationError):
        services.disbursement_create(actor=admin_user, allocation=allocation, amount=amount, date="2023-04-01")
    assert not Disbursement.objects.exists()


def test_it_refuses_a_disbursement_dated_before_the_allocation(allocation, admin_user):
    with pytest.raises(ValidationError):
        services.disbursement_create(actor=admin_user, allocation=allocation, amount="1", date="2023-02-01")


def test_it_refuses_lowering_an_allocation_below_what_was_paid(allocation, admin_user):
    services.disbursement_create(actor=admin_user, allocation=allocation, amount="600", date="2023-04-01")
    with pytest.raises(ValidationError):
        services.allocation_update(actor=admin_user, allocation=allocation, changes={"amount": "500"},
                                   expected_version=allocation.version)


def test_changing_an_allocation_needs_the_version_seen(allocation, admin_user):
    with pytest.raises(PreconditionRequired):
        services.allocation_update(actor=admin_user, allocation=allocation, changes={"note": "补充"},
                                   expected_version=None)
    updated = services.allocation_update(actor=admin_user, allocation=allocation, changes={"note": "补充"},
                                         expected_version=allocation.version)
    assert updated.note == "补充" and updated.version == allocation.version + 1


def test_only_the_funds_group_allocates_and_disburses(item, allocation, demo, town_a, taskforce):
    for user in (town_a, taskforce):
        with pytest.raises(PermissionDenied):
            services.allocation_create(actor=user, item=item, source=FundSource.SPECIAL_BOND, amount="1",
                                       date="2023-03-01", managing_body=demo.bodies["资金保障组"])
        with pytest.raises(PermissionDenied):
            services.disbursement_create(actor=user, allocation=allocation, amount="1", date="2023-04-01")
    assert Allocation.objects.count() == 1 and not Disbursement.objects.exists()


def test_a_refusal_is_audited_after_the_rollback(item, allocation, demo, town_a):
    with pytest.raises(PermissionDenied):
        services.disbursement_create(actor=town_a, allocation=allocation, amount="1", date="2023-04-01")
    row = AuditLog.objects.filter(action="denied", outcome="denied", user_id=town_a.pk).latest("pk")
    assert row.message.startswith("disbursement_create:") and "资金保障领导小组" in row.message


def test_progress_per_source_and_scope(allocation, admin_user, leader, town_a, town_b):
    services.disbursement_create(actor=admin_user, allocation=allocation, amount="250", date="2023-04-01")
    rows = {r["key"]: r for r in selectors.progress(leader, by="source")}
    assert rows[FundSource.CENTRAL_BUDGET]["allocated"] == Decimal("1000.00")
    assert rows[FundSource.CENTRAL_BUDGET]["paid"] == Decimal("250.00")
    assert rows[FundSource.CENTRAL_BUDGET]["rate"] == Decimal("25.0")
    assert "source=central_budget" in rows[FundSource.CENTRAL_BUDGET]["url"]
    assert selectors.totals(town_a)["allocated"] == Decimal("1000.00")  # the responsible unit sees it
    assert selectors.totals(town_b)["allocated"] == Decimal("0.00")  # another town does not


def test_the_funds_page_and_export(allocation, client_for, leader, town_b):
    from django.urls import reverse

    page = client_for(leader).get(reverse("funds:dashboard"))
    assert page.status_code == 200 and "中央预算内投资" in page.content.decode()
    export = client_for(leader).get(reverse("funds:allocation_list") + "?source=central_budget&export=xlsx")
    assert export.status_code == 200
    assert client_for(town_b).get(reverse("funds:allocation_detail", args=[allocation.pk])).status_code == 404


def test_the_funds_group_disburses_through_the_page(allocation, client_for, demo):
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    # a finance-bureau clerk seated in 资金保障组 (the demo's 局长)
    finance = get_user_model().objects.create_user(username="finance", password="x", person=demo.people["唐慧敏"],
                                                   unit=demo.units["财政局"])
    url = reverse("funds:allocation_detail", args=[allocation.pk])
    too_much = client_for(finance).post(url, {"amount": "1000.01", "date": "2023-04-01"})
    assert too_much.status_code == 400 and "超过安排金额" in too_much.content.decode()
    ok = client_for(finance).post(url, {"amount": "300", "date": "2023-04-01"})
    assert ok.status_code == 302
    assert services.disbursed_total(allocation) == Decimal("300.00")


def test_the_funds_group_allocates_through_the_page(item, client_for, demo, town_a):
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    finance = get_user_model().objects.create_user(username="finance2", password="x", person=demo.people["唐慧敏"],
                                                   unit=demo.units["财政局"])
    url = reverse("funds:allocation_add")
    assert client_for(town_a).get(url).status_code == 404
    form = {"item_number": item.number, "source": "special_bond", "amount": "-1", "date": "2023-05-01",
            "managing_body": demo.bodies["资金保障组"].pk}
    assert client_for(finance).post(url, form).status_code == 400
    assert client_for(finance).post(url, {**form, "item_number": "XM-0000-9999", "amount": "5"}).status_code == 400
    ok = client_for(finance).post(url, {**form, "amount": "800"})
    assert ok.status_code == 302
    assert selectors.totals(town_a, source=FundSource.SPECIAL_BOND)["allocated"] == Decimal("800.00")
