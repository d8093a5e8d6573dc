import pytest
from django.utils import timezone

from ledgers import kinds, seeds, services


@pytest.fixture(autouse=True)
def _fresh_kinds():
    """Each test starts without kinds cached from an earlier (rolled-back) test."""
    kinds.forget()
    yield
    kinds.forget()


@pytest.fixture
def disputes(demo, admin_user):
    return seeds.load_seed("disputes", actor=admin_user, mechanism=demo.mechanism)


@pytest.fixture
def hazards(demo, admin_user):
    return seeds.load_seed("hazards", actor=admin_user, mechanism=demo.mechanism)


@pytest.fixture
def households(demo, admin_user):
    return seeds.load_seed("households", actor=admin_user, mechanism=demo.mechanism)


def dispute_raw(demo, **overrides):
    raw = {"lead_unit": demo.units["罗家镇"].pk, "summary": "宅基地边界纠纷", "type": "邻里纠纷",
           "found_on": timezone.localdate().isoformat(), "party": "张三丰", "party_phone": "13812345678",
           "people": "2", "amount": "1.5", "mediator": "镇调委会", "result": "正在调解"}
    raw.update(overrides)
    return raw


@pytest.fixture
def dispute(disputes, demo, town_a):
    return services.entry_create(actor=town_a, definition=disputes, raw=dispute_raw(demo))


def id_number(i):
    """A valid 18-digit ID number (GB 11643 check digit), different for each i."""
    from core.validators import id_number_check_character

    base = f"36010219900101{i % 1000:03d}"
    return base + id_number_check_character(base)
