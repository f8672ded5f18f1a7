"""Is the platform able to work: the database answers, Redis answers, workers answer."""

from __future__ import annotations

import time
from typing import Any

import redis
from celery import current_app
from django.conf import settings

from apps.common import rowsql


def _timed(check: Any) -> dict[str, Any]:
    began = time.perf_counter()
    try:
        detail = check()
    except Exception as error:  # any failure is the answer, not a crash
        return {"ok": False, "error": f"{type(error).__name__}: {error}"[:200],
                "ms": round((time.perf_counter() - began) * 1000, 1)}
    return {"ok": True, "ms": round((time.perf_counter() - began) * 1000, 1), **(detail or {})}


def _database() -> None:
    rowsql.ping()


def _redis() -> None:
    redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1).ping()


def _workers() -> dict[str, Any]:
    # The project's Celery app (config/__init__.py makes it the current one): this module
    # sits below config/ and does not import it.
    replies = current_app.control.ping(timeout=1.0) or []
    if not replies:
        raise RuntimeError("no worker answered within 1 s")
    return {"count": len(replies)}


def health() -> dict[str, Any]:
    checks = {"database": _timed(_database), "redis": _timed(_redis)}
    checks["workers"] = _timed(_workers) if checks["redis"]["ok"] else {
        "ok": False, "error": "Redis is down"}
    return {"ok": all(c["ok"] for c in checks.values()), "checks": checks}
