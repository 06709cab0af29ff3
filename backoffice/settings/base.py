"""Base settings: everything from environment variables (see .env.example); defaults make the demo
work with nothing set (SQLite under var/, an embedded Redis started by the launcher, the simulator)."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)


def _demo_secret_key() -> str:
    """A per-checkout secret for dev/demo, generated once into var/ (production must set SECRET_KEY)."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = env.str("SECRET_KEY", default="") or _demo_secret_key()
DEBUG = env.bool("DEBUG", default=True)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])

INSTALLED_APPS = [
    "backoffice.apps.BackofficeConfig",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI served locally: /api/v1/docs/ works offline
    "django_celery_beat",
    "accounts",
    "orders",
    "trading.copytrade",
    "exchange_sim",
    "notifications",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "trading.futures",
    "trading.alpha",
    "trading.futures_trading",
    "devtools",  # demo and benchmark commands (seed_demo, run_demo_scenarios, bench_*)
]

MIDDLEWARE = [
    # /api/ answers only {code, message} JSON: 404/413/503 included (backoffice/api/middleware.py)
    "backoffice.api.middleware.ApiErrorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files (admin CSS/JS, Swagger UI) are served by the web process itself in every mode:
    # the demo and dev read them straight from the apps (WHITENOISE_USE_FINDERS), production from
    # var/static, collected at image build. Without it `make demo` showed an unstyled admin.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "backoffice.language.OperatorLanguageMiddleware",  # admin: zh-hans unless the operator chose
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "backoffice.api.utc.ApiUtcMiddleware",
    "backoffice.two_factor.AdminTwoFactorMiddleware",
]

ROOT_URLCONF = "backoffice.urls"
WSGI_APPLICATION = "backoffice.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "backoffice" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]


def database_from_url(url: str) -> dict:
    """Parse a DATABASE_URL; MySQL/MariaDB get utf8mb4 for the live and the test database."""
    db = environ.Env.db_url_config(url)
    if db["ENGINE"] in ("django.db.backends.mysql",):
        db.setdefault("OPTIONS", {}).update(
            {"charset": "utf8mb4", "init_command": "SET sql_mode='STRICT_TRANS_TABLES'"}
        )
        db["TEST"] = {"CHARSET": "utf8mb4", "COLLATION": "utf8mb4_unicode_ci"}
        db.setdefault("CONN_MAX_AGE", 60)
        # a connection the server dropped (restart, failover, wait_timeout) is noticed and
        # replaced at the next request instead of failing it (docs/operations.md)
        db["CONN_HEALTH_CHECKS"] = True
    if db["ENGINE"] == "django.db.backends.sqlite3":
        db.setdefault("OPTIONS", {}).update(SQLITE_CONCURRENCY)
    return db


# SQLite (demo, default test path) serves several threads and processes at once. WAL lets readers
# run beside the one writer; BEGIN IMMEDIATE takes the write lock when a transaction starts, so a
# transaction that reads then writes never fails at once with "database is locked" (SQLite cannot
# wait on a read-to-write upgrade); writers queue up to 20 s instead of failing. docs/decisions.md.
SQLITE_CONCURRENCY = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}


DATABASE_URL = env.str("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'fleet.sqlite3'}")
DATABASES = {"default": database_from_url(DATABASE_URL)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis: the launcher starts an embedded one and exports REDIS_URL when none is configured.
REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "fleet:cache",
    }
}

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Shanghai")  # display only; storage is UTC
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
WHITENOISE_USE_FINDERS = True  # demo/dev: no collectstatic step; production turns it off
WHITENOISE_AUTOREFRESH = DEBUG

# --- Fleet ---------------------------------------------------------------------------------------
APP_MODE = env.str("APP_MODE", default="open")  # open | device_whitelist


def _demo_field_key() -> list[str]:
    """A Fernet key for dev/demo, generated once into var/ (production must set the variable)."""
    path = VAR_DIR / "field_encryption_key"
    if not path.exists():
        import base64

        path.write_text(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())
        path.chmod(0o600)
    return [path.read_text().strip()]


FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[]) or _demo_field_key()
CLIENT_SESSION_HOURS = env.int("CLIENT_SESSION_HOURS", default=24)
# Group commit of execution reports (orders/report_batch.py): rows per INSERT, ms waited for more.
FLEET_REPORT_BATCH_ROWS = env.int("FLEET_REPORT_BATCH_ROWS", default=500)
FLEET_REPORT_BATCH_WAIT_MS = env.float("FLEET_REPORT_BATCH_WAIT_MS", default=2.0)
FLEET_SIM_URL = env.str("FLEET_SIM_URL", default="http://127.0.0.1:8900")
# GET /metrics (Prometheus): a bearer token when set, else only these networks (docs/operations.md)
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
METRICS_ALLOWED_NETS = env.list(
    "METRICS_ALLOWED_NETS",
    default=["127.0.0.0/8", "::1/128", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"],
)

# --- REST API -------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["accounts.api_auth.ClientTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "kernel.api_errors.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["backoffice.api.parsers.StrictJSONParser"],
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS: dict[str, Any] = {
    "TITLE": "Fleet API",
    "DESCRIPTION": "REST API for the Fleet desktop client and operators.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "backoffice.api.schema.add_common_refusals",
    ],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Celery ---------------------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True  # see docs/decisions.md: late ack + idempotent tasks
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 600}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = "UTC"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)

# --- Logging: every handler passes through the secret redaction filter ---------------------------
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "kernel.logging.RedactSecretsFilter"}},
    "formatters": {
        "plain": {
            "()": "kernel.logging.UtcFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "httpx": {"level": "WARNING"},
        "httpcore": {"level": "WARNING"},
    },
}

# --- Hardening (docs/operations.md) ----------------------------------------------------------------
# Reverse proxies whose X-Forwarded-For is believed (addresses or networks): the client IP of the
# brute-force locks and the audit log (kernel/client_ip.py). Empty: REMOTE_ADDR is the client.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
# TOTP two-factor is compulsory in the admin (and the operator API) for users who hold
# copytrade.operate (backoffice/two_factor.py).
ADMIN_REQUIRE_2FA = env.bool("ADMIN_REQUIRE_2FA", default=False)
OTP_TOTP_ISSUER = "Fleet"
# Largest request body any /api/ endpoint reads; more is refused 413 payload_too_large.
API_MAX_BODY_BYTES = 64 * 1024
# Alpha bot: its API's `env` field (prod|sim) and copy trading's (prod|test|demo|sim) get their
# own enum names in the OpenAPI schema (two choice sets on fields of one name).
SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {}).update(
    {
        "AlphaEnvEnum": "trading.alpha.choices.AlphaEnv",
        "CopyEnvEnum": "trading.copytrade.serializers.ENVIRONMENTS",
    }
)
