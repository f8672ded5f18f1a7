"""Settings shared by every environment. All environment reads of the project live here."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from config.settings.envcheck import (
    read_bool,
    read_choice,
    read_database,
    read_int,
    read_list,
    read_optional,
    read_redis_url,
    read_str,
)

BASE_DIR = Path(__file__).resolve().parents[2]
VAR_DIR = Path(read_str("VAR_DIR", str(BASE_DIR / "var")))

SECRET_KEY = read_str("SECRET_KEY", "dev-insecure-change-me-0123456789abcdefghijklmnopqrstuv")
DEBUG = read_bool("DEBUG", False)
ALLOWED_HOSTS = read_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = read_list("CSRF_TRUSTED_ORIGINS", [])

# Fernet keys that encrypt secrets at rest; the first encrypts, all decrypt (rotation).
# Empty means "derive one from SECRET_KEY", allowed outside production only.
FERNET_KEYS = read_list("FERNET_KEYS", [])

REDIS_URL = read_redis_url("REDIS_URL", "redis://127.0.0.1:6379/0")

# Prometheus multiprocess mode: every web and worker process writes its series to files in
# this directory and a /metrics scrape sums them (apps/common/metrics.py). prometheus_client
# reads the variable when it is first imported, so it is set here, before any app imports
# it, and inherited by the processes runstack starts (which empties the directory first).
METRICS_DIR = Path(read_str("PROMETHEUS_MULTIPROC_DIR", str(VAR_DIR / "metrics")))
os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", str(METRICS_DIR))
METRICS_DIR.mkdir(parents=True, exist_ok=True)
# Scrapers authenticate with "Authorization: Bearer <METRICS_TOKEN>" (when set) or with the
# token of a staff user.
METRICS_TOKEN = read_optional("METRICS_TOKEN")
# OpenTelemetry traces (apps/executions/tracing.py) are exported here over OTLP/HTTP when
# set; the exporter reads the other OTEL_* variables itself.
OTEL_EXPORTER_OTLP_ENDPOINT = read_optional("OTEL_EXPORTER_OTLP_ENDPOINT")



def mailers_from_env(default_backend: str) -> dict[str, Any]:
    """Django's MAILERS from EMAIL_BACKEND (else `default_backend`); SMTP takes EMAIL_HOST,
    EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD and EMAIL_USE_TLS."""
    backend = read_str("EMAIL_BACKEND", default_backend)
    options = {"host": read_str("EMAIL_HOST", "localhost"), "port": read_int("EMAIL_PORT", 25),
               "username": read_optional("EMAIL_HOST_USER"),
               "password": read_optional("EMAIL_HOST_PASSWORD"),
               "use_tls": read_bool("EMAIL_USE_TLS", False)}
    return {"default": {"BACKEND": backend,
                        "OPTIONS": options if backend.endswith("smtp.EmailBackend") else {}}}


# Alert emails (apps/alerts) go through Django's mailer; here the console prints them
# (production settings default to SMTP).
MAILERS = mailers_from_env("django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = read_str("DEFAULT_FROM_EMAIL", "runtime-engine@localhost")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "knox",
    "apps.common",
    "apps.runtime",
    "apps.workflows",
    "apps.executions",
    "apps.triggers",
    "apps.audit",
    "apps.alerts",
    "apps.realtime",
    "apps.api",
    "apps.web",
    "worker",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "apps.api.middleware.RequestSizeLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "apps.audit.context.AuditContextMiddleware",  # who acts, for apps/audit/services.py
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "apps.web.approvals.pending_count",
            ],
        },
    },
]

DATABASES = {"default": read_database("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = read_int("DB_CONN_MAX_AGE", 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# The web process (config/asgi.py) borrows PostgreSQL connections from a pool of this size
# (psycopg_pool) instead of keeping one per request thread; workers keep their own.
WEB_DB_POOL_SIZE = read_int("WEB_DB_POOL_SIZE", 20)
# The engine's hot statements (apps/common/rowsql.py) as pipelined prepared statements: off only
# behind a transaction-mode pooler that cannot keep them (PgBouncer before 1.21).
DB_PREPARED_STATEMENTS = read_bool("DB_PREPARED_STATEMENTS", True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web server and the worker share one SQLite file.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Daphne serves no static files itself; WhiteNoise does, from the finders when DEBUG is on.
WHITENOISE_USE_FINDERS = DEBUG

# API bodies over this size get a clear 413 instead of being parsed (files included).
API_MAX_REQUEST_BYTES = read_int("MAX_REQUEST_BYTES", 10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = API_MAX_REQUEST_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Uploaded input files (handed to steps by reference).
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "media/"

CHANNEL_LAYERS = {
    "default": {
        # channels-redis' pub/sub layer is the bridge: workers publish, every ASGI process
        # holds one subscription per group and fans out to its own sockets.
        "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
        "CONFIG": {"hosts": [REDIS_URL]},
    }
}

# Live streams re-read stored events this often (a frame lost while Redis restarted comes
# back within this time) and send a keep-alive when there is nothing new.
STREAM_CATCH_UP_S = read_int("STREAM_CATCH_UP_S", 10)
SSE_RETRY_MS = 2000
# An MCP tool call (apps/mcp_server/) waits this long for its run's output; a run still going
# then is answered with its id, for the executions.get tool.
MCP_TOOL_WAIT_S = read_int("MCP_TOOL_WAIT_S", 300)

# Celery: at-least-once steps. The database decides what ran; Redis only carries messages.
CELERY_BROKER_URL = REDIS_URL
CELERY_TASK_DEFAULT_QUEUE = read_str("CELERY_QUEUE", "celery")
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Celery's Django fixup closes the database connection around every task unless this is
# set: a new PostgreSQL connection per step (~6 ms). Every task runs Django's
# close_old_connections() instead (worker/tasks.py: CONN_MAX_AGE and broken connections).
CELERY_DB_REUSE_MAX = 1000
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Task events cost ~5 ms per step (three PUBLISHes and a pipe round per task). Flower turns
# them on in every worker while it runs (its enable_events default), so they are paid only
# while somebody watches; CELERY_TASK_EVENTS=true keeps them on for other monitors.
CELERY_WORKER_SEND_TASK_EVENTS = read_bool("CELERY_TASK_EVENTS", False)
CELERY_TASK_SEND_SENT_EVENT = CELERY_WORKER_SEND_TASK_EVENTS
STEP_TIMEOUT_CEILING_S = read_int("STEP_TIMEOUT_CEILING_S", 3600)
# The sweeper (Celery beat): lost messages are re-sent, vanished workers' steps retried.
SWEEP_INTERVAL_S = read_int("SWEEP_INTERVAL_S", 5)
HEARTBEAT_TIMEOUT_S = read_int("HEARTBEAT_TIMEOUT_S", 30)
REQUEUE_AFTER_S = read_int("REQUEUE_AFTER_S", 60)
MAX_WORKER_LOST = read_int("MAX_WORKER_LOST", 3)
# Schedules (apps/triggers): the tick that starts what is due runs this often; a fire time
# handled later than the grace counts as missed (the schedule's catch_up decides).
SCHEDULE_TICK_S = read_int("SCHEDULE_TICK_S", 1)
ALERT_TICK_S = read_int("ALERT_TICK_S", 15)  # how often alert rules look (apps/alerts)
SCHEDULE_LATE_GRACE_S = read_int("SCHEDULE_LATE_GRACE_S", 60)
HOOK_MAX_BODY_BYTES = read_int("HOOK_MAX_BODY_BYTES", 1024 * 1024)
# History partitions (PostgreSQL; apps/executions/partitions.py): the width of a bin of events
# and log lines, and how many bins are made ahead of now. A day, so that a daily retention run
# drops yesterday's bin whole; wider for long retention (fewer partitions to plan over).
HISTORY_PARTITION_DAYS = read_int("HISTORY_PARTITION_DAYS", 1)
HISTORY_PARTITIONS_AHEAD = read_int("HISTORY_PARTITIONS_AHEAD", 3)
CELERY_BEAT_SCHEDULE = {
    "sweep": {"task": "worker.sweep", "schedule": float(SWEEP_INTERVAL_S)},
    "schedules": {"task": "worker.fire_schedules", "schedule": float(SCHEDULE_TICK_S),
                  "options": {"expires": float(SCHEDULE_TICK_S) * 5}},
    "alerts": {"task": "worker.evaluate_alerts", "schedule": float(ALERT_TICK_S),
               "options": {"expires": float(ALERT_TICK_S) * 2}},
    "partitions": {"task": "worker.ensure_partitions", "schedule": 3600.0},
    "retention": {"task": "worker.purge_old_executions",
                  "schedule": float(read_int("RETENTION_INTERVAL_S", 24 * 3600))},
}
# Python steps' own packages (docs/operations.md, "Packages"). The index uv resolves and
# installs from (a private one: UV_INDEX_URL, or PIP_INDEX_URL as pip users have it); uv's
# download cache; where each worker host keeps one environment per lock. A save resolves
# for up to PACKAGES_RESOLVE_WAIT_S in the web process, then hands the rest to a worker.
PACKAGES_INDEX_URL = (read_optional("UV_INDEX_URL") or read_optional("PIP_INDEX_URL")
                      or "https://pypi.org/simple")
PACKAGES_DIR = Path(read_str("PACKAGES_DIR", str(VAR_DIR / "packages")))
PACKAGES_CACHE_DIR = Path(read_str("PACKAGES_CACHE_DIR", str(VAR_DIR / "uv-cache")))
PACKAGES_RESOLVE_WAIT_S = read_int("PACKAGES_RESOLVE_WAIT_S", 2)
PACKAGES_RESOLVE_TIMEOUT_S = read_int("PACKAGES_RESOLVE_TIMEOUT_S", 600)
PACKAGES_INSTALL_TIMEOUT_S = read_int("PACKAGES_INSTALL_TIMEOUT_S", 600)
PACKAGES_HTTP_RETRIES = read_int("PACKAGES_HTTP_RETRIES", 3)
# The only variables of ours uv sees besides its own settings: how to reach the index.
PACKAGES_UV_ENV = {name: value for name in ("HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY",
                                            "SSL_CERT_FILE", "SSL_CERT_DIR", "UV_NATIVE_TLS")
                   if (value := read_optional(name))}
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Longer than the longest allowed step, so a running step is never redelivered.
    "visibility_timeout": read_int("BROKER_VISIBILITY_TIMEOUT_S", STEP_TIMEOUT_CEILING_S + 600),
    # One Redis list per step, taken lowest first: execution priorities map onto 0/3/6
    # (worker/dispatch.py BROKER_PRIORITY). Kombu's default, spelled out because we rely on it.
    "priority_steps": [0, 3, 6, 9],
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",  # integrations: "Authorization: Token <key>"
        "rest_framework.authentication.SessionAuthentication",  # the web app
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer",
                                 "rest_framework.renderers.BrowsableAPIRenderer"],
    "DEFAULT_PARSER_CLASSES": ["apps.api.parsers.SafeJSONParser",
                               "rest_framework.parsers.MultiPartParser",
                               "rest_framework.parsers.FormParser"],
    "EXCEPTION_HANDLER": "apps.api.errors.api_exception_handler",
    "URL_FORMAT_OVERRIDE": None,  # ?format=text|jsonl selects log downloads, not renderers
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DEFAULT_THROTTLE_RATES": {"tokens": read_str("TOKEN_CREATION_RATE", "60/hour")},
}
# Failed sign-ins (login page, HTTP Basic on the token endpoint) allowed per address and per
# account within the window, then 429 with Retry-After (apps/common/throttle.py).
SIGN_IN_FAILURES_ALLOWED = read_int("SIGN_IN_FAILURES_ALLOWED", 10)
SIGN_IN_WINDOW_S = read_int("SIGN_IN_WINDOW_S", 300)
# The shared cache (throttle counters): Redis, so every web process counts the same.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                      "LOCATION": REDIS_URL, "KEY_PREFIX": "cache",
                      "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}}
REST_KNOX = {
    "TOKEN_TTL": None,  # integration tokens live until revoked
    "AUTO_REFRESH": False,
    "AUTH_HEADER_PREFIX": "Token",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Runtime Engine API",
    "VERSION": "1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "DESCRIPTION": "Compile workflows, run them, follow them live, debug and retry them. "
                   "Authenticate with `Authorization: Token <key>` (POST /api/v1/tokens/).",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],  # the contract is public
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "ExecutionStatusEnum": "apps.executions.models.Execution.Status",
        "StepStatusEnum": "apps.executions.models.StepRun.Status",
        "CompilationStatusEnum": "apps.workflows.models.Compilation.Status",
        "AlertRuleKindEnum": "apps.alerts.models.AlertRule.Kind",
        "ConnectionKindEnum": "apps.runtime.models.Connection.Kind",
    },
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums",
                             "apps.api.schema.add_event_stream",
                             "apps.api.schema.add_common_errors"],
}

FLOWER_URL = read_str("FLOWER_URL", "http://127.0.0.1:5555/")

# LOG_FORMAT=json: one JSON object per line from web and worker, for log collectors.
LOG_FORMAT = read_choice("LOG_FORMAT", "plain", ("plain", "json"))
CELERY_WORKER_HIJACK_ROOT_LOGGER = LOG_FORMAT == "plain"  # json: the worker keeps ours
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "pythonjsonlogger.json.JsonFormatter",
                 "fmt": "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s",
                 "rename_fields": {"asctime": "time", "levelname": "level",
                                   "name": "logger", "process": "pid"}},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": read_str("LOG_LEVEL", "INFO")},
}
