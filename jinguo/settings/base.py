"""Settings shared by every environment; everything deployment-specific comes from the environment."""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("JINGUO_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


SECRET_KEY = os.environ.get("JINGUO_SECRET_KEY", "")
DEBUG = env_bool("JINGUO_DEBUG", False)
ALLOWED_HOSTS = env_list("JINGUO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("JINGUO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_tables2",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "jinguo.core",
    "jinguo.orgs",
    "jinguo.accounts",
    "jinguo.people",
    "jinguo.cases",
    "jinguo.protection",
    "jinguo.places",
    "jinguo.stats",
    "jinguo.notices",
    "jinguo.cadres",
    "jinguo.volunteers",
    "jinguo.portal",
    "jinguo.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "jinguo.core.middleware.RequestContextMiddleware",
    "jinguo.core.middleware.ApiJsonErrorsMiddleware",
    "jinguo.core.middleware.ApiQueryMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "jinguo.core.middleware.RequestUserMiddleware",
    "jinguo.accounts.middleware.IdleTimeoutMiddleware",
    "jinguo.accounts.middleware.ForcePasswordChangeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "jinguo.urls"
WSGI_APPLICATION = "jinguo.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "jinguo.core.context_processors.shell",
            ],
        },
    },
]

DEFAULT_DATABASE_URL = f"sqlite:///{VAR_DIR / 'jinguo.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL), conn_max_age=60
    )
}


def tune_database(db: dict) -> dict:
    """SQLite in WAL mode with immediate transactions, so concurrent writers queue instead of failing."""
    if db["ENGINE"] == "django.db.backends.sqlite3":
        db.setdefault("OPTIONS", {})
        db["OPTIONS"].update(
            {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=20000;"
                ),
            }
        )
        db["CONN_MAX_AGE"] = 0
    return db


tune_database(DATABASES["default"])
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["jinguo.accounts.backends.RoleBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "jinguo.accounts.validators.CharacterClassValidator"},
    {"NAME": "jinguo.accounts.validators.NotUsernameValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

# Login security (等保 2.0 level 3 practice).
JINGUO_LOCKOUT_FAILURES = int(os.environ.get("JINGUO_LOCKOUT_FAILURES", "5"))
JINGUO_LOCKOUT_MINUTES = int(os.environ.get("JINGUO_LOCKOUT_MINUTES", "5"))
# The lockout above applies to one username on one address. A whole address (a federation
# office behind one NAT address) is throttled only at a rate no mistyping reaches: this many
# failures over at least this many usernames within this many minutes.
JINGUO_ADDRESS_THROTTLE_FAILURES = int(os.environ.get("JINGUO_ADDRESS_THROTTLE_FAILURES", "50"))
JINGUO_ADDRESS_THROTTLE_ACCOUNTS = int(os.environ.get("JINGUO_ADDRESS_THROTTLE_ACCOUNTS", "10"))
JINGUO_ADDRESS_THROTTLE_MINUTES = int(os.environ.get("JINGUO_ADDRESS_THROTTLE_MINUTES", "15"))
# Second factor (TOTP authenticator app). Roles flagged "须两步验证" (shipped: system
# administrator, security auditor, leader) cannot sign in without one; switching this off (the
# demo does) makes it optional for everyone. Users who enrolled always enter a code.
JINGUO_TWO_FACTOR_ENFORCED = env_bool("JINGUO_TWO_FACTOR_ENFORCED", True)
# The name authenticator apps show beside the account.
JINGUO_TWO_FACTOR_ISSUER = os.environ.get("JINGUO_TWO_FACTOR_ISSUER", "Jinguo")
JINGUO_IDLE_TIMEOUT_MINUTES = int(os.environ.get("JINGUO_IDLE_TIMEOUT_MINUTES", "30"))
SESSION_COOKIE_AGE = 12 * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Personal-information protection: see jinguo/core/crypto.py.
JINGUO_CIPHER = os.environ.get("JINGUO_CIPHER", "AES-256-GCM")
JINGUO_DATA_KEY = os.environ.get("JINGUO_DATA_KEY", "")
JINGUO_DATA_OLD_KEYS = env_list("JINGUO_DATA_OLD_KEYS", [])
JINGUO_INDEX_KEY = os.environ.get("JINGUO_INDEX_KEY", "")
JINGUO_AUDIT_HASH = os.environ.get("JINGUO_AUDIT_HASH", "sha256")

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "jinguo" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("JINGUO_STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_ROOT = Path(os.environ.get("JINGUO_MEDIA_ROOT", VAR_DIR / "private-media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
# Uploads are held in memory only, never spooled to a temporary file in plain text
# (jinguo/core/uploads.py); these bound what one file and one request may hold.
FILE_UPLOAD_HANDLERS = ["jinguo.core.uploads.MemoryOnlyUploadHandler"]
JINGUO_UPLOAD_FILE_MAX_BYTES = 25 * 1024 * 1024
JINGUO_UPLOAD_REQUEST_MAX_BYTES = 100 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = JINGUO_UPLOAD_FILE_MAX_BYTES
# Files the platform writes (uploads, import files, attachments) are its own: owner-only.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

# Person imports: a running job whose heartbeat is older than this is taken as abandoned (its
# worker or web process died) and marked failed; queued jobs and any upload left behind are
# deleted after the retention period (the scheduler's "people.imports" job).
JINGUO_IMPORT_STALE_MINUTES = int(os.environ.get("JINGUO_IMPORT_STALE_MINUTES", "10"))
JINGUO_IMPORT_RETENTION_HOURS = int(os.environ.get("JINGUO_IMPORT_RETENTION_HOURS", "24"))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "jinguo.accounts.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "jinguo.core.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Services' errors (validation, stale version, out of scope) answered alike everywhere.
    "EXCEPTION_HANDLER": "jinguo.core.api_errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "巾帼 Jinguo API",
    "DESCRIPTION": "妇联工作平台接口：组织、用户、重点关注档案、维权个案与转介。",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "jinguo.core.api_schema.add_error_responses",
    ],
    # Several models have a "status" or "kind"; name each enum after its own choices.
    "ENUM_NAME_OVERRIDES": {
        "CaseStatusEnum": "jinguo.cases.choices.Status",
        "ReferralStatusEnum": "jinguo.cases.choices.ReferralStatus",
        "CaseEventKindEnum": "jinguo.cases.choices.EventKind",
        "UnitKindEnum": "jinguo.orgs.choices.UnitKind",
        "VisitMethodEnum": "jinguo.people.choices.VisitMethod",
        "ConsentMethodEnum": "jinguo.people.choices.ConsentMethod",
        "AssessmentIndicatorMethodEnum": "jinguo.notices.choices.IndicatorMethod",
    },
}

DJANGO_TABLES2_TEMPLATE = "core/table.html"
DJANGO_TABLES2_PAGE_RANGE = 8

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"jinguo": {"level": "INFO"}},
}

JINGUO_SITE_NAME = _("巾帼 · 妇联工作平台")

# The intake queue (POST /api/cases/intake/): with a worker (`manage.py process_intake`)
# running, leave this off and the API only stores each appeal; on, the API registers it in the
# same request (a single-process installation, the demo).
JINGUO_INTAKE_INLINE = env_bool("JINGUO_INTAKE_INLINE", False)

# The model of the federation tree's units. Core knows "a unit" only through this setting
# (jinguo.core.units.get_unit_model), as Django knows users through AUTH_USER_MODEL.
JINGUO_UNIT_MODEL = "orgs.OrgUnit"

# How many levels of the federation tree the statistics summary keeps (jinguo/stats/counts.py):
# empty keeps every level; a national installation keeps 4 (nation to district) and sums the
# figures of streets and communities from the ledger. Run stats_rebuild after changing it.
JINGUO_STATS_SUMMARY_DEPTH = int(os.environ.get("JINGUO_STATS_SUMMARY_DEPTH") or 0) or None
