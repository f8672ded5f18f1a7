"""Webhooks: a Bearer secret or an HMAC signature of the raw body; 202 with the execution;
field errors for a body the workflow refuses; one execution per Idempotency-Key; 413 for a
large body; 404 for an unknown, disabled or another user's hook; a rotated secret replaces
the old one."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest
from django.core.cache import cache
from django.test import Client

from apps.executions.models import Execution
from apps.triggers.services.hooks import hook_rotate
from apps.workflows import services as workflow_services
from tests.api.conftest import token_client
from tests.conftest import load_example

pytestmark = pytest.mark.django_db


@pytest.fixture
def workflow(user):  # type: ignore[no-untyped-def]
    return workflow_services.workflow_create(owner=user, slug="cond",
                                             definition=load_example("conditional-branches"))


@pytest.fixture
def hook(workflow):  # type: ignore[no-untyped-def]
    return hook_rotate(workflow=workflow)


def _post(hook_id: object, body: bytes | str, **headers: str):  # type: ignore[no-untyped-def]
    raw = body.encode() if isinstance(body, str) else body
    meta = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
    return Client().generic("POST", f"/hooks/{hook_id}/", raw,
                            content_type="application/json", **meta)


def _signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def test_a_bearer_secret_starts_the_workflow_with_the_body_as_inputs(hook):
    created, secret = hook
    response = _post(created.pk, json.dumps({"score": 80}), authorization=f"Bearer {secret}")
    assert response.status_code == 202, response.content
    execution = Execution.objects.get(pk=response.json()["execution_id"])
    assert execution.trigger == "webhook" and execution.inputs["score"] == 80
    assert execution.source == {"hook": {"id": str(created.pk)}}


def test_an_hmac_signature_of_the_raw_body_is_accepted(hook):
    created, secret = hook
    body = json.dumps({"score": 90}).encode()
    response = _post(created.pk, body, x_signature_256=_signature(secret, body))
    assert response.status_code == 202, response.content


@pytest.mark.parametrize("headers", [
    {"x_signature_256": "sha256=" + "0" * 64},
    {"authorization": "Bearer not-the-secret"},
    {},
])
def test_bad_or_missing_authentication_is_a_401_saying_what_to_send(hook, headers):
    created, _ = hook
    response = _post(created.pk, json.dumps({"score": 1}), **headers)
    assert response.status_code == 401
    error = response.json()["error"]
    assert "Authorization: Bearer" in error["suggestion"]
    assert "X-Signature-256" in error["suggestion"]
    assert not Execution.objects.exists()


def test_a_signature_of_another_body_is_refused(hook):
    created, secret = hook
    signed = _signature(secret, b'{"score": 1}')
    assert _post(created.pk, '{"score": 99}', x_signature_256=signed).status_code == 401


def test_a_body_the_workflow_refuses_is_a_400_naming_the_field(hook):
    created, secret = hook
    response = _post(created.pk, json.dumps({"score": "high"}),
                     authorization=f"Bearer {secret}")
    assert response.status_code == 400
    assert "score" in response.json()["error"]["fields"]
    assert _post(created.pk, "[1, 2]", authorization=f"Bearer {secret}").status_code == 400
    assert _post(created.pk, "{not json", authorization=f"Bearer {secret}").status_code == 400


def test_a_replayed_idempotency_key_returns_the_first_execution(hook):
    created, secret = hook
    first = _post(created.pk, '{"score": 80}', authorization=f"Bearer {secret}",
                  idempotency_key="delivery-1")
    again = _post(created.pk, '{"score": 80}', authorization=f"Bearer {secret}",
                  idempotency_key="delivery-1")
    other = _post(created.pk, '{"score": 80}', authorization=f"Bearer {secret}",
                  idempotency_key="delivery-2")
    assert first.json()["execution_id"] == again.json()["execution_id"]
    assert other.json()["execution_id"] != first.json()["execution_id"]
    assert Execution.objects.count() == 2


def test_a_5_mb_body_is_a_413(hook):
    created, secret = hook
    body = json.dumps({"score": 1, "blob": "x" * 5_000_000})
    response = _post(created.pk, body, authorization=f"Bearer {secret}")
    assert response.status_code == 413
    assert "1,048,576 bytes" in response.json()["error"]["message"]


def test_unknown_disabled_and_rotated_hooks(hook, workflow, user):
    created, secret = hook
    api = token_client(user)
    assert _post("00000000-0000-0000-0000-000000000000", "{}",
                 authorization=f"Bearer {secret}").status_code == 404
    rotated = api.post(f"/api/v1/workflows/{workflow.pk}/webhook/").json()
    assert rotated["url"].endswith(f"/hooks/{created.pk}/") and rotated["secret"] != secret
    assert f"Bearer {rotated['secret']}" in rotated["curl"]
    assert _post(created.pk, '{"score": 80}', authorization=f"Bearer {secret}"
                 ).status_code == 401  # the old secret is gone
    assert _post(created.pk, '{"score": 80}', authorization=f"Bearer {rotated['secret']}"
                 ).status_code == 202
    assert api.delete(f"/api/v1/workflows/{workflow.pk}/webhook/").status_code == 204
    assert api.get(f"/api/v1/workflows/{workflow.pk}/webhook/").json()["enabled"] is False
    assert _post(created.pk, '{"score": 80}', authorization=f"Bearer {rotated['secret']}"
                 ).status_code == 404


def test_another_users_webhook_and_schedules_are_unreachable(workflow, other_user):
    other = token_client(other_user)
    for method, path in [("get", "webhook/"), ("post", "webhook/"), ("delete", "webhook/"),
                         ("get", "schedules/"), ("post", "schedules/")]:
        response = getattr(other, method)(f"/api/v1/workflows/{workflow.pk}/{path}",
                                          {"interval_seconds": 60}, format="json")
        assert response.status_code == 404, (method, path, response.status_code)


def test_the_schedule_api_round_trip(workflow, user):
    api = token_client(user)
    base = f"/api/v1/workflows/{workflow.pk}/schedules/"
    bad = api.post(base, {"cron": "30 2 * * *", "inputs": {"score": "high"}}, format="json")
    assert bad.status_code == 400 and "inputs.score" in bad.json()["error"]["fields"]
    made = api.post(base, {"cron": "30 2 * * *", "timezone": "Europe/Berlin",
                           "inputs": {"score": 70}, "catch_up": "latest"}, format="json")
    assert made.status_code == 201, made.content
    schedule = made.json()
    assert len(schedule["next_runs"]) == 5 and schedule["description"] == "At 02:30"
    paused = api.post(f"{base}{schedule['id']}/pause/").json()
    assert paused["enabled"] is False and paused["next_runs"] == []
    assert api.post(f"{base}{schedule['id']}/resume/").json()["enabled"] is True
    changed = api.patch(f"{base}{schedule['id']}/", {"interval_seconds": 600}, format="json")
    assert changed.json()["cron"] == "" and changed.json()["interval_seconds"] == 600
    assert api.delete(f"{base}{schedule['id']}/").status_code == 204
    assert api.get(base).json()["count"] == 0


def test_guessing_a_hooks_secret_is_throttled(hook, settings):
    cache.clear()
    created, secret = hook
    for _ in range(settings.SIGN_IN_FAILURES_ALLOWED):
        assert _post(created.pk, "{}", authorization="Bearer guess").status_code == 401
    refused = _post(created.pk, '{"score": 80}', authorization=f"Bearer {secret}")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    cache.clear()
