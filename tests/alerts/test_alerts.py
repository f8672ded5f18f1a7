"""Alert rules: each kind fires once for its condition and not again within the cool-down;
a receiver answering 500 gets retries and the failure is recorded; a webhook to a private
address is refused unless allowed, like an http step; email goes through Django's backend;
the API takes and lists rules and notifications."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from django.test import TestCase
from django.utils import timezone

from apps.alerts.models import AlertNotification, AlertRule
from apps.alerts.services import MAX_ATTEMPTS, alert_deliver, alert_rule_save, alerts_evaluate
from apps.common.exceptions import ApplicationError
from apps.executions.models import Execution, StepRun
from apps.executions.services import execution_start
from apps.runtime import services as runtime_services
from tests.api.conftest import create_workflow, token_client
from tests.executions.helpers import py_node, start
from worker import dispatch, runner

# the test's transaction: messages stay in this process
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("steps_in_the_test_transaction")]
FAIL = "def run(inputs, ctx):\n    raise RuntimeError('boom')\n"


def _failing(user):  # type: ignore[no-untyped-def]
    return {"name": f"fails-{uuid.uuid4().hex[:6]}", "nodes": [py_node("boom", FAIL)],
            "edges": []}


def _fail_once(user, workflow=None) -> Execution:  # type: ignore[no-untyped-def]
    if workflow is None:
        execution = start(user, _failing(user))
    else:
        execution = Execution.objects.get(pk=start_again(workflow, user).pk)
    runner.run_step(str(execution.pk), "boom", "python", execution.code_sha256)
    execution.refresh_from_db()
    assert execution.status == "failed"
    return execution


def start_again(workflow, user):  # type: ignore[no-untyped-def]
    return execution_start(workflow=workflow, owner=user)


@pytest.fixture
def allowed(user):  # type: ignore[no-untyped-def]
    runtime_services.runtime_setting_set(owner=user, key="http_allowed_hosts",
                                         value=["127.0.0.1"])


def _rule(user, http_server, **values) -> AlertRule:  # type: ignore[no-untyped-def]
    return alert_rule_save(owner_id=user.pk, **{
        "name": "ops", "kind": "execution_failed", "channel": "webhook",
        "target": f"{http_server.url}/hook", "cooldown_minutes": 30, **values})


def _evaluate() -> int:
    with dispatch.locally() as sent, TestCase.captureOnCommitCallbacks(execute=True):
        created = alerts_evaluate()
    assert len(sent.messages) == created  # one delivery message per notification
    return created


def test_a_failed_execution_fires_once_then_cools_down(user, http_server, allowed):
    first = _fail_once(user)
    rule = _rule(user, http_server, workflow=first.workflow_id)
    rule.last_checked_at = first.finished_at - timedelta(seconds=1)
    rule.save()
    assert _evaluate() == 1
    assert _evaluate() == 0  # nothing new
    _fail_once(user, first.workflow)
    assert _evaluate() == 0  # within the cool-down
    AlertRule.objects.filter(pk=rule.pk).update(
        last_fired_at=timezone.now() - timedelta(minutes=31))
    third = _fail_once(user, first.workflow)
    assert _evaluate() == 1
    texts = list(AlertNotification.objects.filter(rule=rule).order_by("id")
                 .values_list("text", flat=True))
    assert f"execution {first.pk} failed" in texts[0] and str(third.pk) in texts[1]
    notification = AlertNotification.objects.filter(rule=rule).first()
    assert alert_deliver(notification_id=notification.pk) == "sent"
    (request,) = [r for r in http_server.requests if r["path"] == "/hook"]
    assert json.loads(request["body"])["text"].startswith("[ops] ")


def test_step_failures_n_times_in_m_minutes(user, http_server, allowed):
    first = _fail_once(user)
    _rule(user, http_server, kind="step_failures", workflow=first.workflow_id,
          params={"count": 2, "minutes": 10, "step_id": "boom"})
    assert _evaluate() == 0  # one failure so far
    _fail_once(user, first.workflow)
    assert _evaluate() == 1
    assert "step 'boom' failed 2 times" in AlertNotification.objects.get().text


def test_slow_execution_and_waiting_approval(user, http_server, allowed):
    done = start(user, {"name": "quick", "nodes": [
        {"id": "t", "type": "transform", "data": {"config": {"value": 1}}}], "edges": []})
    workflow = done.workflow
    for _ in range(5):
        start_again(workflow, user)
    Execution.objects.filter(workflow=workflow).update(status="succeeded", duration_ms=1000,
                                                       finished_at=timezone.now())
    slow = start_again(workflow, user)
    Execution.objects.filter(pk=slow.pk).update(
        started_at=timezone.now() - timedelta(seconds=30))
    _rule(user, http_server, kind="slow_execution", workflow=workflow.pk,
          params={"factor": 3})
    ask = start(user, {"name": "asks", "nodes": [
        {"id": "ask", "type": "approval", "data": {"config": {"message": "ok?"}}}],
        "edges": []})
    assert runner.run_step(str(ask.pk), "ask", "approval", ask.code_sha256) == "deferred"
    _rule(user, http_server, name="approvals", kind="approval_waiting", params={"minutes": 5})
    assert _evaluate() == 1  # the approval has not waited 5 minutes yet
    StepRun.objects.filter(execution=ask).update(
        started_at=timezone.now() - timedelta(minutes=6))
    assert _evaluate() == 1
    slow_text, approval_text = AlertNotification.objects.order_by("id").values_list(
        "text", flat=True)
    assert f"execution {slow.pk} has run" in slow_text and "over 3 × its p95" in slow_text
    assert "approval 'ask'" in approval_text


def test_a_receiver_answering_500_is_retried_and_the_failure_recorded(user, http_server,
                                                                     allowed):
    _fail_once(user)
    rule = _rule(user, http_server, target=f"{http_server.url}/status/500")
    rule.last_checked_at = timezone.now() - timedelta(minutes=1)
    rule.save()
    assert _evaluate() == 1
    notification = AlertNotification.objects.get()
    outcomes = [alert_deliver(notification_id=notification.pk) for _ in range(MAX_ATTEMPTS)]
    assert outcomes == ["retrying"] * (MAX_ATTEMPTS - 1) + ["failed"]
    notification.refresh_from_db()
    assert notification.attempts == MAX_ATTEMPTS and "answered 500" in notification.last_error
    assert len([r for r in http_server.requests if r["path"] == "/status/500"]) == MAX_ATTEMPTS
    assert alert_deliver(notification_id=notification.pk) == "failed"  # it gave up


def test_a_private_address_is_refused_unless_allowed(user, http_server):
    with pytest.raises(ApplicationError) as refused:
        _rule(user, http_server)
    assert "destination not allowed" in refused.value.fields["target"]
    api = token_client(user)
    answer = api.post("/api/v1/alert-rules/", {
        "name": "x", "kind": "execution_failed", "channel": "webhook",
        "target": "http://10.0.0.8/hook"}, format="json")
    assert answer.status_code == 400 and "target" in answer.json()["error"]["fields"]
    runtime_services.runtime_setting_set(owner=user, key="http_allowed_hosts",
                                         value=["127.0.0.1"])
    assert _rule(user, http_server).pk


def test_email_and_the_api(user, http_server, allowed, mailoutbox):
    api = token_client(user)
    workflow = create_workflow(api, _failing(user))
    bad = api.post("/api/v1/alert-rules/", {"name": "m", "kind": "step_failures",
                                            "channel": "email", "target": "nope"},
                   format="json")
    assert bad.status_code == 400
    assert set(bad.json()["error"]["fields"]) == {"target", "params.count", "params.minutes"}
    made = api.post("/api/v1/alert-rules/", {"name": "mail me", "kind": "execution_failed",
                                             "workflow": workflow["id"], "channel": "email",
                                             "target": "ops@example.com"}, format="json")
    assert made.status_code == 201, made.content
    AlertRule.objects.filter(pk=made.json()["id"]).update(
        last_checked_at=timezone.now() - timedelta(minutes=1))
    execution = start_again(AlertRule.objects.get().workflow, user)
    runner.run_step(str(execution.pk), "boom", "python", execution.code_sha256)
    assert _evaluate() == 1
    notification = AlertNotification.objects.get()
    assert alert_deliver(notification_id=notification.pk) == "sent"
    assert mailoutbox[0].to == ["ops@example.com"] and "mail me" in mailoutbox[0].subject
    listed = api.get(f"/api/v1/alert-rules/{made.json()['id']}/notifications/").json()
    assert listed[0]["outcome"] == "sent"
    assert api.patch(f"/api/v1/alert-rules/{made.json()['id']}/", {"enabled": False},
                     format="json").json()["enabled"] is False
    assert api.delete(f"/api/v1/alert-rules/{made.json()['id']}/").status_code == 204


def test_the_settings_page_adds_lists_and_deletes_rules(client, user, http_server, allowed):
    client.force_login(user)
    refused = client.post("/settings/alerts/", {"name": "x", "kind": "slow_execution",
                                                "channel": "webhook",
                                                "target": "http://10.1.2.3/"}, follow=True)
    assert "params.factor" in refused.content.decode() and not AlertRule.objects.exists()
    client.post("/settings/alerts/", {"name": "slow ones", "kind": "slow_execution",
                                      "factor": "3", "channel": "webhook",
                                      "target": f"{http_server.url}/hook",
                                      "cooldown_minutes": "10"})
    rule = AlertRule.objects.get()
    assert rule.params == {"factor": 3.0} and rule.cooldown_minutes == 10
    page = client.get("/settings/").content.decode()
    assert "slow ones" in page and 'id="alert-form"' in page
    client.post("/settings/alerts/", {"delete": str(rule.pk)})
    assert not AlertRule.objects.exists()
