"""Personas built once per test session (Healthchecks' alice/bob/charlie, here the demo's people).

The demo organisation (青山湖区, the 2023 "1+5+2" mechanism, one login per role) is loaded once into the
test database; each test runs in a transaction rolled back afterwards, so tests never see each other.
"""
import datetime
import os
from zoneinfo import ZoneInfo

import pytest
import time_machine

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop


# ---------------------------------------------------------------- the suite's "today"
# The suite never reads the real clock: every test runs on a declared day, at 10:00 Beijing time, with the
# clock ticking from there (time-machine patches the process, so the live server's thread sees it too).
# The default is an ordinary working day (a Wednesday); TAIZHANG_TEST_TODAY=YYYY-MM-DD runs the suite on
# another day (`make test-dates` runs the tests marked `dates` on the 1st, the 旬 due days, 28/29 February,
# a public holiday and a 调休 working Saturday). The browser (Chromium) keeps its own clock: the pages'
# scripts never read the date.
TEST_TODAY_ENV = "TAIZHANG_TEST_TODAY"
DEFAULT_TEST_TODAY = datetime.date(2026, 11, 18)
TEST_TZ = ZoneInfo("Asia/Shanghai")  # settings.TIME_ZONE (asserted below)


def suite_today() -> datetime.date:
    """The day the suite runs on: TAIZHANG_TEST_TODAY, or DEFAULT_TEST_TODAY."""
    value = os.environ.get(TEST_TODAY_ENV, "").strip()
    if not value:
        return DEFAULT_TEST_TODAY
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise pytest.UsageError(f"{TEST_TODAY_ENV}={value!r}: expected a date as YYYY-MM-DD") from None


def _at(hour):
    return datetime.datetime.combine(suite_today(), datetime.time(hour), tzinfo=TEST_TZ)


def pytest_configure(config):
    suite_today()  # a malformed TAIZHANG_TEST_TODAY stops the run before anything else


def pytest_report_header(config):
    return f"today: {suite_today():%Y-%m-%d (%a)} 10:00 {TEST_TZ.key} (set {TEST_TODAY_ENV}=YYYY-MM-DD to change)"


@pytest.fixture(scope="session", autouse=True)
def _session_clock():
    """Session fixtures (the demo organisation, the live server) run at 08:00 of the declared day."""
    from django.conf import settings

    assert settings.TIME_ZONE == TEST_TZ.key, "conftest.TEST_TZ must follow settings.TIME_ZONE"
    with time_machine.travel(_at(8), tick=True):
        yield


@pytest.fixture(autouse=True)
def _test_clock(_session_clock):
    """Each test starts at 10:00 of the declared day; the clock ticks on during the test."""
    with time_machine.travel(_at(10), tick=True) as traveller:
        yield traveller


def load_org_demo_if_empty():
    from demo.org_demo import load_if_empty

    load_if_empty()


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium (Debian's, installed by `make test-deps`) for every browser test."""
    from pathlib import Path

    from playwright.sync_api import sync_playwright

    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    if not Path(chromium).exists():
        pytest.fail(f"{chromium} is missing: `make test-deps` installs Debian's chromium")
    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        yield instance
        instance.close()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_org_demo_if_empty()


# ---------------------------------------------------------------- transactional tests run last
# A transactional test (browser tests with live_server, transactional_db) FLUSHES the database when it
# ends, and with it the demo loaded once per session. So: they run after every other test, and a test
# that runs after a flush anyway (e.g. `pytest -k` picking a mix) gets the demo loaded again first.

_FLUSHED = {"pending": False}


def _is_transactional(item):
    names = set(getattr(item, "fixturenames", ()))
    if names & {"transactional_db", "live_server", "django_db_reset_sequences", "django_db_serialized_rollback"}:
        return True
    marker = item.get_closest_marker("django_db")
    return bool(marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")))


def pytest_collection_modifyitems(session, config, items):
    """Browser (and other transactional) tests last; the order among the others is kept."""
    late = [item for item in items if item.get_closest_marker("browser") or _is_transactional(item)]
    if late:
        early = [item for item in items if not (item.get_closest_marker("browser") or _is_transactional(item))]
        items[:] = early + late


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Before the test's fixtures: reload the demo if a transactional test flushed it."""
    if _FLUSHED["pending"]:
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            load_org_demo_if_empty()
        _FLUSHED["pending"] = False
    if _is_transactional(item):
        _FLUSHED["pending"] = True  # its teardown flushes the database


@pytest.fixture
def demo(db):
    """Names → rows of the demo organisation: demo.units["罗家镇"], demo.bodies["tf_projects"] …"""
    from types import SimpleNamespace

    from accounts.models import Role, User
    from org.models import Area, Body, Mechanism, Person, Unit

    return SimpleNamespace(
        areas={a.name: a for a in Area.objects.all()},
        units={(u.short_name or u.name): u for u in Unit.objects.all()},
        people={p.name: p for p in Person.objects.all()},
        mechanism=Mechanism.objects.get(year=2023),
        bodies={b.short_name: b for b in Body.objects.filter(mechanism__year=2023)},
        roles={r.code: r for r in Role.objects.all()},
        users={u.username: u for u in User.objects.all()},
    )


def _user(username):
    from accounts.models import User

    return User.objects.get(username=username)


@pytest.fixture
def leader(db):
    """District leader (区长, 总指挥): data scope all."""
    return _user("leader")


@pytest.fixture
def town_a(db):
    """Town A staff (罗家镇): own unit and the villages below it."""
    return _user("town")


@pytest.fixture
def town_b(db):
    """Town B staff (塘山镇): must never see town A's rows."""
    return _user("town2")


@pytest.fixture
def village(db):
    return _user("village")


@pytest.fixture
def dept(db):
    """Department staff (住建局): own unit."""
    return _user("dept")


@pytest.fixture
def taskforce(db):
    """Task-force member (商务局; seats in 扫楼扫街 and 抓大引大 专班)."""
    return _user("taskforce")


@pytest.fixture
def supervisor(db):
    return _user("supervisor")


@pytest.fixture
def auditor(db):
    return _user("auditor")


@pytest.fixture
def admin_user(db):
    return _user("admin")


@pytest.fixture
def grant():
    """grant(role_code, "app.codename", …): give a demo role extra permissions for one test."""
    from django.contrib.auth.models import Permission

    from accounts.models import Role

    def do(role_code, *labels):
        role = Role.objects.get(code=role_code)
        for label in labels:
            app, codename = label.split(".")
            role.permissions.add(Permission.objects.get(content_type__app_label=app, codename=codename))

    return do


@pytest.fixture
def client_for(client):
    """client_for(user) → a test client logged in as that user (force_login: no lockout noise)."""
    from django.test import Client

    def make(user):
        c = Client()
        if user is not None:
            c.force_login(user)
        return c

    return make
