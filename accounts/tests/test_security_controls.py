"""等保 2.0 level 3 controls: two-factor login (required for admin, auditor, leader when enforced; optional
for others), API tokens that expire like sessions and are audited, `Cache-Control: no-store` on every
authenticated answer, and the administrator's security-settings page."""
import datetime

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import twofactor
from accounts.models import ApiToken
from accounts.tokens import issue
from audit.models import AuditLog

PASSWORD = settings.TAIZHANG_DEMO_PASSWORD


def login(username, client=None):
    client = client or Client()
    response = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content
    return client


def code_for(device, offset=0):
    return f"{totp(device.bin_key, t0=device.t0, step=device.step, drift=offset):06d}"


# ---------------------------------------------------------------- two-factor login


@override_settings(TAIZHANG_2FA_ENFORCED=True)
def test_a_required_role_without_a_device_must_enrol_before_anything_else(db, admin_user, _test_clock):
    client = login("admin")
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/2fa/setup/")
    assert client.get("/api/areas/").status_code == 403
    setup = client.get("/accounts/2fa/setup/")
    assert setup.status_code == 200 and setup.context["qr"].startswith("data:image/svg+xml;base64,")
    device = TOTPDevice.objects.get(user=admin_user, confirmed=False)
    assert setup.context["secret"] == twofactor.secret_base32(device)
    assert client.post("/accounts/2fa/setup/", {"code": "000000"}).status_code == 400
    _test_clock.shift(datetime.timedelta(seconds=2))  # django-otp's throttle: 1 s after the first failure
    codes = client.post("/accounts/2fa/setup/", {"code": code_for(device)})
    assert codes.status_code == 200 and len(codes.context["codes"]) == 10
    assert client.get("/").status_code == 200  # this session is verified now

    # the next login asks for the code; a backup code works once
    _test_clock.shift(datetime.timedelta(seconds=60))
    later = login("admin")
    assert later.get("/")["Location"].startswith("/accounts/2fa/verify/")
    assert later.post("/accounts/2fa/verify/", {"code": "123456"}).status_code == 400
    _test_clock.shift(datetime.timedelta(seconds=2))
    backup = codes.context["codes"][0]
    assert later.post("/accounts/2fa/verify/", {"code": backup, "next": "/items/todo/"})["Location"] == "/items/todo/"
    assert later.get("/").status_code == 200
    again = login("admin")
    assert again.post("/accounts/2fa/verify/", {"code": backup}).status_code == 400  # single use
    messages = list(AuditLog.objects.filter(username="admin").values_list("action", "outcome", "message"))
    assert ("login", "success", "双因素认证通过（备用码）") in messages
    assert ("login_failed", "failed", "双因素验证码错误") in messages


@override_settings(TAIZHANG_2FA_ENFORCED=True)
def test_other_roles_may_log_in_without_and_enrol_if_they_wish(db, town_a):
    client = login("town")
    assert client.get("/").status_code == 200
    assert client.get("/accounts/2fa/").context["enrolled"] is False
    client.get("/accounts/2fa/setup/")
    device = TOTPDevice.objects.get(user=town_a)
    client.post("/accounts/2fa/setup/", {"code": code_for(device)})
    assert twofactor.has_device(town_a)
    assert login("town").get("/").status_code == 302  # enrolled: the code is owed from now on
    client.post("/accounts/2fa/", {"action": "disable"})  # not required: may turn it off
    assert not twofactor.has_device(town_a)


@override_settings(TAIZHANG_2FA_ENFORCED=True)
def test_a_required_role_may_not_turn_it_off(db, leader):
    device = TOTPDevice.objects.create(user=leader, name="t", confirmed=True)
    client = login("leader")
    client.post("/accounts/2fa/verify/", {"code": code_for(device)})
    client.post("/accounts/2fa/", {"action": "disable"})
    assert twofactor.has_device(leader)


def test_without_enforcement_the_demo_logins_stay_password_only(db):
    assert login("admin").get("/").status_code == 200


# ---------------------------------------------------------------- API tokens


def test_a_token_expires_after_the_idle_timeout_and_is_audited(db, town_a, _test_clock):
    key = issue(town_a)
    auth = {"HTTP_AUTHORIZATION": f"Token {key}"}
    assert Client().get("/api/areas/", **auth).status_code == 200
    _test_clock.shift(datetime.timedelta(seconds=settings.SESSION_IDLE_TIMEOUT - 60))
    assert Client().get("/api/areas/", **auth).status_code == 200  # used in time: the idle clock restarts
    _test_clock.shift(datetime.timedelta(seconds=settings.SESSION_IDLE_TIMEOUT + 1))
    response = Client().get("/api/areas/", **auth)
    assert response.status_code == 401 and "expired" in response.json()["detail"]
    assert not ApiToken.objects.filter(user=town_a).exists()
    rows = AuditLog.objects.filter(object_type="accounts.apitoken").order_by("id")
    assert [(r.action, r.username, r.message) for r in rows] == [
        ("login", "town", "签发 API 令牌"), ("login_failed", "town", "API 令牌已过期（空闲超时）")]


def test_a_token_expires_at_the_absolute_limit_however_busy(db, town_a, _test_clock):
    key = issue(town_a)
    auth = {"HTTP_AUTHORIZATION": f"Token {key}"}
    step = datetime.timedelta(seconds=settings.SESSION_IDLE_TIMEOUT // 2)
    for _ in range(settings.SESSION_ABSOLUTE_TIMEOUT // step.seconds - 1):
        _test_clock.shift(step)
        assert Client().get("/api/areas/", **auth).status_code == 200
    _test_clock.shift(step * 2)
    assert Client().get("/api/areas/", **auth).status_code == 401


def test_a_token_needs_the_two_factor_code_of_an_enrolled_account(db, town_a):
    device = TOTPDevice.objects.create(user=town_a, name="t", confirmed=True)
    credentials = {"username": "town", "password": PASSWORD}
    assert Client().post("/api/token/", credentials).status_code == 403
    ok = Client().post("/api/token/", {**credentials, "otp_token": code_for(device)})
    assert ok.status_code == 200 and len(ok.json()["token"]) == 40


@override_settings(TAIZHANG_2FA_ENFORCED=True)
def test_a_required_role_gets_no_token_before_enrolling(db, auditor):
    response = Client().post("/api/token/", {"username": "auditor", "password": PASSWORD})
    assert response.status_code == 403 and "Enrol" in response.json()["detail"]


# ---------------------------------------------------------------- Cache-Control


@pytest.mark.parametrize("url", ["/", "/items/todo/", "/items/?export=xlsx", "/api/items/", "/audit/"])
def test_authenticated_answers_are_not_stored(client_for, leader, url):
    response = client_for(leader).get(url)
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_token_answers_are_not_stored(db, town_a):
    response = Client().get("/api/areas/", HTTP_AUTHORIZATION=f"Token {issue(town_a)}")
    assert "no-store" in response["Cache-Control"]


# ---------------------------------------------------------------- the security-settings page


def test_the_security_page_shows_the_settings_in_force_to_the_admin_only(client_for, admin_user, town_a, leader):
    TOTPDevice.objects.create(user=leader, name="t", confirmed=True)
    page = client_for(admin_user).get("/accounts/security/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f"连续失败 {settings.AXES_FAILURE_LIMIT} 次" in html and f"{settings.SESSION_IDLE_TIMEOUT // 60} 分钟" in html
    required = dict((u.username, ok) for u, ok in page.context["required_users"])
    assert required == {"leader": True, "admin": False, "auditor": False}
    assert client_for(town_a).get("/accounts/security/").status_code == 403


@pytest.mark.django_db(transaction=True)
def test_the_code_is_checked_outside_a_test_transaction_too(leader):
    # django-otp locks the devices (select_for_update) while it checks a code: that needs a transaction of
    # our own, which the other tests' wrapping transaction hid (500 through the real deployment).
    device = TOTPDevice.objects.create(user=leader, name="t", confirmed=True)
    client = login("leader")
    assert client.post("/accounts/2fa/verify/", {"code": code_for(device)}).status_code == 302
    assert client.get("/").status_code == 200
