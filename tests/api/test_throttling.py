"""Brute force: failed sign-ins are throttled per client address and per account, on the
login page and on the token endpoint's HTTP Basic, with 429 and Retry-After; token creation
has its own rate; an ordinary user never meets either."""

from __future__ import annotations

import base64

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from apps.api.authentication import TokenCreationThrottle
from tests.factories import make_user

pytestmark = pytest.mark.django_db
PASSWORD = "pw-for-tests-1"  # tests/factories.py


@pytest.fixture(autouse=True)
def fresh_counters():  # type: ignore[no-untyped-def]
    cache.clear()
    yield
    cache.clear()


def _basic(username: str, password: str, address: str = "127.0.0.1") -> APIClient:
    client = APIClient(REMOTE_ADDR=address)
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    client.credentials(HTTP_AUTHORIZATION=f"Basic {token}")
    return client


def test_guessing_a_password_on_the_token_endpoint_is_throttled(user, settings):
    # given: the allowed failures from one address
    for _ in range(settings.SIGN_IN_FAILURES_ALLOWED):
        assert _basic("alice", "wrong").post("/api/v1/tokens/").status_code == 401
    # when: one more, even with the right password
    refused = _basic("alice", PASSWORD).post("/api/v1/tokens/")
    # then
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= settings.SIGN_IN_WINDOW_S
    assert refused.json()["error"]["code"] == "throttled"


def test_an_account_is_protected_from_many_addresses(user, settings):
    for n in range(settings.SIGN_IN_FAILURES_ALLOWED):
        _basic("alice", "wrong", address=f"127.0.0.{n + 2}").post("/api/v1/tokens/")
    refused = _basic("alice", PASSWORD, address="127.0.0.200").post("/api/v1/tokens/")
    assert refused.status_code == 429 and refused.has_header("Retry-After")
    # another account from the same addresses is not affected
    make_user(username="carol")
    assert _basic("carol", PASSWORD, address="127.0.0.3").post(
        "/api/v1/tokens/").status_code == 201


def test_the_login_page_throttles_failed_sign_ins(user, settings):
    client = Client(REMOTE_ADDR="127.0.0.9")
    for _ in range(settings.SIGN_IN_FAILURES_ALLOWED):
        page = client.post("/accounts/login/", {"username": "alice", "password": "nope"})
        assert page.status_code == 200  # the form again, with its error
    refused = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert refused.status_code == 429 and refused.has_header("Retry-After")
    assert "Too many failed sign-ins" in refused.content.decode()


def test_an_ordinary_user_never_meets_the_limits(user):
    client = Client(REMOTE_ADDR="127.0.0.10")
    assert client.post("/accounts/login/", {"username": "alice", "password": "typo"}
                       ).status_code == 200
    for _ in range(5):  # signs in, out and in again through the day
        assert client.post("/accounts/login/", {"username": "alice", "password": PASSWORD}
                           ).status_code == 302
        client.post("/accounts/logout/")
    for _ in range(5):  # and makes a few tokens for scripts
        assert _basic("alice", PASSWORD).post("/api/v1/tokens/").status_code == 201


def test_token_creation_has_its_own_rate(user, monkeypatch):
    monkeypatch.setattr(TokenCreationThrottle, "THROTTLE_RATES", {"tokens": "3/hour"})
    client = APIClient()
    client.force_authenticate(user)
    statuses = [client.post("/api/v1/tokens/").status_code for _ in range(4)]
    assert statuses == [201, 201, 201, 429]
    assert client.get("/api/v1/tokens/").status_code == 200  # listing is not limited
