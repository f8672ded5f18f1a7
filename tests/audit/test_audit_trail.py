"""The audit trail: one entry per action, from the API (via token) and from the web app
(via session), with who, when and from where; names and ids only, never a value; the owner
reads theirs at /api/v1/audit/; append-only in the admin; kept by the retention setting."""

from __future__ import annotations

import json
import uuid

import pytest

from apps.audit.models import AuditEntry
from apps.executions.models import Execution, StepRun
from apps.executions.services.retention import purge_old_audit_entries
from tests.api.conftest import create_workflow, token_client
from tests.executions.helpers import py_node
from worker import runner

# the test's transaction: no worker takes these steps
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("steps_in_the_test_transaction")]
FAIL = "def run(inputs, ctx):\n    raise RuntimeError('boom')\n"


def _actions(owner) -> list[str]:  # type: ignore[no-untyped-def]
    return list(AuditEntry.objects.filter(owner=owner).order_by("id")
                .values_list("action", flat=True))


def test_every_action_through_the_api_is_recorded_with_names_only(user, other_user):
    api = token_client(user)
    workflow = create_workflow(api, {
        "name": f"audited-{uuid.uuid4().hex[:6]}", "edges": [{"source": "boom", "target": "ask"}],
        "nodes": [py_node("boom", FAIL),
                  {"id": "ask", "type": "approval", "data": {"config": {"message": "ok?"}}}]})
    base = f"/api/v1/workflows/{workflow['id']}/executions/"
    run = api.post(base, {"priority": "high"}, format="json").json()["execution_id"]
    assert api.post(f"/api/v1/executions/{run}/pause/").status_code == 200
    assert api.post(f"/api/v1/executions/{run}/resume/").status_code == 200
    execution = Execution.objects.get(pk=run)
    assert runner.run_step(run, "boom", "python", execution.code_sha256) != "deferred"
    assert StepRun.objects.get(execution_id=run, step_id="boom").status == "failed"
    assert api.post(f"/api/v1/executions/{run}/steps/boom/retry/",
                    {"timeout_seconds": 5}, format="json").status_code == 200
    assert api.post(f"/api/v1/executions/{run}/steps/boom/skip/", {"output": 1},
                    format="json").status_code == 200
    assert runner.run_step(run, "ask", "approval", execution.code_sha256) == "deferred"
    assert api.post(f"/api/v1/executions/{run}/steps/ask/approve/", {},
                    format="json").status_code == 200
    second = api.post(f"/api/v1/executions/{run}/rerun/", {}, format="json").json()
    assert api.post(f"/api/v1/executions/{second['execution_id']}/cancel/").status_code == 200
    assert api.patch("/api/v1/settings/", {"debug_mode": True},
                     format="json").status_code == 200
    env = api.post("/api/v1/env-vars/", {"name": "API_KEY", "value": "s3cr3t-value-1",
                                         "is_secret": True}, format="json").json()
    assert api.delete(f"/api/v1/env-vars/{env['id']}/").status_code == 204
    made = api.post("/api/v1/tokens/", {}, format="json").json()
    assert api.delete(f"/api/v1/tokens/{made['token_key']}/").status_code == 204

    assert _actions(user) == [
        "execution.start", "execution.pause", "execution.resume", "step.retry", "step.skip",
        "step.approve", "execution.start", "execution.cancel", "setting.change",
        "env_var.set", "env_var.delete", "token.create", "token.revoke"]
    entries = list(AuditEntry.objects.filter(owner=user).order_by("id"))
    assert {(e.actor_name, e.via, e.address) for e in entries} == {
        (user.username, "api", "127.0.0.1")}
    first = entries[0]
    assert first.target == f"execution:{run}" and first.detail["priority"] == "high"
    assert first.detail["trigger"] == "api"
    assert "s3cr3t" not in json.dumps([e.detail for e in entries])
    assert "s3cr3t" not in json.dumps(api.get("/api/v1/audit/?page_size=100").json())

    listed = api.get("/api/v1/audit/?action=execution").json()["results"]
    assert [row["action"] for row in listed] == [
        "execution.cancel", "execution.start", "execution.resume", "execution.pause",
        "execution.start"]  # newest first
    assert token_client(other_user).get("/api/v1/audit/").json()["results"] == []


def test_the_web_app_is_recorded_as_web(client, user):
    client.force_login(user)
    client.post("/settings/", {"form": "env", "name": "REGION", "value": "eu-west"})
    client.post("/settings/", {"form": "connection", "name": "crm", "kind": "bearer",
                               "config": "{}", "secret": "tok-123456789"})
    entries = list(AuditEntry.objects.filter(owner=user).order_by("id"))
    assert [(e.action, e.target, e.via) for e in entries][:2] == [
        ("env_var.set", "env_var:REGION", "web"), ("connection.set", "connection:crm", "web")]
    assert "eu-west" not in json.dumps([e.detail for e in entries])


def test_entries_are_append_only_and_kept_by_retention(staff_client, user):
    entry = AuditEntry.objects.create(owner=user, action="execution.cancel")
    entry.action = "execution.start"
    with pytest.raises(ValueError, match="append-only"):
        entry.save()
    assert staff_client.get("/admin/audit/auditentry/").status_code == 200
    assert staff_client.get("/admin/audit/auditentry/add/").status_code == 403
    assert staff_client.post(f"/admin/audit/auditentry/{entry.pk}/delete/").status_code == 403
    assert purge_old_audit_entries(days=30) == 0
    assert purge_old_audit_entries(days=0) >= 1 and not AuditEntry.objects.filter(pk=entry.pk).exists()
