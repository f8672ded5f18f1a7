"""Helpers for stream tests: an ASGI client's headers and events emitted from sync code."""

from __future__ import annotations

from asgiref.sync import sync_to_async
from django.conf import settings
from knox.models import AuthToken

from apps.executions.events import store

ORIGIN = (b"origin", b"http://127.0.0.1")


def token_header(user) -> tuple[bytes, bytes]:  # type: ignore[no-untyped-def]
    _, token = AuthToken.objects.create(user=user, expiry=None)
    return (b"authorization", f"Token {token}".encode())


def session_cookie(client, user) -> tuple[bytes, bytes]:  # type: ignore[no-untyped-def]
    client.force_login(user)
    return (b"cookie", f"{settings.SESSION_COOKIE_NAME}="
                       f"{client.cookies[settings.SESSION_COOKIE_NAME].value}".encode())


@sync_to_async
def emit(execution_id, type_: str, **data) -> int:  # type: ignore[no-untyped-def]
    """Any type and data: these tests check delivery, not the catalogue's shapes."""
    return store.record(execution_id, type_, data=data).seq
