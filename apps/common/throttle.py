"""Brute-force guards: failed sign-ins counted per client address and per account in fixed
windows, in the shared cache (Redis in production, so every web process counts). Past the
limit, attempts are refused with 429 and Retry-After until the window ends. An ordinary
user, who mistypes a password now and then, never meets the limit.

The cache being down must not lock anybody out or fail a request: every call fails open."""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limit:
    """At most `count` failures of one kind (`scope`) by one client within `window_s`."""

    scope: str
    count: int
    window_s: int


def sign_in_limits() -> tuple[Limit, Limit]:
    """Failed sign-ins (login page, password-authenticated API calls) per address, per user."""
    count, window = settings.SIGN_IN_FAILURES_ALLOWED, settings.SIGN_IN_WINDOW_S
    return Limit("sign-in-address", count, window), Limit("sign-in-user", count, window)


def client_address(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR") or "unknown"


def _key(limit: Limit, who: str) -> str:
    return f"throttle:{limit.scope}:{hashlib.sha256(who.encode()).hexdigest()[:32]}"


def wait_s(limit: Limit, who: str) -> int | None:
    """Seconds until `who` may try again, or None when it may now."""
    try:
        found = cache.get(_key(limit, who))
    except Exception:
        logger.warning("throttle cache unavailable; not limiting", exc_info=True)
        return None
    if not found:
        return None
    failures, ends = found
    remaining = ends - time.time()
    if failures < limit.count or remaining <= 0:
        return None
    return max(1, round(remaining))


def record_failure(limit: Limit, who: str) -> None:
    key = _key(limit, who)
    now = time.time()
    try:
        failures, ends = cache.get(key) or (0, now + limit.window_s)
        if ends <= now:
            failures, ends = 0, now + limit.window_s
        cache.set(key, (failures + 1, ends), timeout=max(1, round(ends - now)))
    except Exception:
        logger.warning("throttle cache unavailable; failure not counted", exc_info=True)


def sign_in_wait(request: HttpRequest, username: str) -> int | None:
    """How long this address or this account must wait before signing in again."""
    by_address, by_user = sign_in_limits()
    waits = [wait_s(by_address, client_address(request))]
    if username:
        waits.append(wait_s(by_user, username.strip().lower()))
    found = [w for w in waits if w]
    return max(found) if found else None


def sign_in_failed(request: HttpRequest, username: str) -> None:
    by_address, by_user = sign_in_limits()
    record_failure(by_address, client_address(request))
    if username:
        record_failure(by_user, username.strip().lower())
