"""gunicorn settings for Taizhang (`gunicorn -c deploy/gunicorn.conf.py`), tuned from the environment.

Chosen over granian by measurement (bench.load, docs/bench.md "Load"): granian's throughput was within the
noise of gunicorn's (slower in one run, faster in the other) and its p99 two to three times worse; the time
goes to Django and the database, not the HTTP layer. gunicorn is in Debian, supports systemd notify and
graceful reloads, recycles workers and has the widest documentation. (uvicorn would need the ASGI path.)
"""
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 1))
worker_class = "gthread" if threads > 1 else "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))  # an Excel export of a large ledger takes a while
graceful_timeout = 30
keepalive = 5
backlog = 2048  # runserver's backlog reset fresh connections under load (issue 15); the proxy queues too
max_requests = 2000  # recycle workers now and then (memory)
max_requests_jitter = 200
limit_request_line = 8190
limit_request_field_size = 8190
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None  # the app logs one JSON line per request itself
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
preload_app = False  # each worker opens its own database connections
raw_env = [f"DJANGO_SETTINGS_MODULE={os.environ.get('DJANGO_SETTINGS_MODULE', 'taizhang.settings.prod')}"]
wsgi_app = "taizhang.wsgi:application"


def on_starting(server):
    # prometheus_client's multiprocess mode: the workers write their metrics into this directory
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        os.makedirs(directory, exist_ok=True)
        for name in os.listdir(directory):
            os.unlink(os.path.join(directory, name))


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
