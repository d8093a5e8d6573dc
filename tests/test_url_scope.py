"""Every named route has a scope case (tests/scope_cases.py), and every case holds for every persona.

A new route without a case fails `test_every_route_has_a_scope_case`, naming the routes to add.
"""
import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse

from tests.scope_cases import CASES, PERSONAS

PERSONA_USERNAMES = {"leader": "leader", "town_a": "town", "town_b": "town2", "supervisor": "supervisor",
                     "auditor": "auditor", "admin_user": "admin"}


def named_routes(patterns=None, namespace=None):
    """Every route name in the URL registry, with its namespace ("org:area_list")."""
    names = set()
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            names |= named_routes(pattern.url_patterns, ns)
        elif pattern.name:
            names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)
    return names


def test_every_route_has_a_scope_case():
    missing = sorted(named_routes() - set(CASES))
    assert not missing, (
        f"{len(missing)} route(s) have no scope case — add one line each to tests/scope_cases.py:\n  "
        + "\n  ".join(missing))


def test_no_case_names_a_route_that_does_not_exist():
    stale = sorted(set(CASES) - named_routes())
    assert not stale, f"scope cases for routes that no longer exist: {stale}"


@pytest.fixture
def clients(demo):
    from accounts.models import User

    made = {"anonymous": Client()}
    for persona, username in PERSONA_USERNAMES.items():
        made[persona] = Client()
        made[persona].force_login(User.objects.get(username=username))
    return made


@pytest.mark.parametrize("route", sorted(CASES))
def test_the_route_answers_each_persona_as_its_case_says(demo, clients, route):
    if route not in named_routes():
        pytest.fail(f"{route} is not a route (see test_no_case_names_a_route_that_does_not_exist)")
    case = CASES[route]
    url = reverse(route, kwargs=case.resolve_kwargs(demo))
    if case.query:
        url = f"{url}?{case.query}"
    got = {persona: clients[persona].get(url).status_code for persona in PERSONAS}
    wrong = {p: f"expected {case.expected[p]}, got {got[p]}" for p in PERSONAS if got[p] != case.expected[p]}
    assert not wrong, f"GET {url}: {wrong}"


def test_no_route_has_two_cases():
    """A dict literal silently keeps the last of two equal keys: with several people adding lines, say so."""
    import ast
    import collections
    from pathlib import Path

    tree = ast.parse(Path(__file__).with_name("scope_cases.py").read_text(encoding="utf-8"))
    cases = next(node.value for node in tree.body
                 if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "CASES")
    counts = collections.Counter(k.value for k in cases.keys if isinstance(k, ast.Constant))
    assert not [name for name, n in counts.items() if n > 1]
