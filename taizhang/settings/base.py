"""Settings shared by every environment; dev/test/prod override a few names.

Configuration comes from the environment (twelve-factor): DATABASE_URL, SECRET_KEY, ALLOWED_HOSTS,
EMAIL_URL-style settings. SQLite is the embedded default; PostgreSQL through DATABASE_URL.
"""
import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name, default=None):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


SECRET_KEY = env("SECRET_KEY", "dev-insecure-key-change-me-0123456789-abcdefghijklmnopqrstuvwxyz")
DEBUG = False
ALLOWED_HOSTS = [h for h in env("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in env("CSRF_TRUSTED_ORIGINS", "").split(",") if o]
# Reverse proxies we run (nginx on the same server): their X-Real-IP is the client's address (core.middleware).
TAIZHANG_TRUSTED_PROXIES = tuple(p for p in env("TAIZHANG_TRUSTED_PROXIES", "").split(",") if p)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular_sidecar",
    "drf_spectacular",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "health_check",
    "django_prometheus",
    # Taizhang apps; dependencies point one way (.importlinter): core ← audit ← org ← accounts ← items ← imports ←
    # funds/enterprises ← kinds ← api/demo ← taizhang ← bench
    "core",
    "org",
    "accounts",
    "audit",
    "items",
    "imports",
    "tasks",
    "projects",
    "funds",
    "supervision",
    "enterprises",
    "appeals",
    "ledgers",
    "api",
    "demo",
    "ops",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.SessionTimeoutMiddleware",
    "accounts.twofactor.TwoFactorMiddleware",
    "core.middleware.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.middleware.RequestContextMiddleware",
    "core.logs.RequestLogMiddleware",
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "taizhang.urls"
WSGI_APPLICATION = "taizhang.wsgi.application"
AUTH_USER_MODEL = "accounts.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.shell",
            ],
        },
    },
]


def database_from_env(default_sqlite_path):
    """DATABASE_URL → Django DATABASES; SQLite gets WAL, IMMEDIATE transactions and a busy timeout
    so that two writers queue instead of failing with "database is locked"."""
    url = env("DATABASE_URL") or f"sqlite:///{default_sqlite_path}"
    config = dj_database_url.parse(url, conn_max_age=0)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        }
    return {"default": config}


DATABASES = database_from_env(BASE_DIR / "db.sqlite3")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.RoleBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.validators.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
]

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "org:mechanism_current"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sessions: idle timeout (cookie age renewed on every request) and an absolute cap enforced by
# accounts.middleware.SessionTimeoutMiddleware. Sessions live in the database so logout kills them.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_IDLE_TIMEOUT = int(env("SESSION_IDLE_TIMEOUT", 30 * 60))
SESSION_ABSOLUTE_TIMEOUT = int(env("SESSION_ABSOLUTE_TIMEOUT", 12 * 3600))
SESSION_COOKIE_AGE = SESSION_IDLE_TIMEOUT
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Two-factor login (accounts.twofactor, django-otp TOTP + backup codes): required for these roles when
# TAIZHANG_2FA_ENFORCED is on (prod default; off here so the demo logins stay password-only), optional for all.
TAIZHANG_2FA_ENFORCED = env_bool("TAIZHANG_2FA_ENFORCED", False)
TAIZHANG_2FA_REQUIRED_ROLES = ("admin", "auditor", "district_leader")
OTP_TOTP_ISSUER = "Taizhang"
OTP_TOTP_THROTTLE_FACTOR = 1  # each wrong code doubles the wait before the next try (1 s, 2 s, 4 s …)
# The demo's TOTP secret (hex, 20 bytes) for leader/admin/auditor when the demo is loaded with 2FA enforced:
# printed with the demo logins — a demo convenience, never used for a real account.
TAIZHANG_DEMO_TOTP_KEY = env("TAIZHANG_DEMO_TOTP_KEY", "5461697a68616e672d64656d6f2d746f74702131")

# Lockout: 5 failures per username (whether or not it exists) lock it for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
# Not by IP: a township's whole office sits behind one NAT address on the government intranet, and an
# IP lock would shut all of it out because of one person's typing (axes.W006 is silenced for that reason).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.views.lockout_response"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

from csp.constants import NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        # Styles: ECharts and Bootstrap set style attributes; scripts stay strictly same-origin.
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [Path(env("TAIZHANG_LOCALE_DIR", BASE_DIR / "locale"))]  # overridable: the i18n test regenerates into a copy
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env("MEDIA_ROOT", BASE_DIR / "media"))
TAIZHANG_BACKUP_DIR = Path(env("TAIZHANG_BACKUP_DIR", BASE_DIR / "backups"))  # manage.py backup
# Never routed: files are served only through permission-checked views (the URL exists because Django's
# live test server and storage API expect one).
MEDIA_URL = "/_private-media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Uploads: attachments are capped and checked by content (core.uploads).
ATTACHMENT_MAX_BYTES = int(env("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024))
DATA_UPLOAD_MAX_MEMORY_SIZE = 15 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "taizhang@localhost")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "accounts.tokens.ExpiringTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["core.api_permissions.ScopedModelPermissions"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "core.api_permissions.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Taizhang 台账 API",
    "DESCRIPTION": "Ledgers of the key-work mechanism. Every endpoint is scoped like the pages.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/",
}

# Structured logs (core.logs): JSON lines with the request id, user and IP; LOG_FORMAT=text for plain lines.
from core.logs import logging_config  # noqa: E402

LOGGING = logging_config(fmt=env("LOG_FORMAT", "text"), level=env("LOG_LEVEL", "WARNING"))

# Traffic-light thresholds (红黄绿灯), per kind where kinds need their own.
TAIZHANG_LIGHTS = {
    "yellow_working_days": 3,  # due within N working days → yellow
}
TAIZHANG_DEMO_PASSWORD = env("TAIZHANG_DEMO_PASSWORD", "Taizhang@2023")

DISPLAY_NAME = _("台账 · 重点工作推进平台")
SPECTACULAR_SETTINGS.update({
    "SWAGGER_UI_DIST": "SIDECAR",  # served by the app: intranets have no internet
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
})

# 序时进度 light of major projects (projects.lights): how far the completed share of the annual plan may
# lag behind the elapsed share of the year (both as fractions of 1) before a project turns yellow / red.
TAIZHANG_PROJECT_LIGHTS = {
    "yellow_behind": 0.05,  # completed share ≥ 5 points behind the elapsed share → yellow
    "red_behind": 0.20,  # ≥ 20 points behind → red
}

# 作风督查 (supervision): 督办单/通报 issuer and number prefixes, deadlines, 回头看.
TAIZHANG_SUPERVISION_ISSUER = env("TAIZHANG_SUPERVISION_ISSUER", "青山湖区作风督查领导小组办公室")
TAIZHANG_SUPERVISION_NOTICE_PREFIX = "青督办"  # 督办单 number: 青督办〔2023〕12号
TAIZHANG_SUPERVISION_BULLETIN_PREFIX = "青督通"  # 通报 number: 青督通〔2023〕5号
TAIZHANG_SUPERVISION_BODY = "作风督查组"  # short name of the body that owns findings (dispatcher role)
TAIZHANG_SUPERVISION_RECTIFY_WORKDAYS = 10  # default rectification deadline, in working days
TAIZHANG_SUPERVISION_NEAR_DEADLINE_WORKDAYS = 3  # 蓝色督办: due within N working days
TAIZHANG_SUPERVISION_REVIEW_AFTER_DAYS = 30  # 回头看: a struck-off finding may be reopened N days after 销号

# Appeals (诉求工单): who dispatches, the intake account of public submissions, portal and Open311 limits.
TAIZHANG_APPEALS_DISPATCH_BODY = env("TAIZHANG_APPEALS_DISPATCH_BODY", "社会稳定专班")  # short name, current mechanism
TAIZHANG_APPEALS_ENTERPRISE_BODY = env("TAIZHANG_APPEALS_ENTERPRISE_BODY", "扫楼扫街专班")
TAIZHANG_APPEALS_INTAKE_USERNAME = env("TAIZHANG_APPEALS_INTAKE_USERNAME", "centre")
TAIZHANG_PORTAL_RATE = (int(env("TAIZHANG_PORTAL_RATE", 20)), 3600)  # requests per IP per window (s)
TAIZHANG_PORTAL_MIN_SECONDS = 3  # a form sent back faster than this is a robot
TAIZHANG_APPEALS_OPEN311_MAX_PAGE_SIZE = 100
TAIZHANG_APPEALS_OPEN311_MAX_SPAN_DAYS = 90
TAIZHANG_APPEALS_OPEN311_JURISDICTION = env("TAIZHANG_APPEALS_OPEN311_JURISDICTION", "qingshanhu.nanchang.gov.cn")
TAIZHANG_APPEALS_OPEN311_API_KEYS = tuple(k for k in env("TAIZHANG_APPEALS_OPEN311_API_KEYS", "").split(",") if k)

# Item engine (items.workflow / items.notifications): 回退 is allowed within this many working days of 交办;
# reminders mention items due within N working days and 旬 reports due within two days.
ITEM_BOUNCE_WORKING_DAYS = int(env("ITEM_BOUNCE_WORKING_DAYS", 2))
TAIZHANG_REMINDERS = {
    "due_working_days": 3,
}
SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {}).update({
    "ItemKindEnum": "items.models.ItemKind",
    "ItemStateEnum": "items.models.ItemState",
    "ItemSupervisionLevelEnum": "items.models.SupervisionLevel",
    "ItemLightEnum": "items.models.Light",
    # fields named "level"/"state" in several apps: name each choice set after its model
    "AreaLevelEnum": "org.models.AreaLevel",
    "AppealLevelEnum": "appeals.models.Level",
    "ProjectLevelEnum": "projects.models.ProjectLevel",
    "NoticeLevelEnum": "supervision.models.NoticeLevel",
    "InspectionStateEnum": "supervision.models.InspectionState",
    "NoticeStateEnum": "supervision.models.NoticeState",
    "BulletinStateEnum": "supervision.models.BulletinState",
    "ImportIssueSeverityEnum": "imports.models.IssueSeverity",
    "FindingSeverityEnum": "supervision.models.Severity",
    "ImportBatchStateEnum": "imports.models.BatchState",
})

# Background jobs (imports, reports, reminders, lights): Django's Tasks API (the django-tasks backport); the
# queue is a table in the database (`manage.py db_worker` runs it) — no extra server. On PostgreSQL the workers
# claim jobs with SELECT … FOR UPDATE SKIP LOCKED, so several workers on several machines share one queue
# (docs/deployment.md). Failed jobs are retried (core.jobqueue): `retries` times, back-off doubling from
# `backoff_seconds`; a job's own `@retries(n)` overrides.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
TAIZHANG_JOBS = {
    "retries": int(env("TAIZHANG_JOB_RETRIES", 3)),
    "backoff_seconds": int(env("TAIZHANG_JOB_BACKOFF_SECONDS", 60)),
}
# Operations (ops): readiness fails when a due job waited longer than this (no worker?) or a disk is fuller;
# /metrics answers only these addresses (the proxy does not pass it on from outside either).
TAIZHANG_HEALTH = {
    "queue_max_wait_seconds": int(env("TAIZHANG_HEALTH_QUEUE_MAX_WAIT", 15 * 60)),
    "disk_max_percent": float(env("TAIZHANG_HEALTH_DISK_MAX_PERCENT", 95)),
}
TAIZHANG_METRICS_ALLOWED_IPS = tuple(env("TAIZHANG_METRICS_ALLOWED_IPS", "127.0.0.1,::1").split(","))
# Periodic work, enqueued by `manage.py run_scheduler` exactly once per period (ops.schedule) — no cron lines.
TAIZHANG_PERIODIC_JOBS = {
    "recompute_lights": {"task": "items.jobs.recompute_lights", "every": "day", "at": "00:10"},
    "prune_media": {"task": "core.jobs.prune_media", "every": "day", "at": "03:00"},
    "audit_verify": {"task": "audit.jobs.audit_verify", "every": "day", "at": "03:30"},
    "send_reminders": {"task": "items.jobs.send_reminders", "every": "day", "at": "08:00"},
    # next year's holidays and 调休 as soon as chinese-calendar knows them (usually in November/December)
    "seed_calendar": {"task": "items.jobs.seed_calendar", "every": "month", "day": 1, "at": "04:00"},
}
