"""Static files under the production settings: `collectstatic` with the hashed manifest (whitenoise's
CompressedManifestStaticFilesStorage) succeeds — every URL a stylesheet references is vendored — and every page
type renders with it (a name missing from the manifest is a 500 on every HTML page)."""
import re

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse

from tests.scope_cases import CASES

PROD_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    root = tmp_path_factory.mktemp("static")
    with override_settings(STORAGES=PROD_STORAGES, STATIC_ROOT=root, WHITENOISE_USE_FINDERS=False, DEBUG=False):
        call_command("collectstatic", "--noinput", verbosity=0)
        yield root  # (Django resets staticfiles_storage when STORAGES/STATIC_ROOT change)


def test_collectstatic_builds_the_manifest_with_every_referenced_file(collected):
    manifest = (collected / "staticfiles.json").read_text()
    assert "vendor/bootstrap-icons/fonts/bootstrap-icons" in manifest
    css = next(collected.glob("vendor/bootstrap-icons/bootstrap-icons.min.*.css")).read_text()
    for url in re.findall(r'url\("([^")?#]+)', css):  # every referenced file exists, under its hashed name
        assert (collected / "vendor/bootstrap-icons" / url).is_file(), url


OWN_TEMPLATES = {"health_ready"}  # django-health-check's own page, no static files of ours
PAGES = sorted(route for route, case in CASES.items() if route not in OWN_TEMPLATES
               and (case.expected.get("leader") == 200 or case.expected.get("admin_user") == 200))


@pytest.mark.parametrize("route", PAGES)
def test_every_page_type_renders_with_the_hashed_static_files(collected, demo, route):
    from accounts.models import User

    case = CASES[route]
    persona = "leader" if case.expected.get("leader") == 200 else "admin_user"
    client = Client()
    client.force_login(User.objects.get(username={"leader": "leader", "admin_user": "admin"}[persona]))
    url = reverse(route, kwargs=case.resolve_kwargs(demo)) + (f"?{case.query}" if case.query else "")
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    if "text/html" in response.get("Content-Type", ""):
        html = response.content.decode()
        hashed = re.findall(r'/static/[^"\']+\.[0-9a-f]{12}\.(?:css|js)', html)
        assert hashed or "<html" not in html, f"{url}: no hashed static file names"
