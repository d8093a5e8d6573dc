"""The deployment tests talk to the deployment `deploy/deploy-local.sh up` started (nginx → gunicorn →
PostgreSQL, worker, scheduler): over HTTPS through the proxy, and through its manage.py for backup/restore.
They use no Django test database and no live server: the rows are the deployment's own."""
import os
from pathlib import Path

import pytest

DEPLOY_DIR = Path(os.environ.get("DEPLOY_DIR", "/tmp/taizhang-deploy"))
HTTPS_PORT = int(os.environ.get("HTTPS_PORT", 8443))


@pytest.fixture(scope="session")
def deployment():
    if not (DEPLOY_DIR / "run" / "web.pid").exists():
        pytest.fail(f"no deployment in {DEPLOY_DIR}: run `make deploy-local` (deploy/deploy-local.sh up) first")
    env = dict(line.split("=", 1) for line in (DEPLOY_DIR / "taizhang.env").read_text().splitlines() if "=" in line)
    return {"url": f"https://127.0.0.1:{HTTPS_PORT}", "cacert": str(DEPLOY_DIR / "tls" / "cert.pem"), "env": env,
            "dir": DEPLOY_DIR}


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        yield instance
        instance.close()
