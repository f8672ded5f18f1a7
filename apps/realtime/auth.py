"""Who is connecting: the session (web app) or an API token (integrations), for WebSocket
and SSE alike. Tokens are knox's, checked exactly as the REST API checks them."""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware
from django.contrib.auth.models import AnonymousUser
from knox.auth import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed


def user_for_token(header: str) -> Any:
    """The user of an `Authorization: Token <key>` header, or AnonymousUser."""
    scheme, _, key = header.partition(" ")
    if scheme.lower() != "token" or not key.strip():
        return AnonymousUser()
    try:
        user, _token = TokenAuthentication().authenticate_credentials(key.strip().encode())
    except AuthenticationFailed:
        return AnonymousUser()
    return user


class TokenAuthMiddleware(BaseMiddleware):
    """Adds a token's user to scope["user"] when the session gave none (non-browser clients
    can send headers on the WebSocket handshake)."""

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        user = scope.get("user")
        if user is None or not user.is_authenticated:
            header = dict(scope.get("headers") or []).get(b"authorization", b"").decode(
                "latin-1")
            if header:
                scope = {**scope, "user": await database_sync_to_async(user_for_token)(header)}
        return await super().__call__(scope, receive, send)
