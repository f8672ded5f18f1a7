"""Tests: real Redis and the real Redis channel layer; fast hashing; no .env."""

import os
import tempfile

# This session's own metrics files (before base reads it), inherited by the workers and
# web processes the tests start, so a scrape sees what they counted.
os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="metrics-"))

from config.settings.base import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SECRET_KEY = "test-secret-key-not-for-production-0123456789abcdef"  # noqa: S105
# Derived from SECRET_KEY unless a test starts a process with keys of its own.
FERNET_KEYS = [key for key in os.environ.get("FERNET_KEYS", "").split(",") if key]

# A worker started by the tests shares the test database, so SQLite's must be a file.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}  # noqa: F405
# Each test session has its own queue: a developer's running stack never takes its tasks.
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE") or f"tests-{os.getpid()}"
SWEEP_INTERVAL_S = int(os.environ.get("SWEEP_INTERVAL_S", "1"))
HEARTBEAT_TIMEOUT_S = int(os.environ.get("HEARTBEAT_TIMEOUT_S", "5"))
REQUEUE_AFTER_S = int(os.environ.get("REQUEUE_AFTER_S", "5"))
CELERY_BEAT_SCHEDULE = {"sweep": {"task": "worker.sweep", "schedule": float(SWEEP_INTERVAL_S)},
                        "schedules": {"task": "worker.fire_schedules", "schedule": 1.0,
                                      "options": {"expires": 5.0}}}
# The browser tests' daphne serves static files straight from the app directories.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Throttle counters in this process only: one test's failed sign-ins never meet another's.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# No test reaches a real package index: a test that needs one serves its own on loopback
# (tests/packages_index.py). Resolving waits long enough for a loaded machine: the test of
# the background path sets the wait to 0 itself.
if not os.environ.get("UV_INDEX_URL"):
    PACKAGES_INDEX_URL = "http://127.0.0.1:9/simple/"
PACKAGES_HTTP_RETRIES = 0
PACKAGES_RESOLVE_WAIT_S = int(os.environ.get("PACKAGES_RESOLVE_WAIT_S", "60"))
