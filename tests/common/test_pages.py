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


def test_the_workflow_list_sorts_by_name_whatever_the_case_and_searches(client, user):
    from tests.factories import make_workflow

    for name in ("beta", "Alpha", "gamma", "Delta"):
        make_workflow(owner=user, name=name)
    client.force_login(user)
    listed = [wf.name for wf, *_ in client.get("/").context["rows"]]
    assert listed == ["Alpha", "beta", "Delta", "gamma"]
    found = client.get("/?q=ALP")
    assert [wf.name for wf, *_ in found.context["rows"]] == ["Alpha"]
    assert 'value="ALP"' in found.content.decode()
    assert "No workflow matches" in client.get("/?q=nothing-like-it").content.decode()


def test_the_workflow_list_shows_each_workflows_last_run(client, user):
    from apps.executions.models import Execution
    from tests.factories import make_execution, make_workflow

    ran = make_execution(owner=user, status="succeeded").workflow
    later = Execution.objects.create(owner=user, workflow=ran, status="failed",
                                     compilation=ran.latest_compilation)
    make_workflow(owner=user, name="Never run")
    client.force_login(user)
    page = client.get("/").content.decode()
    row = next(r for r in page.split("<tr") if f"/workflows/{ran.pk}/" in r)
    assert "✖ failed" in row and f"/executions/{later.pk}/" in row and "<time" in row
    never = next(r for r in page.split("<tr") if "Never run" in r)
    assert "never run" in never
    assert "{%" not in page and "{#" not in page  # the run dialog partial's comment unseen
