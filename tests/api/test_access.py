"""Who may do what: tokens, anonymous refusals, and user B never seeing user A's objects."""

from __future__ import annotations

import base64
import uuid

import pytest
from rest_framework.test import APIClient

from apps.executions.models import Execution, InputFile, LogLine, StepRun
from apps.executions.services import execution_start
from apps.runtime.services import connection_upsert, env_var_upsert
from apps.triggers.services.hooks import hook_rotate
from apps.triggers.services.schedules import schedule_create
from apps.workflows.models import Workflow
from tests.api.conftest import create_workflow, token_client

pytestmark = pytest.mark.django_db


def test_tokens_are_created_with_a_password_listed_and_revoked(user):
    user.set_password("pw-123456")
    user.save()
    basic = APIClient()
    basic.credentials(HTTP_AUTHORIZATION="Basic " + base64.b64encode(
        b"alice:pw-123456").decode())
    response = basic.post("/api/v1/tokens/", {}, format="json")
    assert response.status_code == 201, response.content
    token, key = response.json()["token"], response.json()["token_key"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    listed = client.get("/api/v1/tokens/").json()
    assert [t["token_key"] for t in listed] == [key] and "token" not in listed[0]
    assert client.get("/api/v1/workflows/").status_code == 200
    assert client.delete(f"/api/v1/tokens/{key}/").status_code == 204
    refused = client.get("/api/v1/workflows/")
    assert refused.status_code == 401 and refused.json()["error"]["code"] == \
        "not_authenticated"


def test_wrong_password_and_bad_token_are_401():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Basic " + base64.b64encode(b"x:y").decode())
    assert client.post("/api/v1/tokens/", {}, format="json").status_code == 401
    client.credentials(HTTP_AUTHORIZATION="Token nope")
    assert client.get("/api/v1/executions/").status_code == 401


@pytest.mark.parametrize("url", ["/api/v1/workflows/", "/api/v1/executions/",
                                 "/api/v1/settings/", "/api/v1/env-vars/",
                                 "/api/v1/connections/", "/api/v1/tokens/", "/api/v1/files/",
                                 "/api/v1/workflow-schema/",
                                 "/api/v1/executions/00000000-0000-0000-0000-000000000000/events/"])
def test_anonymous_is_refused_everywhere(url):
    response = APIClient().get(url)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_session_authentication_works_for_the_web_app(client, user):
    client.force_login(user)
    assert client.get("/api/v1/workflows/").status_code == 200


@pytest.fixture
def alices_things(user, api):  # type: ignore[no-untyped-def]
    workflow_body = create_workflow(api)
    workflow = Workflow.objects.get(pk=workflow_body["id"])
    execution = execution_start(workflow=workflow, owner=user, inputs={"who": "x"})
    Execution.objects.filter(pk=execution.pk).update(status="failed")
    StepRun.objects.filter(execution=execution).update(status="failed")
    LogLine.objects.create(execution=execution, seq=1, message="alice's line",
                           timestamp=execution.created_at)
    preset = api.post(f"/api/v1/workflows/{workflow.pk}/presets/",
                      {"name": "p", "inputs": {}}, format="json").json()
    env_var = env_var_upsert(owner=user, name="TOKEN", value="alice-secret", is_secret=True)
    connection = connection_upsert(owner=user, name="crm", kind="bearer", config={},
                                   secret="alice-conn-secret")
    stored = InputFile.objects.create(owner=user, name="a.txt", size=1, sha256="0" * 64,
                                      file="inputs/x")
    step_id = execution.steps.first().step_id
    schedule = schedule_create(workflow=workflow, interval_seconds=3600, inputs={"who": "x"})
    hook_rotate(workflow=workflow)
    return {"workflow": workflow.pk, "execution": execution.pk, "preset": preset["id"],
            "env_var": env_var.pk, "connection": connection.pk, "file": stored.pk,
            "step": step_id, "token_key": api.token[:15], "schedule": schedule.pk}


OWNED_URLS = [
    ("get", "/api/v1/workflows/{workflow}/"),
    ("put", "/api/v1/workflows/{workflow}/"),
    ("patch", "/api/v1/workflows/{workflow}/"),
    ("delete", "/api/v1/workflows/{workflow}/"),
    ("post", "/api/v1/workflows/{workflow}/compile/"),
    ("get", "/api/v1/workflows/{workflow}/compilations/"),
    ("get", "/api/v1/workflows/{workflow}/metrics/"),
    ("get", "/api/v1/workflows/{workflow}/presets/"),
    ("get", "/api/v1/workflows/{workflow}/schedules/"),
    ("post", "/api/v1/workflows/{workflow}/schedules/"),
    ("get", "/api/v1/workflows/{workflow}/schedules/{schedule}/"),
    ("patch", "/api/v1/workflows/{workflow}/schedules/{schedule}/"),
    ("delete", "/api/v1/workflows/{workflow}/schedules/{schedule}/"),
    ("post", "/api/v1/workflows/{workflow}/schedules/{schedule}/pause/"),
    ("post", "/api/v1/workflows/{workflow}/schedules/{schedule}/resume/"),
    ("get", "/api/v1/workflows/{workflow}/webhook/"),
    ("post", "/api/v1/workflows/{workflow}/webhook/"),
    ("delete", "/api/v1/workflows/{workflow}/webhook/"),
    ("post", "/api/v1/workflows/{workflow}/presets/"),
    ("delete", "/api/v1/workflows/{workflow}/presets/{preset}/"),
    ("post", "/api/v1/workflows/{workflow}/executions/"),
    ("get", "/api/v1/executions/{execution}/"),
    ("post", "/api/v1/executions/{execution}/cancel/"),
    ("post", "/api/v1/executions/{execution}/pause/"),
    ("post", "/api/v1/executions/{execution}/resume/"),
    ("post", "/api/v1/executions/{execution}/rerun/"),
    ("get", "/api/v1/executions/{execution}/steps/"),
    ("get", "/api/v1/executions/{execution}/steps/{step}/"),
    ("post", "/api/v1/executions/{execution}/steps/{step}/retry/"),
    ("post", "/api/v1/executions/{execution}/steps/{step}/skip/"),
    ("get", "/api/v1/executions/{execution}/logs/"),
    ("get", "/api/v1/executions/{execution}/metrics/"),
    ("get", "/api/v1/error-patterns/?workflow={workflow}"),
    ("get", "/api/v1/executions/{execution}/logs/?format=text"),
    ("get", "/api/v1/env-vars/{env_var}/"),
    ("patch", "/api/v1/env-vars/{env_var}/"),
    ("delete", "/api/v1/env-vars/{env_var}/"),
    ("get", "/api/v1/connections/{connection}/"),
    ("patch", "/api/v1/connections/{connection}/"),
    ("delete", "/api/v1/connections/{connection}/"),
    ("get", "/api/v1/files/{file}/"),
    ("delete", "/api/v1/files/{file}/"),
    ("delete", "/api/v1/tokens/{token_key}/"),
]


@pytest.mark.parametrize(("method", "template"), OWNED_URLS)
def test_another_user_gets_404_and_changes_nothing(alices_things, other_api, method, template):
    url = template.format(**alices_things)
    response = getattr(other_api, method)(url, {}, format="json") if method != "get" else \
        other_api.get(url)
    assert response.status_code == 404, (url, response.status_code, response.content)
    assert response.json()["error"]["code"] == "not_found"
    assert b"alice" not in response.content
    assert Workflow.objects.filter(pk=alices_things["workflow"]).exists()
    assert Execution.objects.get(pk=alices_things["execution"]).status == "failed"


def test_lists_show_only_your_own(alices_things, other_api):
    for url in ["/api/v1/workflows/", "/api/v1/executions/", "/api/v1/env-vars/",
                "/api/v1/connections/", "/api/v1/files/", "/api/v1/tokens/"]:
        body = other_api.get(url).json()
        rows = body if isinstance(body, list) else body["results"]
        assert len(rows) == (1 if url == "/api/v1/tokens/" else 0), url  # bob's own token


def test_unknown_ids_are_404_not_500(api):
    for url in ["/api/v1/workflows/999999/", f"/api/v1/executions/{uuid.uuid4()}/",
                "/api/v1/executions/not-a-uuid/", "/api/v1/workflows/abc/",
                f"/api/v1/executions/{uuid.uuid4()}/steps/x/", "/api/v1/nope/"]:
        response = api.get(url)
        assert response.status_code == 404, url
        assert response.json()["error"]["code"] == "not_found"


def test_no_response_ever_contains_a_stored_secret(alices_things, api):
    urls = ["/api/v1/env-vars/", f"/api/v1/env-vars/{alices_things['env_var']}/",
            "/api/v1/connections/", f"/api/v1/connections/{alices_things['connection']}/",
            "/api/v1/settings/", f"/api/v1/executions/{alices_things['execution']}/"]
    for url in urls:
        content = api.get(url).content
        assert b"alice-secret" not in content and b"alice-conn-secret" not in content, url
    listed = api.get("/api/v1/env-vars/").json()["results"]
    assert listed[0]["value"] == "••••••"
    assert api.get("/api/v1/connections/").json()["results"][0]["has_secret"] is True
    assert token_client  # the helper used by the fixtures
