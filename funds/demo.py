"""Demo of 资金安排/拨付 for 青山湖区 2023, on the projects the 抓大引大 step made (projects.demo):

- 中央预算内投资 for 8 provincial projects totalling 11,890万元 = 1.189亿元 (seed 004), 60 % of each disbursed;
- bond and district money for 6 city-list projects, half of it disbursed in full.

Written through funds.services (audited) by the administrator, managed by the 资金保障 group (g_funds).
Reads the projects from the context the previous steps returned; imports nothing of the projects app.
"""
import datetime
from decimal import Decimal

from .models import FundSource
from .services import allocation_create, disbursement_create

YEAR = 2023
CENTRAL_BUDGET = [Decimal(x) for x in ("2400", "1890", "1600", "1500", "1300", "1200", "1000", "1000")]  # 11890
# (source, 万元) for the city-list projects city[0], city[3], …, city[15]
OTHER_MONEY = [
    (FundSource.SPECIAL_BOND, Decimal("12500")),
    (FundSource.GENERAL_BOND, Decimal("12000")),
    (FundSource.DISTRICT, Decimal("12000")),
    (FundSource.SPECIAL_BOND, Decimal("3500")),
    (FundSource.GENERAL_BOND, Decimal("5500")),
    (FundSource.DISTRICT, Decimal("15000")),
]


def _money(x):
    return Decimal(x).quantize(Decimal("0.01"))


def load(context):
    actor = context["users"]["admin"]
    funds_body = context["bodies"]["g_funds"]
    provincial, city = context["projects"]["provincial"], context["projects"]["city"]
    allocations = []
    for k, amount in enumerate(CENTRAL_BUDGET):
        alloc = allocation_create(
            actor=actor, item=provincial[k * 2], source=FundSource.CENTRAL_BUDGET, amount=amount,
            date=datetime.date(YEAR, 3 + k % 6, 15), managing_body=funds_body,
            document_no=f"发改投资〔{YEAR}〕{300 + k}号")
        disbursement_create(actor=actor, allocation=alloc, amount=_money(amount * Decimal("0.6")),
                            date=datetime.date(YEAR, 9 + k % 3, 10), document_no=f"拨{YEAR}-{k + 1:03d}")
        allocations.append(alloc)
    for k, (source, amount) in enumerate(OTHER_MONEY):
        alloc = allocation_create(
            actor=actor, item=city[k * 3], source=source, amount=amount, date=datetime.date(YEAR, 4 + k, 20),
            managing_body=funds_body, document_no=f"洪财预〔{YEAR}〕{50 + k}号")
        if k % 2 == 0:
            disbursement_create(actor=actor, allocation=alloc, amount=alloc.amount, date=datetime.date(YEAR, 10, 20))
        allocations.append(alloc)
    return {"allocations": allocations}
