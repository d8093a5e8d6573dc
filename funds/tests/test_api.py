"""Funds API: allocations and disbursements through the services — never above the allocation, 403 and audited
for someone outside the funds group, scoped lists."""
import pytest

from audit.models import AuditLog
from funds.models import Allocation
from items.services import item_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(demo, admin_user):
    return item_create(actor=admin_user, kind="ledger_entry", title="接口资金测试", owning_body=demo.bodies["抓大引大专班"],
                       lead_unit=demo.units["罗家镇"], assign=True)


def allocation_body(demo, item, **extra):
    return {"item": item.pk, "source": "central_budget", "amount": "100", "date": "2023-03-01",
            "managing_body": demo.bodies["资金保障组"].pk, **extra}


def test_the_api_refuses_over_disbursement(item, client_for, admin_user, demo):
    c = client_for(admin_user)
    r = c.post("/api/fund-allocations/", allocation_body(demo, item), content_type="application/json")
    assert r.status_code == 201, r.content
    alloc = r.json()["id"]
    over = c.post("/api/fund-disbursements/", {"allocation": alloc, "amount": "100.01", "date": "2023-04-01"},
                  content_type="application/json")
    assert over.status_code == 400 and "超过安排金额" in over.content.decode()
    assert c.post("/api/fund-disbursements/", {"allocation": alloc, "amount": "100", "date": "2023-04-01"},
                  content_type="application/json").status_code == 201
    assert c.get(f"/api/fund-allocations/{alloc}/").json()["paid"] == "100.00"


def test_an_outsider_is_refused_403_and_the_refusal_is_audited(item, client_for, town_a, town_b, demo):
    r = client_for(town_a).post("/api/fund-allocations/", allocation_body(demo, item), content_type="application/json")
    assert r.status_code == 403 and "资金保障领导小组" in r.json()["detail"]
    assert not Allocation.objects.exists()
    assert AuditLog.objects.filter(action="denied", outcome="denied", user_id=town_a.pk,
                                   message__startswith="allocation_create:").exists()
