"""SSRF through `http` steps (docs/operations.md, "Faults"): loopback, private ranges, addresses wrapped in
IPv6, redirects to them, names that resolve to them, and a DNS answer that changes between
the check and the connect. Every socket connect is watched: the refusal must come before any
packet leaves, and nothing here ever connects outside 127.0.0.0/8 and ::1."""

from __future__ import annotations

import ipaddress
import socket
from typing import Any

import pytest

from apps.common.outbound import HttpPolicy, HttpStepError, perform
from tests.httpserver import start_server

REAL_GETADDRINFO = socket.getaddrinfo
REAL_CONNECT = socket.socket.connect


@pytest.fixture
def connects(monkeypatch) -> list[Any]:  # type: ignore[no-untyped-def]
    """Every address a socket connects to; anything but loopback fails the test on the spot."""
    seen: list[Any] = []

    def watched(sock: socket.socket, address: Any) -> Any:
        seen.append(address)
        host = address[0] if isinstance(address, tuple) else address
        if not ipaddress.ip_address(host).is_loopback:
            raise AssertionError(f"a connection to {address} was attempted")
        return REAL_CONNECT(sock, address)

    monkeypatch.setattr(socket.socket, "connect", watched)
    return seen


@pytest.fixture
def dns(monkeypatch) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    """Names the test answers for; a list answers one address per call, the last repeating."""
    answers: dict[str, list[str]] = {}

    def resolve(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host in answers:
            queue = answers[host]
            address = queue.pop(0) if len(queue) > 1 else queue[0]
            family = socket.AF_INET6 if ":" in address else socket.AF_INET
            return [(family, socket.SOCK_STREAM, 6, "", (address, port or 80))]
        return REAL_GETADDRINFO(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    return answers


@pytest.fixture
def server():  # type: ignore[no-untyped-def]
    recorder = start_server()
    yield recorder
    recorder.shutdown()


def _get(url: str, allowed: frozenset[str] = frozenset()) -> dict[str, Any]:
    return perform({"method": "GET", "url": url}, policy=HttpPolicy(allowed, 5),
                   connection_kind=None, connection_secret=None, idempotency_key="k")


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:9/", "http://localhost:9/", "http://10.0.0.1/", "http://172.16.5.4/",
    "http://192.168.1.1/", "http://169.254.169.254/latest/meta-data/", "http://100.64.0.1/",
    "http://0.0.0.0/", "http://[::1]:9/", "http://[fc00::1]/", "http://[fe80::1]/",
    "http://[::ffff:10.0.0.1]/", "http://[64:ff9b::a00:1]/", "http://[2002:a00:1::]/",
    "http://2130706433/", "http://0x7f.1/", "http://224.0.0.1/", "http://user:pw@10.1.1.1/",
])
def test_non_public_addresses_are_refused_before_connecting(url, connects):
    with pytest.raises(HttpStepError) as refused:
        _get(url)
    assert refused.value.kind == "connection_failure"
    assert "not allowed" in refused.value.message and refused.value.suggestion
    assert connects == []


@pytest.mark.parametrize("url", ["file:///etc/passwd", "gopher://127.0.0.1/", "ftp://x/",
                                 "http:///nohost", "//no-scheme"])
def test_other_schemes_and_hostless_urls_are_refused(url, connects):
    with pytest.raises(HttpStepError, match="not allowed"):
        _get(url)
    assert connects == []


def test_a_name_resolving_to_a_private_address_is_refused(dns, connects):
    dns["metadata.corp.test"] = ["10.9.8.7"]
    with pytest.raises(HttpStepError, match="resolves to 10.9.8.7"):
        _get("http://metadata.corp.test/secrets")
    assert connects == []


def test_redirects_to_private_addresses_and_names_are_refused(server, dns, connects):
    dns["intranet.test"] = ["192.168.0.10"]
    allowed = frozenset({"127.0.0.1"})  # the test server is the owner's own
    for target in ("http://10.0.0.5/x", "http://intranet.test/x", "http://[::1]:1/x"):
        connects.clear()
        with pytest.raises(HttpStepError, match="not allowed"):
            _get(f"{server.url}/redirect?to={target}", allowed)
        assert [address[0] for address in connects] == ["127.0.0.1"]  # the first hop only


def test_dns_rebinding_cannot_move_the_connection(server, dns, connects):
    """The check sees an allowed address; a second lookup would say 10.0.0.9. The request
    goes to the address that was checked, with the name kept in the Host header."""
    port = server.server_address[1]
    dns["rebind.test"] = ["127.0.0.1", "10.0.0.9"]
    result = _get(f"http://rebind.test:{port}/hello", frozenset({"127.0.0.1"}))
    assert result["status"] == 200 and result["body"]["path"] == "/hello"
    assert server.requests[-1]["headers"]["Host"] == f"rebind.test:{port}"
    assert [address[0] for address in connects] == ["127.0.0.1"]


def test_allowed_hosts_by_name_reach_the_loopback_server(server, connects):
    result = _get(f"http://localhost:{server.server_address[1]}/ok", frozenset({"localhost"}))
    assert result["status"] == 200
    assert all(ipaddress.ip_address(address[0]).is_loopback for address in connects)
