"""/mcp/ over HTTP: the MCP streamable HTTP transport, behind the API's tokens.

Each request must carry an API token (`Authorization: Bearer <token>`, as MCP clients send
it; `Token <token>` works too), checked exactly as the REST API checks it (knox); anything
else is a 401 in the API's error shape saying what to send. The Host and any Origin must be
one of ALLOWED_HOSTS (the transport's DNS-rebinding rule, with Django's own host matching).
The SDK's session manager runs stateless (every POST stands alone, its progress rides its own
response stream), so any web process can answer any request. It needs a running task group,
which an ASGI lifespan would start; daphne sends no lifespan, so the first request starts it.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any
from urllib.parse import urlsplit

from channels.db import database_sync_to_async
from django.conf import settings
from django.http.request import split_domain_port, validate_host
from knox.auth import TokenAuthentication
from mcp.server.auth.middleware.bearer_auth import AuthenticatedUser
from mcp.server.auth.provider import AccessToken
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from mcp.server.transport_security import TransportSecuritySettings
from rest_framework.exceptions import AuthenticationFailed

from apps.api.errors import error_body
from apps.mcp_server.server import server

PATH = "/mcp"
HOW = ("Send an API token: `Authorization: Bearer <token>` (create one with POST "
       "/api/v1/tokens/, see docs/api.md).")


def _token_user(key: str) -> Any:
    try:
        user, _token = TokenAuthentication().authenticate_credentials(key.encode())
    except AuthenticationFailed:
        return None
    return user


def _allowed(host: str) -> bool:
    domain, _port = split_domain_port(host)
    return bool(domain) and validate_host(domain, settings.ALLOWED_HOSTS)


async def _refuse(send: Any, status: int, code: str, message: str, **extra: Any) -> None:
    body = json.dumps(error_body(code, message, **extra)).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if status == 401:
        headers.append((b"www-authenticate", b'Bearer realm="runtime-engine"'))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class McpApp:
    """The ASGI app mounted at /mcp/ by config/asgi.py."""

    def __init__(self) -> None:
        self.manager = StreamableHTTPSessionManager(
            app=server, stateless=True,
            # Host and Origin are checked here against ALLOWED_HOSTS instead.
            security_settings=TransportSecuritySettings(enable_dns_rebinding_protection=False))
        self._running: asyncio.Event | None = None
        self._holder: asyncio.Task[None] | None = None

    async def _start(self) -> None:
        if self._running is None:
            self._running = asyncio.Event()
            self._holder = asyncio.create_task(self._hold(self._running))
        await self._running.wait()

    async def _hold(self, running: asyncio.Event) -> None:
        async with self.manager.run():
            running.set()
            await asyncio.Event().wait()  # for the life of the process

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        headers = {key.decode("latin-1").lower(): value.decode("latin-1")
                   for key, value in scope.get("headers") or []}
        origin = headers.get("origin")
        if not _allowed(headers.get("host", "")) or (
                origin and not _allowed(urlsplit(origin).netloc)):
            await _refuse(send, 403, "permission_denied", "This host or origin is not "
                          "allowed.", suggestion="Add it to ALLOWED_HOSTS (docs/operations.md).")
            return
        scheme, _, key = headers.get("authorization", "").partition(" ")
        if scheme.lower() not in ("bearer", "token") or not key.strip():
            await _refuse(send, 401, "not_authenticated", "No API token was sent.",
                          suggestion=HOW)
            return
        user = await database_sync_to_async(_token_user)(key.strip())
        if user is None:
            await _refuse(send, 401, "not_authenticated", "This API token is not valid "
                          "(revoked, expired or mistyped).", suggestion=HOW)
            return
        access = AccessToken(token=key.strip()[:8], client_id=f"user-{user.pk}", scopes=[],
                             subject=str(user.pk))
        await self._start()
        await self.manager.handle_request({**scope, "user": AuthenticatedUser(access)},
                                          receive, send)


application = McpApp()


def with_mcp(django_app: Any) -> Any:
    """HTTP to /mcp and /mcp/… goes to the MCP app, everything else to Django."""

    async def route(scope: dict[str, Any], receive: Any, send: Any) -> None:
        path = scope.get("path", "")
        if path == PATH or path.startswith(f"{PATH}/"):
            await application(scope, receive, send)
        else:
            await django_app(scope, receive, send)

    return route
