"""The committed OpenAPI document (docs/openapi.yaml) is what the code generates now, and the
organisation's endpoints generate it without warnings. After changing an endpoint: `make schema`."""
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
COMMITTED = ROOT / "docs" / "openapi.yaml"
# Endpoints whose schema must be warning-free here; other apps add theirs as they clean up their warnings.
CLEAN_VIEWSETS = ("AreaViewSet", "UnitViewSet", "PersonViewSet", "MechanismViewSet", "BodyViewSet", "SeatViewSet",
                  "ObtainToken")
CLEAN_FILES = ("/org/", "/api/", "/core/", "/accounts/")


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    out = tmp_path_factory.mktemp("schema") / "openapi.yaml"
    # As `make schema` runs it: the default settings and SQLite. (The document depends on the database:
    # integer ranges differ between SQLite and PostgreSQL, so it is always generated on SQLite.)
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL"}}
    result = subprocess.run([sys.executable, "manage.py", "spectacular", "--file", str(out), "--validate"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return out.read_text(encoding="utf-8"), result.stderr


def test_the_committed_openapi_document_matches_the_code(generated):
    text, _warnings = generated
    assert COMMITTED.exists(), "docs/openapi.yaml is missing: run `make schema` and commit it"
    assert COMMITTED.read_text(encoding="utf-8") == text, (
        "docs/openapi.yaml differs from what the API generates now: run `make schema` and commit the result")


def test_the_org_endpoints_generate_without_warnings(generated):
    _text, warnings = generated
    lines = [line for line in warnings.splitlines() if re.search(r"\b(Warning|Error)\b", line)]
    ours = [line for line in lines if any(v in line for v in CLEAN_VIEWSETS) or any(f in line for f in CLEAN_FILES)]
    assert not ours, "\n".join(ours)


def test_the_document_describes_the_org_endpoints(generated):
    text, _warnings = generated
    for path in ("/api/areas/", "/api/units/", "/api/people/", "/api/mechanisms/", "/api/bodies/", "/api/seats/",
                 "/api/mechanisms/{id}/copy/", "/api/token/"):
        assert f"  {path}:" in text, path
    assert "tokenAuth" in text and "cookieAuth" in text
