"""Helpers for stream tests: an ASGI client's headers and events emitted from sync code."""

from __future__ import annotations

from asgiref.sync import sync_to_async
from django.conf import settings
from django.utils import timezone
from knox.models import AuthToken

from apps.executions.engine.unit import Unit
from apps.executions.models import ExecutionEvent

ORIGIN = (b"origin", b"http://127.0.0.1")


def token_header(user) -> tuple[bytes, bytes]:  # type: ignore[no-untyped-def]
    _, token = AuthToken.objects.create(user=user, expiry=None)
    return (b"authorization", f"Token {token}".encode())


def session_cookie(client, user) -> tuple[bytes, bytes]:  # type: ignore[no-untyped-def]
    client.force_login(user)
    return (b"cookie", f"{settings.SESSION_COOKIE_NAME}="
                       f"{client.cookies[settings.SESSION_COOKIE_NAME].value}".encode())


def record_events(execution_id, *kinds: tuple[str, dict]) -> list[int]:  # type: ignore[no-untyped-def]
    """Events of any type and data in one unit of work (one commit, one pub/sub message for
    the execution): these tests check delivery, not the catalogue's shapes."""
    with Unit() as unit:
        stored = [unit.record(ExecutionEvent(execution_id=execution_id, type=kind, data=data,
                                             timestamp=timezone.now()))
                  for kind, data in kinds]
    return [event.seq for event in stored]


@sync_to_async
def emit(execution_id, type_: str, **data) -> int:  # type: ignore[no-untyped-def]
    """One event of any type and data, in its own commit."""
    return record_events(execution_id, (type_, data))[0]
