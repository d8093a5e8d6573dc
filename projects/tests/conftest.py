"""The 抓大引大 demo, loaded once per test module inside a transaction that is rolled back when the module
ends (each test still runs in its own savepoint), so the slow load is paid once per module and no other
app's tests ever see these rows."""
import pytest


def load_project_demo():
    from accounts.models import User
    from core.requestcontext import use_context
    from demo.org_demo import GROUPS, PEOPLE, TASK_FORCES
    from funds import demo as funds_demo
    from org.models import Area, Body, Person, Unit
    from projects import demo as projects_demo

    people = {p.name: p for p in Person.objects.all()}
    keys = {short: key for key, _name, short, *_rest in TASK_FORCES + GROUPS}
    context = {
        "users": {u.username: u for u in User.objects.all()},
        "units": {(u.short_name or u.name): u for u in Unit.objects.all()},
        "people": {key: people[name] for key, name, _unit, _title in PEOPLE},
        "areas": {a.name: a for a in Area.objects.all()},
        "bodies": {keys[b.short_name]: b for b in Body.objects.filter(mechanism__year=2023) if b.short_name in keys},
    }
    with use_context(source="command"):
        context.update(projects_demo.load(context))
        context.update(funds_demo.load(context))  # the next demo step: the projects' money (a test counts it)
    return context


@pytest.fixture(scope="module")
def project_demo_module(django_db_setup, django_db_blocker):
    from django.db import transaction

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield load_project_demo()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def project_demo(project_demo_module, db):
    return project_demo_module
