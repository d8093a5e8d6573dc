"""The demo reproduces the seed figures from rows: 130 / 125 / 5 enterprise appeals, 457 hotline work orders
of 罗家镇 all on time, 162 suggestions with 143 completed — and the dashboard shows them."""
import re
import time

import pytest

from appeals.models import Appeal, Channel
from items.models import ItemAction

pytestmark = [pytest.mark.django_db, pytest.mark.dates]


def test_the_demo_loads_fast_and_reproduces_the_seed_figures(demo, leader, client_for):
    from appeals import demo as appeals_demo
    from enterprises import demo as enterprises_demo

    started = time.monotonic()
    context = enterprises_demo.load({})
    context.update(appeals_demo.load(context))
    assert time.monotonic() - started < 30

    enterprise = Appeal.objects.filter(channel=Channel.ENTERPRISE)
    assert enterprise.count() == 130
    assert enterprise.filter(level="district", outcome="solved", state="closed").count() == 125
    assert enterprise.filter(level="city", outcome="explained", state="closed").count() == 5
    assert enterprise.filter(visit__isnull=False).count() == 130
    suggestions = Appeal.objects.filter(category__code="suggestion")
    assert (suggestions.count(), suggestions.filter(state="closed").count()) == (162, 143)
    # every appeal has a timeline consistent with its state
    closed = Appeal.objects.filter(state="closed").first()
    assert list(ItemAction.objects.filter(item=closed).values_list("action", flat=True))[:3] == ["assign", "accept",
                                                                                                   "reply"]

    c = client_for(leader)
    page = c.get("/appeals/").content.decode()
    assert 'data-testid="enterprise-solved">125<' in page and 'data-testid="enterprise-explained">5<' in page
    assert "共收集企业反映事项 130 条" in page
    luojia = demo.units["罗家镇"]
    page = c.get(f"/appeals/?year=2023&channel=hotline&lead_unit={luojia.pk}").content.decode()
    assert re.search(r'data-testid="count-total">457<', page)
    assert 'data-testid="rate-on_time">100%<' in page
    # the figure links to its rows
    listed = c.get(f"/appeals/ledger/?year=2023&channel=hotline&lead_unit={luojia.pk}&figure=closed_on_time")
    assert "457" in listed.content.decode()
    coverage = c.get("/enterprises/coverage/?year=2023").content.decode()
    assert "罗家镇" in coverage
