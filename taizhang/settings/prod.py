"""Production: PostgreSQL through DATABASE_URL, HTTPS only, whitenoise for static files.

`SECRET_KEY`, `ALLOWED_HOSTS` and `DATABASE_URL` must come from the environment.
"""
from core.logs import logging_config

from .base import *  # noqa: F401,F403
from .base import env, env_bool

DEBUG = False
SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("SECRET_KEY must be set in the environment for production.")
TAIZHANG_2FA_ENFORCED = env_bool("TAIZHANG_2FA_ENFORCED", True)  # 等保 2.0 level 3: admin, auditor, leader
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", 31536000))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# the supervisor and the monitoring ask the app directly (plain HTTP on loopback), not through the proxy
SECURE_REDIRECT_EXEMPT = [r"^health/", r"^metrics$"]
LOGGING = logging_config(fmt=env("LOG_FORMAT", "json"), level=env("LOG_LEVEL", "INFO"))
# persistent database connections (a new PostgreSQL connection per request costs more than the request)
DATABASES["default"]["CONN_MAX_AGE"] = int(env("CONN_MAX_AGE", 300))  # noqa: F405
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
