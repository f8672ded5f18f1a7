"""Requests to the outside world, guarded: httpx with an SSRF guard, credentials from named
connections, size caps. `http` steps (worker/steps/http.py), alert webhooks
(apps/alerts/services.py) and log forwarding (worker/log_forward.py) all go through it.

Every destination, including each redirect hop, is resolved first and refused when any of its
addresses is not globally routable (loopback, private, link-local, shared, reserved, also when
wrapped in IPv6) or multicast, unless the owner's settings allow that host. The refusal
happens before any connection is attempted, and the connection goes to the address that was
checked (Host header and TLS SNI keep the name): a DNS answer that changes between the check
and the connect (rebinding) cannot redirect it.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import socket
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

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


def check_destination(url: str, policy: HttpPolicy) -> str | None:
    """Refuse a URL whose scheme or resolved address is not allowed; never connects. Returns
    the checked address to connect to, or None when the host is allowed by name."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise _refused(f"scheme {parts.scheme or '(none)'!r} (only http and https)")
    host = parts.hostname
    if not host:
        raise _refused("the URL has no host")
    normalised = host.rstrip(".").lower()
    if normalised in policy.allowed_hosts:
        return None
    try:
        infos = socket.getaddrinfo(normalised, parts.port or (443 if parts.scheme == "https"
                                                                else 80),
                                   proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise HttpStepError("connection_failure", f"cannot resolve host {host!r}: {exc}",
                            "Check the host name in the URL.") from None
    for info in infos:
        address = _embedded_ipv4(ipaddress.ip_address(info[4][0].split("%", 1)[0]))
        if str(address) in policy.allowed_hosts:
            continue
        if not address.is_global or address.is_multicast:
            raise _refused(f"{host} resolves to {address}, a non-public address")
    return infos[0][4][0]


_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def _embedded_ipv4(address: ipaddress.IPv4Address | ipaddress.IPv6Address
                   ) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    """The IPv4 address an IPv6 one carries (mapped, 6to4, NAT64), which is what is reached."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped:
            return address.ipv4_mapped
        if address.sixtofour:
            return address.sixtofour
        if address in _NAT64:
            return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address


def pinned(url: str, address: str | None) -> tuple[str, dict[str, str], dict[str, Any]]:
    """The URL aimed at the checked address, the Host header and the TLS name that keep the
    request what the user wrote."""
    parts = urlsplit(url)
    if address is None or parts.hostname == address:
        return url, {}, {}
    literal = f"[{address}]" if ":" in address else address
    userinfo = parts.netloc.rpartition("@")[0]
    netloc = (f"{userinfo}@" if userinfo else "") + literal + (
        f":{parts.port}" if parts.port else "")
    host_header = parts.netloc.rpartition("@")[2]
    extensions = {"sni_hostname": parts.hostname} if parts.scheme == "https" else {}
    return parts._replace(netloc=netloc).geturl(), {"Host": host_header}, extensions


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
            connection_secret: Any, idempotency_key: str,
            traceparent: str | None = None) -> dict[str, Any]:
    """Send the request; returns {status, headers, body}. `traceparent` (W3C) lets the
    called service join the execution's trace."""
    method = str(request.get("method") or "GET").upper()
    url = str(request.get("url") or "")
    headers = {str(k): str(v) for k, v in (request.get("headers") or {}).items()}
    headers.update(_auth_headers(connection_kind, connection_secret))
    headers.setdefault("Idempotency-Key", idempotency_key)
    if traceparent:
        headers["traceparent"] = traceparent
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
            target, host, extensions = pinned(url, check_destination(url, policy))
            try:
                response = _send(client, method, target, headers | host, params, content,
                                 extensions)
            except httpx.TimeoutException:
                raise HttpStepError("step_timeout", f"{method} {shown_url(url)} timed out after "
                                    f"{policy.timeout_s:g} s",
                                    "Retry with a longer timeout_seconds.") from None
            except httpx.HTTPError as exc:
                raise HttpStepError("connection_failure",
                                    f"{method} {shown_url(url)} failed: {exc}",
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
    status = response["status"]
    problem = status_problem(request.get("expect_status"), status)
    if problem:
        raise HttpStepError("connection_failure",
                            f"{method} {shown_url(url)} answered {status}, expected {problem}",
                            "Check the request, or refresh the connection if the status "
                            "says unauthorised; set expect_status to accept this status.")
    return {"status": status, "headers": response["headers"], "body": response["body"]}


def status_problem(expected: Any, status: int) -> str | None:
    """What was expected when `status` does not satisfy `expect_status` (None when it does):
    absent means any 2xx, "any" accepts everything, else a code or a list of codes."""
    if expected == "any":
        return None
    if expected is None:
        return None if 200 <= status < 300 else "a 2xx status"
    allowed = expected if isinstance(expected, list) else [expected]
    return None if status in allowed else ", ".join(map(str, allowed))


def shown_url(url: str) -> str:
    """The URL for an error message: no credentials, no query (it may carry secrets)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "…" if parts.query else "", ""))


def _send(client: httpx.Client, method: str, url: str, headers: dict[str, str],
          params: dict[str, str], content: bytes | None,
          extensions: dict[str, Any]) -> dict[str, Any]:
    with client.stream(method, url, headers=headers, params=params or None,
                       content=content, extensions=extensions or None) as response:
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
