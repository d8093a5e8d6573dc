"""Start and stop the servers the load benchmarks compare: gunicorn (the production server,
deploy/gunicorn.conf.py), granian and Django's runserver — on loopback, with the production settings."""
import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


def server_env(database_url, static_root, **extra):
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "taizhang.settings.prod",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"),
        "DATABASE_URL": database_url,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",  # plain HTTP on loopback, no proxy in front
        "TAIZHANG_2FA_ENFORCED": "0",  # the load clients log in with tokens, without codes
        "STATIC_ROOT": str(static_root),
        "LOG_LEVEL": "WARNING",
        **extra,
    }


def command(kind, port, workers):
    if kind == "gunicorn":
        return [str(VENV_BIN / "gunicorn"), "-c", str(ROOT / "deploy" / "gunicorn.conf.py"),
                "--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
    if kind == "granian":
        return [str(VENV_BIN / "granian"), "--interface", "wsgi", "--workers", str(workers), "--host", "127.0.0.1",
                "--port", str(port), "--log-level", "warning", "taizhang.wsgi:application"]
    if kind == "runserver":
        return [sys.executable, str(ROOT / "manage.py"), "runserver", f"127.0.0.1:{port}", "--noreload"]
    raise ValueError(kind)


def wait_until_up(port, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/health/live/")
            if conn.getresponse().status == 200:
                return
        time.sleep(0.3)
    raise RuntimeError(f"server on port {port} did not come up")


@contextlib.contextmanager
def running(kind, *, port, workers, env, log=None):
    """The server, up and answering, for the duration of the block."""
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
        raise RuntimeError(f"port {port} is taken by another server: set BENCH_PORT")
    out = open(log, "w") if log else subprocess.DEVNULL  # noqa: SIM115
    proc = subprocess.Popen(command(kind, port, workers), cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                            start_new_session=True)
    try:
        wait_until_up(port)
        yield proc
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        if log:
            out.close()
