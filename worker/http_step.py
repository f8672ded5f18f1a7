"""`http` steps: httpx with an SSRF guard, credentials from named connections, size caps.

Every destination, including each redirect hop, is resolved first and refused when any of its
addresses is loopback, private, link-local, multicast or reserved, unless the owner's settings
allow that host. The refusal happens before any connection is attempted.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import socket
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

MAX_RESPONSE_BYTES = 10 * 1024 * 1024
MAX_REDIRECTS = 5


class HttpStepError(Exception):
    """A failure of the request itself; `kind` is the error type shown to the user."""

    def __init__(self, kind: str, message: str, suggestion: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.suggestion = suggestion


@dataclass
class HttpPolicy:
    allowed_hosts: frozenset[str]
    timeout_s: float


def _refused(reason: str) -> HttpStepError:
    return HttpStepError("connection_failure", f"destination not allowed: {reason}",
                         "Call a public address, or add the host to the runtime setting "
                         "'HTTP hosts allowed' if it is yours.")


def check_destination(url: str, policy: HttpPolicy) -> None:
    """Refuse a URL whose scheme or resolved address is not allowed; never connects."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise _refused(f"scheme {parts.scheme or '(none)'!r} (only http and https)")
    host = parts.hostname
    if not host:
        raise _refused("the URL has no host")
    normalised = host.rstrip(".").lower()
    if normalised in policy.allowed_hosts:
        return
    try:
        infos = socket.getaddrinfo(normalised, parts.port or (443 if parts.scheme == "https"
                                                                else 80),
                                   proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise HttpStepError("connection_failure", f"cannot resolve host {host!r}: {exc}",
                            "Check the host name in the URL.") from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%", 1)[0])
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        if str(address) in policy.allowed_hosts:
            continue
        if (address.is_loopback or address.is_private or address.is_link_local
                or address.is_multicast or address.is_reserved or address.is_unspecified):
            raise _refused(f"{host} resolves to {address}, a non-public address")


def _auth_headers(kind: str | None, secret: Any) -> dict[str, str]:
    if not kind or secret is None:
        return {}
    if kind == "bearer":
        token = secret.get("token") if isinstance(secret, dict) else secret
        return {"Authorization": f"Bearer {token}"}
    if kind == "basic_auth" and isinstance(secret, dict):
        pair = f"{secret.get('username', '')}:{secret.get('password', '')}".encode()
        return {"Authorization": "Basic " + base64.b64encode(pair).decode()}
    if kind == "http_header" and isinstance(secret, dict):
        headers = secret.get("headers", secret)
        return {str(k): str(v) for k, v in headers.items()}
    return {}


def perform(request: dict[str, Any], *, policy: HttpPolicy, connection_kind: str | None,
            connection_secret: Any, idempotency_key: str) -> dict[str, Any]:
    """Send the request; returns {status, headers, body}."""
    method = str(request.get("method") or "GET").upper()
    url = str(request.get("url") or "")
    headers = {str(k): str(v) for k, v in (request.get("headers") or {}).items()}
    headers.update(_auth_headers(connection_kind, connection_secret))
    headers.setdefault("Idempotency-Key", idempotency_key)
    body = request.get("body")
    content: bytes | None = None
    if body is not None and method not in ("GET", "HEAD"):
        if isinstance(body, str):
            content = body.encode()
        else:
            content = json.dumps(body).encode()
            headers.setdefault("Content-Type", "application/json")
    params = {str(k): str(v) for k, v in (request.get("query") or {}).items()}
    with httpx.Client(timeout=policy.timeout_s, follow_redirects=False, trust_env=False) as client:
        for _ in range(MAX_REDIRECTS + 1):
            check_destination(url, policy)
            try:
                response = _send(client, method, url, headers, params, content)
            except httpx.TimeoutException:
                raise HttpStepError("step_timeout", f"{method} {url} timed out after "
                                    f"{policy.timeout_s:g} s",
                                    "Retry with a longer timeout_seconds.") from None
            except httpx.HTTPError as exc:
                raise HttpStepError("connection_failure", f"{method} {url} failed: {exc}",
                                    "Check the URL and that the service is up; refresh "
                                    "the connection's credentials.") from None
            if response["status"] in (301, 302, 303, 307, 308) and response["location"]:
                url = urljoin(url, response["location"])
                params = {}
                if response["status"] == 303:
                    method, content = "GET", None
                continue
            break
        else:
            raise HttpStepError("connection_failure", f"more than {MAX_REDIRECTS} redirects",
                                "Call the final URL directly.")
    expected = request.get("expect_status")
    status = response["status"]
    if expected is not None:
        allowed = expected if isinstance(expected, list) else [expected]
        if status not in allowed:
            raise HttpStepError("connection_failure",
                                f"{method} {url} answered {status}, expected "
                                f"{', '.join(map(str, allowed))}",
                                "Check the request, or refresh the connection if the status "
                                "says unauthorised.")
    return {"status": status, "headers": response["headers"], "body": response["body"]}


def _send(client: httpx.Client, method: str, url: str, headers: dict[str, str],
          params: dict[str, str], content: bytes | None) -> dict[str, Any]:
    with client.stream(method, url, headers=headers, params=params or None,
                       content=content) as response:
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > MAX_RESPONSE_BYTES:
                raise HttpStepError("resource_limit", f"the response is larger than "
                                    f"{MAX_RESPONSE_BYTES // 1_048_576} MB",
                                    "Ask the service for less data (paging, filters).")
            chunks.append(chunk)
        raw = b"".join(chunks)
        text = raw.decode(response.encoding or "utf-8", errors="replace")
        body: Any = text
        if "json" in response.headers.get("content-type", ""):
            try:
                body = json.loads(text) if text else None
            except ValueError:
                body = text
        return {"status": response.status_code, "headers": dict(response.headers),
                "body": body, "location": response.headers.get("location")}
