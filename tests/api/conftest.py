"""API clients that authenticate the way integrations do: with a knox token."""

from __future__ import annotations

import pytest
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests.conftest import load_example


def token_client(user) -> APIClient:  # type: ignore[no-untyped-def]
    _, token = AuthToken.objects.create(user=user, expiry=None)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    client.token = token
    return client


@pytest.fixture
def api(user):  # type: ignore[no-untyped-def]
    return token_client(user)


@pytest.fixture
def other_api(other_user):  # type: ignore[no-untyped-def]
    return token_client(other_user)


def create_workflow(api, definition: dict | None = None, **extra) -> dict:  # type: ignore[no-untyped-def]
    body = {"definition": definition or load_example("hello-transform"), **extra}
    response = api.post("/api/v1/workflows/", body, format="json")
    assert response.status_code == 201, response.content
    return response.json()
