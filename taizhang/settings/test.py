"""Test settings: fast hashing, in-memory e-mail, the same middleware and database options as production."""
from .base import *  # noqa: F401,F403
from .base import BASE_DIR, database_from_env

DEBUG = False
# A throw-away ledger kind declared on the kit (tests/kindkit, tests/test_kind_kit.py): the kit's own proof.
INSTALLED_APPS = [*INSTALLED_APPS, "tests.kindkit"]  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
DATABASES = database_from_env(BASE_DIR / "test.sqlite3")
MEDIA_ROOT = BASE_DIR / "test-artifacts" / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STATIC_ROOT = None  # static files come from the finders here; only prod collects them (silences whitenoise)
# Jobs run at once, inside the request or command that enqueues them (a test sees their result).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# The defined ledgers' kinds are rebuilt when a definition is saved in this process; the periodic refresh (for
# changes saved by another process) would add its query at a random moment of a query-count test.
TAIZHANG_LEDGER_KIND_TTL = 24 * 3600
