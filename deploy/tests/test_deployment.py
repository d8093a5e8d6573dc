"""The production deployment, checked from outside as a user and the IT office meet it: through nginx with
TLS, a leader logs in with the password and the TOTP code in a real browser; HSTS, secure cookies and
no-store headers; the body limit refuses a huge upload before the app; the API token needs the code; the
worker has run the scheduler's periodic jobs; a backup restored into the running deployment serves again."""
import hashlib
import hmac
import json
import os
import ssl
import struct
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
DEMO_PASSWORD = os.environ.get("TAIZHANG_DEMO_PASSWORD", "Taizhang@2023")
DEMO_TOTP_KEY = os.environ.get("TAIZHANG_DEMO_TOTP_KEY", "5461697a68616e672d64656d6f2d746f74702131")


def totp(key_hex=DEMO_TOTP_KEY, at=None, step=30, digits=6):
    """RFC 6238, as any authenticator app computes it."""
    counter = int((at or time.time()) // step)
    digest = hmac.new(bytes.fromhex(key_hex), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 10 ** digits:0{digits}d}"


_used = {"counter": int(time.time() // 30)}  # a run just before may have used this window's code


def fresh_code():
    """A code of a 30 s window not used yet (django-otp refuses a code replayed in its window) with at least 5 s
    of the window left (a code typed at its edge may expire on the way)."""
    while int(time.time() // 30) <= _used["counter"] or time.time() % 30 > 25:
        time.sleep(0.5)
    _used["counter"] = int(time.time() // 30)
    return totp()


def request(deployment, path, *, method="GET", data=None, headers=None):
    context = ssl.create_default_context(cafile=deployment["cacert"])
    req = urllib.request.Request(deployment["url"] + path, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, context=context, timeout=60) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def manage(deployment, *args):
    env = {**os.environ, "TAIZHANG_ENV_FILE": str(deployment["dir"] / "taizhang.env"), "TAIZHANG_HOME": str(ROOT)}
    return subprocess.run([str(ROOT / "deploy" / "bin" / "taizhang-manage"), *args], env=env, capture_output=True,
                          text=True, timeout=600)


def test_a_leader_logs_in_through_the_proxy_with_totp(deployment, browser):
    context = browser.new_context(ignore_https_errors=True, locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    response = page.goto(deployment["url"] + "/")
    assert response.url.startswith(deployment["url"] + "/accounts/login/")
    page.fill("input[name=username]", "leader")
    page.fill("input[name=password]", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("[data-testid=login-submit]")
    assert "/accounts/2fa/verify/" in page.url, page.url  # the password alone does not get in
    page.fill("input[name=code]", "000000")
    with page.expect_navigation():
        page.click("[data-testid=otp-submit]")
    assert page.locator("[data-testid=otp-error]").is_visible()
    time.sleep(1.1)  # django-otp's throttle after a wrong code
    page.fill("input[name=code]", fresh_code())
    with page.expect_navigation():
        page.click("[data-testid=otp-submit]")
    assert "/accounts/" not in page.url, page.url
    assert page.locator("text=推进机制").first.is_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "deployment-leader-after-totp.png"), full_page=False)
    cookies = {c["name"]: c for c in context.cookies()}
    assert cookies["sessionid"]["secure"] and cookies["sessionid"]["httpOnly"]
    todo = page.goto(deployment["url"] + "/items/todo/")
    assert todo.status == 200 and "no-store" in todo.headers["cache-control"]
    assert "max-age=31536000" in todo.headers["strict-transport-security"]
    static = page.goto(deployment["url"] + page.locator("link[rel=stylesheet]").first.get_attribute("href"))
    assert static.status == 200 and "immutable" in static.headers["cache-control"]  # served by nginx, hashed name
    context.close()


def test_http_redirects_and_metrics_stay_closed_outside(deployment):
    status, headers, _ = request(deployment, "/metrics")
    assert status == 404
    status, _, body = request(deployment, "/health/ready/?format=json")
    assert status == 200 and set(json.loads(body).values()) == {"OK"}


def test_the_proxy_refuses_a_huge_body_before_the_app(deployment):
    status, _, _ = request(deployment, "/appeals/portal/", method="POST", data=b"x" * (20 * 1024 * 1024),
                           headers={"Content-Type": "application/octet-stream"})
    assert status == 413


def test_an_api_token_through_the_proxy_needs_the_code(deployment):
    form = {"username": "leader", "password": DEMO_PASSWORD}
    headers = {"Content-Type": "application/json"}
    status, _, _ = request(deployment, "/api/token/", method="POST", data=json.dumps(form).encode(), headers=headers)
    assert status == 403
    time.sleep(1.1)
    form["otp_token"] = fresh_code()
    status, _, body = request(deployment, "/api/token/", method="POST", data=json.dumps(form).encode(), headers=headers)
    assert status == 200, body
    token = json.loads(body)["token"]
    status, headers, body = request(deployment, "/api/items/?page_size=1", headers={"Authorization": f"Token {token}"})
    assert status == 200 and "no-store" in headers["Cache-Control"]


def test_the_worker_ran_the_scheduled_jobs(deployment):
    result = manage(deployment, "shell", "-c", "from django_tasks_db.models import DBTaskResult as R; "
                    "print(sorted(set(R.objects.filter(status='SUCCESSFUL').values_list('task_path', flat=True))))")
    assert result.returncode == 0, result.stderr
    assert {"items.jobs.recompute_lights", "audit.jobs.audit_verify", "core.jobs.prune_media"} <= set(eval(result.stdout.strip().splitlines()[-1]))  # noqa: S307


def test_backup_and_restore_in_the_running_deployment(deployment):
    out = manage(deployment, "backup")
    assert out.returncode == 0, out.stderr
    archive = out.stdout.split(":")[0].strip()
    restored = manage(deployment, "restore", archive, "--yes")
    assert restored.returncode == 0, restored.stderr
    assert "audit chain intact" in restored.stdout
    status, _, _ = request(deployment, "/accounts/login/")
    assert status == 200


if __name__ == "__main__":
    pytest.main([__file__])
