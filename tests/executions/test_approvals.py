"""Approval steps: a run waits for a person, holding no worker; approve (data checked
against the form), reject, time out, cancel while waiting; it survives its worker being
killed and the web process restarting; compile checks; another user's approval is a 404."""

from __future__ import annotations

import uuid

import httpx
import pytest
from django.test import override_settings

from apps.common.exceptions import ApplicationError
from apps.executions.models import StepRun
from apps.executions.services import approvals, execution_cancel
from compiler import compile_definition
from config.celery_app import app
from tests.api.conftest import token_client
from tests.conftest import load_example, wait_until
from tests.executions.helpers import event_types, finished, start, steps_by_id
from tests.workers import DaphneProcess, WorkerProcess

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
DEPLOY = "deploy-with-approval"


def _waiting(execution, step_id: str = "approve") -> StepRun:  # type: ignore[no-untyped-def]
    return wait_until(lambda: StepRun.objects.filter(execution=execution, step_id=step_id,
                                                     status="waiting").first(), timeout=30)


def _one_approval(**config: object) -> dict:
    return {"name": f"approve-{uuid.uuid4().hex[:6]}", "nodes": [
        {"id": "ask", "type": "approval", "data": {"on_error": config.pop("on_error", "fail"),
                                                    "config": {"message": "ok?", **config}}},
        {"id": "after", "type": "transform", "data": {"config": {"value": "went on"}}}],
        "edges": [{"source": "ask", "target": "after"}], "output": "{{ steps.after.output }}"}


def test_approved_with_valid_data_the_run_goes_on(worker, user):
    execution = start(user, load_example(DEPLOY), {"version": "1.4.2"})
    step = _waiting(execution)
    assert step.inputs["message"] == "Deploy app-1.4.2.tar.gz to production?"
    assert step.attempt_rows.get().status == "running"  # waiting holds no worker
    with pytest.raises(ApplicationError) as bad:
        approvals.step_approve(execution=execution, step_id="approve", user=user,
                               data={"ticket": "x"})
    assert "data.ticket" in bad.value.fields
    approvals.step_approve(execution=execution, step_id="approve", user=user,
                           data={"ticket": "CHG-1", "comment": "go"})
    done = finished(execution)
    assert done.status == "succeeded", done.error
    assert done.output == {"deployed": "app-1.4.2.tar.gz", "approved_by": "alice",
                           "ticket": "CHG-1"}
    approved = steps_by_id(done)["approve"]
    assert approved.output["approved"] is True and approved.output["by"] == "alice"
    assert "step_waiting" in event_types(done)
    with pytest.raises(ApplicationError, match="not waiting"):
        approvals.step_approve(execution=execution, step_id="approve", user=user, data={})


@pytest.mark.parametrize(("on_error", "status", "after"),
                         [("fail", "failed", "cancelled"), ("continue", "succeeded", "succeeded")])
def test_rejected_it_fails_with_approval_rejected(worker, user, on_error, status, after):
    execution = start(user, _one_approval(on_error=on_error))
    _waiting(execution, "ask")
    approvals.step_reject(execution=execution, step_id="ask", user=user, reason="not today")
    done = finished(execution)
    steps = steps_by_id(done)
    assert done.status == status and steps["after"].status == after
    assert steps["ask"].error["type"] == "approval_rejected"
    assert steps["ask"].error["message"] == "rejected by alice: not today"


def test_no_decision_within_the_timeout_is_a_step_timeout(worker, user):
    execution = start(user, _one_approval(timeout_seconds=1))
    done = finished(execution, timeout=30)
    ask = steps_by_id(done)["ask"]
    assert done.status == "failed" and ask.error["type"] == "step_timeout"


def test_cancel_while_waiting_cancels_the_step(worker, user):
    execution = start(user, _one_approval())
    _waiting(execution, "ask")
    execution_cancel(execution=execution)
    ask = steps_by_id(finished(execution))["ask"]
    assert ask.status == "cancelled" and ask.attempt_rows.get().status == "cancelled"


def test_a_waiting_run_survives_its_worker_and_the_web_process_restarting(user, tmp_path,
                                                                         monkeypatch):
    # given: a worker and a web process of their own; the run reaches the approval, then the
    # worker is killed hard and the web process restarted
    queue = f"approvals-{uuid.uuid4().hex[:8]}"
    send_task = app.send_task
    monkeypatch.setattr(app, "send_task",
                        lambda *args, **options: send_task(*args, **options, queue=queue))
    with override_settings(CELERY_TASK_DEFAULT_QUEUE=queue):
        first = WorkerProcess(tmp_path, name="a1", beat=False).start()
        web = DaphneProcess(tmp_path).start()
        execution = start(user, load_example(DEPLOY), {"version": "2.0"})
        _waiting(execution)
        first.kill_hard()
        web.stop()
        # when: another worker comes up later, the web process again, and the person
        # approves through it
        second = WorkerProcess(tmp_path, name="a2", beat=False).start()
        web.start()
    try:
        token = f"Token {token_client(user).token}"
        answer = httpx.post(f"{web.url}/api/v1/executions/{execution.pk}/steps/approve/approve/",
                            json={"data": {"ticket": "CHG-2"}},
                            headers={"Authorization": token}, timeout=30)
        assert answer.status_code == 200, answer.text
        done = finished(execution)
    finally:
        second.stop()
        web.stop()
    # then
    assert done.status == "succeeded" and done.output["ticket"] == "CHG-2"


def test_another_users_approval_is_a_404(worker, user, other_user):
    execution = start(user, _one_approval())
    _waiting(execution, "ask")
    other = token_client(other_user)
    for action in ("approve", "reject"):
        response = other.post(f"/api/v1/executions/{execution.pk}/steps/ask/{action}/", {},
                              format="json")
        assert response.status_code == 404
    assert other.get("/api/v1/approvals/").json() == []
    mine = token_client(user)
    assert [a["step_id"] for a in mine.get("/api/v1/approvals/").json()] == ["ask"]
    bad = mine.post(f"/api/v1/executions/{execution.pk}/steps/ask/approve/",
                    {"data": "nope"}, format="json")
    assert bad.status_code == 400
    ok = mine.post(f"/api/v1/executions/{execution.pk}/steps/ask/approve/", {"data": {}},
                   format="json")
    assert ok.status_code == 200 and ok.json()["status"] == "succeeded"
    execution_cancel(execution=execution)


def test_compile_checks_of_an_approval():
    bad_form = _one_approval(fields={"type": "objekt"})
    assert any("not a valid JSON Schema" in i.message
               for i in compile_definition(bad_form).issues)
    definition = load_example(DEPLOY)
    definition["nodes"][2]["data"]["config"]["value"]["ticket"] = \
        "{{ steps.approve.output.data.tiket }}"
    issue = next(i for i in compile_definition(definition).issues if i.code == "type_mismatch")
    assert "data.tiket" in issue.message and issue.suggestion == "did you mean 'ticket'?"
