"""Benchmark settings: the production settings with their own database — bench.sqlite3 next to the code,
or PostgreSQL when DATABASE_URL is set — so benchmarks never touch the development or test databases."""
from taizhang.settings.base import *  # noqa: F401,F403
from taizhang.settings.base import BASE_DIR, database_from_env

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
DATABASES = database_from_env(BASE_DIR / "bench.sqlite3")

import warnings  # noqa: E402

# whitenoise warns when collectstatic has not run; the benchmark serves no static files
warnings.filterwarnings("ignore", message="No directory at", module="django.core.handlers.base")
