import datetime

import pytest
from django.utils import timezone


@pytest.fixture
def appeals_setup(demo):
    """Categories with SLAs, routing rules and the 12345 centre login (seated in the dispatching body)."""
    from types import SimpleNamespace

    from appeals.setup import ensure_categories, ensure_centre

    return SimpleNamespace(categories=ensure_categories(), centre=ensure_centre())


@pytest.fixture
def centre(appeals_setup):
    return appeals_setup.centre


def at(y, m, d, h=9):
    """An aware datetime in the local zone."""
    return timezone.make_aware(datetime.datetime(y, m, d, h))


@pytest.fixture
def make_appeal(appeals_setup, demo):
    from appeals.services import appeal_create

    def make(category="city-sanitation", area="罗家镇", when=None, dispatch=True, **fields):
        fields.setdefault("channel", "hotline")
        fields.setdefault("requester_name", "张三丰")
        fields.setdefault("requester_phone", "13812345678")
        fields.setdefault("requester_id_number", "11010519491231002X")
        return appeal_create(actor=appeals_setup.centre, title=fields.pop("title", "垃圾清运不及时"),
                             description="小区门口垃圾三天未清运", category=appeals_setup.categories[category],
                             area=demo.areas[area] if area else None, dispatch=dispatch, at=when, **fields)

    return make
