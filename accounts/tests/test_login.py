"""Login security: password policy, lockout without account enumeration, idle and absolute session
timeouts, server-side logout, and the audit trail of it all."""
import re
import time
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.forms import LOGIN_FAILED
from accounts.middleware import LOGIN_TIME_KEY
from audit.models import AuditAction, AuditLog

PASSWORD = settings.TAIZHANG_DEMO_PASSWORD
LOGIN_URL = "/accounts/login/"


@pytest.fixture(autouse=True)
def _fresh_axes(db):
    axes_reset()
    yield
    axes_reset()


def login(client, username, password):
    return client.post(LOGIN_URL, {"username": username, "password": password})


def error_text(response):
    match = re.search(r'data-testid="login-error">(.*?)</div>', response.content.decode(), re.S)
    return match.group(1).strip() if match else None


def page_without_tokens(response):
    """The login page with the per-request CSRF token removed, to compare two pages."""
    html = response.content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    html = re.sub(r'"X-CSRFToken": "[^"]+"', "", html)
    return re.sub(r'value="(town|nobody-[\w-]+)"', 'value="USER"', html)


# ---------------------------------------------------------------- password policy


def codes(password, user=None):
    try:
        validate_password(password, user)
    except ValidationError as exc:
        return {e.code for e in exc.error_list}
    return set()


def test_it_accepts_a_strong_password():
    assert codes("Qingshan#Hu2024") == set()
    assert codes(PASSWORD) == set()


def test_it_refuses_a_short_password():
    assert "password_too_short" in codes("Ab1#xyz")


def test_it_refuses_a_password_with_too_few_character_classes():
    assert codes("qingshanhuqu") == {"password_too_simple"}
    assert codes("qingshanhu2024") == {"password_too_simple"}  # two classes: lower case and digits


def test_it_refuses_a_common_password():
    assert "password_too_common" in codes("Password123")


def test_it_refuses_an_all_digit_password():
    assert "password_entirely_numeric" in codes("1357924680")


def test_the_class_rule_explains_itself_in_chinese():
    with pytest.raises(ValidationError) as info:
        validate_password("qingshanhuqu")
    assert "至少 3 类" in " ".join(info.value.messages)


# ---------------------------------------------------------------- login and lockout


def test_it_logs_in_with_the_right_password(demo):
    client = Client()
    response = login(client, "town", PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("org:mechanism_current")
    assert client.get("/").status_code == 200


def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(demo):
    wrong = login(Client(), "town", "Wrong#Password1")
    unknown = login(Client(), "nobody-at-all", "Wrong#Password1")
    assert wrong.status_code == unknown.status_code == 200
    assert error_text(wrong) == error_text(unknown) == str(LOGIN_FAILED)
    assert page_without_tokens(wrong) == page_without_tokens(unknown)


def _fail(username, times):
    client = Client()
    responses = [login(client, username, "Wrong#Password1") for _ in range(times)]
    return client, responses


def test_it_locks_an_account_after_five_failures(demo):
    client, responses = _fail("town", 5)
    assert [r.status_code for r in responses[:4]] == [200] * 4
    locked = login(client, "town", PASSWORD)  # even the right password is refused now
    assert locked.status_code == 429
    assert error_text(locked) == str(LOGIN_FAILED)
    assert "_auth_user_id" not in client.session
    assert login(Client(), "town", PASSWORD).status_code == 429  # another browser, same account: locked too


def test_a_locked_account_and_a_locked_unknown_name_look_the_same(demo):
    _fail("town", 5)
    _fail("nobody-x1", 5)
    existing = login(Client(), "town", PASSWORD)
    unknown = login(Client(), "nobody-x1", PASSWORD)
    assert existing.status_code == unknown.status_code == 429
    assert error_text(existing) == error_text(unknown) == str(LOGIN_FAILED)
    assert page_without_tokens(existing) == page_without_tokens(unknown)


def test_the_lockout_is_per_username_not_per_address(demo):
    _fail("town", 5)
    assert login(Client(), "town2", PASSWORD).status_code == 302  # same IP, other account


def test_a_successful_login_resets_the_failure_count(demo):
    _fail("town", 4)
    assert login(Client(), "town", PASSWORD).status_code == 302
    assert not AccessAttempt.objects.filter(username="town").exists()
    client, _ = _fail("town", 4)
    assert login(client, "town", PASSWORD).status_code == 302


def test_the_api_token_endpoint_shares_the_lockout(demo):
    _fail("town", 5)
    response = Client().post("/api/token/", {"username": "town", "password": PASSWORD})
    assert response.status_code in (400, 403, 429)
    assert "token" not in response.json()


# ---------------------------------------------------------------- session timeouts and logout


def logged_in_client(username="town"):
    client = Client()
    assert login(client, username, PASSWORD).status_code == 302
    return client


def test_the_idle_timeout_is_the_session_age_renewed_on_each_request(demo):
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_IDLE_TIMEOUT == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST
    client = logged_in_client()
    key = client.session.session_key
    client.get("/")
    expires = Session.objects.get(pk=key).expire_date
    assert abs((expires - timezone.now()) - timedelta(seconds=settings.SESSION_COOKIE_AGE)) < timedelta(seconds=60)


def test_an_idle_session_is_ended(demo):
    client = logged_in_client()
    Session.objects.filter(pk=client.session.session_key).update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN_URL)


def _age_login(client, seconds):
    session = client.session
    session[LOGIN_TIME_KEY] = time.time() - seconds
    session.save()


def test_an_active_session_ends_at_the_absolute_timeout(demo):
    client = logged_in_client()
    key = client.session.session_key
    _age_login(client, settings.SESSION_ABSOLUTE_TIMEOUT + 60)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN_URL)
    assert not Session.objects.filter(pk=key).exists()
    assert client.get("/").status_code == 302


def test_a_session_younger_than_the_absolute_timeout_goes_on(demo):
    client = logged_in_client()
    _age_login(client, settings.SESSION_ABSOLUTE_TIMEOUT - 600)
    assert client.get("/").status_code == 200


def test_the_api_answers_401_after_the_absolute_timeout(demo):
    client = logged_in_client()
    _age_login(client, settings.SESSION_ABSOLUTE_TIMEOUT + 60)
    assert client.get("/api/areas/").status_code == 401


def test_logout_needs_post(demo):
    client = logged_in_client()
    assert client.get("/accounts/logout/").status_code == 405
    assert client.get("/").status_code == 200


def test_logout_deletes_the_session_on_the_server(demo):
    client = logged_in_client()
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert Session.objects.filter(pk=cookie).exists()
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert not Session.objects.filter(pk=cookie).exists()
    # a copy of the old cookie (e.g. stolen before logout) no longer opens anything
    thief = Client()
    thief.cookies[settings.SESSION_COOKIE_NAME] = cookie
    response = thief.get("/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN_URL)


# ---------------------------------------------------------------- audit trail


def test_login_logout_and_failed_login_are_audited(demo):
    start = AuditLog.objects.order_by("-id").values_list("id", flat=True).first() or 0
    login(Client(), "nobody-audit", "Wrong#Password1")
    client = logged_in_client("dept")
    client.post("/accounts/logout/")
    rows = list(AuditLog.objects.filter(id__gt=start).order_by("id"))
    actions = [(r.action, r.username, r.outcome) for r in rows]
    assert (AuditAction.LOGIN_FAILED, "nobody-audit", "failed") in actions
    assert (AuditAction.LOGIN, "dept", "success") in actions
    assert (AuditAction.LOGOUT, "dept", "success") in actions
    login_row = next(r for r in rows if r.action == AuditAction.LOGIN)
    assert login_row.ip == "127.0.0.1" and login_row.unit_name == "住建局"
    assert "Wrong#Password1" not in str([(r.message, r.before, r.after, r.object_repr) for r in rows])
