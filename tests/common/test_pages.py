"""Login page and the authenticated home page."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_login_page_renders(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert b'name="username"' in response.content


def test_home_requires_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_login_then_home_lists_own_workflows(client, user, other_user):
    from tests.factories import make_workflow

    make_workflow(owner=user, name="Mine")
    make_workflow(owner=other_user, name="Theirs")
    assert client.login(username="alice", password="pw-for-tests-1")
    response = client.get("/")
    assert b"Mine" in response.content
    assert b"Theirs" not in response.content
