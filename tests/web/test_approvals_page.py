"""The approvals page and the navigation badge: what waits on the user, approved with the
form's data (checked) or rejected with a reason."""

from __future__ import annotations

import pytest

from apps.executions.models import StepRun
from tests.executions.helpers import start
from worker import runner

pytestmark = pytest.mark.django_db  # the test's transaction: no worker sees these rows


def _waiting_approval(user):  # type: ignore[no-untyped-def]
    execution = start(user, {"name": "needs a yes", "nodes": [
        {"id": "ask", "type": "approval", "data": {"config": {
            "message": "Ship it?", "fields": {"type": "object", "required": ["ticket"],
                                              "properties": {"ticket": {"type": "string",
                                                                        "minLength": 3}}}}}}],
        "edges": []})
    # What a worker does with the step's message: it waits, and lets the worker go.
    assert runner.run_step(str(execution.pk), "ask", "approval",
                           execution.code_sha256) == "deferred"
    return execution


def test_the_badge_and_the_page_show_what_waits_and_decide_it(client, user):
    execution = _waiting_approval(user)
    client.force_login(user)
    page = client.get("/approvals/").content.decode()
    assert "Ship it?" in page and 'aria-label="1 waiting for you"' in page
    refused = client.post("/approvals/", {"execution": execution.pk, "step": "ask",
                                          "decision": "approve", "data": '{"ticket": "x"}'},
                          follow=True).content.decode()
    assert "data.ticket" in refused
    assert StepRun.objects.get(execution=execution, step_id="ask").status == "waiting"
    done = client.post("/approvals/", {"execution": execution.pk, "step": "ask",
                                       "decision": "approve", "data": '{"ticket": "CHG-9"}'},
                       follow=True).content.decode()
    assert "Approved ask" in done and "Nothing waits for you." in done
    step = StepRun.objects.get(execution=execution, step_id="ask")
    assert step.status == "succeeded" and step.output["data"] == {"ticket": "CHG-9"}


def test_rejecting_records_the_reason(client, user, other_user):
    execution = _waiting_approval(user)
    client.force_login(other_user)
    assert client.post("/approvals/", {"execution": execution.pk, "step": "ask",
                                       "decision": "reject"}).status_code == 404
    client.force_login(user)
    client.post("/approvals/", {"execution": execution.pk, "step": "ask",
                                "decision": "reject", "reason": "freeze week"})
    step = StepRun.objects.get(execution=execution, step_id="ask")
    assert step.status == "failed" and step.error["reason"] == "freeze week"


def test_a_malformed_execution_id_is_a_404_not_a_500(client, user):
    client.force_login(user)
    for value in ("nope", "", "1' OR 1=1"):
        assert client.post("/approvals/", {"execution": value, "step": "ask",
                                           "decision": "approve"}).status_code == 404
