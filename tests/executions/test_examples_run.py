"""Every example workflow runs on the real worker to its expected output."""

from __future__ import annotations

import pytest

from apps.executions.engine import lease
from apps.runtime import services as runtime_services
from tests.conftest import load_example
from tests.executions.helpers import finished, start, steps_by_id

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


@pytest.fixture
def local_calls_allowed(user, http_server):  # type: ignore[no-untyped-def]
    runtime_services.runtime_setting_set(owner=user, key="http_allowed_hosts",
                                         value=["127.0.0.1"])
    runtime_services.env_var_upsert(owner=user, name="ALERT_URL",
                                    value=f"{http_server.url}/alert")
    runtime_services.connection_upsert(owner=user, name="pager", kind="bearer", config={},
                                       secret={"token": "tok-example-123"})
    return http_server


@pytest.mark.parametrize(("inputs", "expected", "taken", "skipped"), [
    ({"score": 80}, "passed with 80", "pass", "fail"),
    ({"score": 60, "level": "strict"}, "failed with 60", "fail", "pass"),
    ({"score": 60, "level": "lenient"}, "passed with 60", "pass", "fail"),
])
def test_conditional_branches(worker, user, inputs, expected, taken, skipped):
    execution = finished(start(user, load_example("conditional-branches"), inputs))
    assert execution.status == "succeeded", execution.error
    assert execution.output == expected
    steps = steps_by_id(execution)
    assert (steps[taken].status, steps[skipped].status) == ("succeeded", "skipped")


def test_retry_and_continue(worker, user):
    execution = finished(start(user, load_example("retry-and-continue"), {"fail_times": 2}))
    assert execution.status == "succeeded", execution.error
    assert execution.output == {"flaky": {"succeeded_on_attempt": 3},
                                "optional": "failed, continued"}
    steps = steps_by_id(execution)
    assert steps["flaky"].attempts == 3
    assert [a.status for a in steps["flaky"].attempt_rows.all()] == ["failed", "failed",
                                                                     "succeeded"]
    assert steps["optional"].status == "failed"
    assert steps["optional"].error["type"] == "code_error"


def test_delay_does_not_hold_a_worker(worker, user):
    execution = finished(start(user, load_example("delay-then-report"), {"seconds": 1}))
    assert execution.status == "succeeded", execution.error
    assert execution.output == {"waited_seconds": 1, "delay_output": None}
    wait = steps_by_id(execution)["wait"]
    assert wait.duration_ms >= 900
    assert wait.lease_owner == lease.DEFERRED  # waited without a worker


def test_subworkflow_runs_as_a_child_execution(worker, user):
    from apps.workflows import services

    services.workflow_create(owner=user, definition=load_example("hello-transform"),
                             slug="hello-transform")
    execution = finished(start(user, load_example("subworkflow-caller"), {"name": "kid"}))
    assert execution.status == "succeeded", execution.error
    assert execution.output == {"child_said": "Hello, kid!"}
    child = execution.children.get()
    assert child.trigger == "workflow" and child.parent_step_id == "call"
    assert child.status == "succeeded"


def test_http_with_auth_sends_credentials_and_query(worker, user, local_calls_allowed):
    server = local_calls_allowed
    execution = finished(start(user, load_example("http-with-auth"),
                               {"endpoint": f"{server.url}/echo"}))
    assert execution.status == "succeeded", execution.error
    assert execution.output["status"] == 200
    assert execution.output["echo"]["json"] == {"hello": "world"}
    request = server.requests[-1]
    assert request["headers"]["Authorization"] == "Bearer tok-example-123"
    assert request["query"] == {"source": ["runtime-engine"]}
    assert request["headers"]["Idempotency-Key"] == f"{execution.pk}:post"


def test_order_digest_end_to_end(worker, user, local_calls_allowed):
    server = local_calls_allowed
    execution = finished(start(user, load_example("order-digest"),
                               {"base_url": server.url, "threshold": 100,
                                "api_key": "key-secret-9876"}))
    assert execution.status == "succeeded", execution.error
    assert execution.output == 120
    assert steps_by_id(execution)["alert"].status == "succeeded"
    assert [r["path"] for r in server.requests] == ["/orders", "/alert"]
    assert server.requests[0]["headers"]["X-Key"] == "key-secret-9876"
    assert execution.inputs["api_key"] == "••••••"
    logs = list(execution.log_lines.values_list("message", flat=True))
    assert "summing 2 orders" in logs


def test_logs_and_metrics_example(worker, user):
    execution = finished(start(user, load_example("log-and-metrics"),
                               {"lines": 300, "megabytes": 60}))
    assert execution.status == "succeeded", execution.error
    lines = list(execution.log_lines.order_by("seq").values_list("seq", "level", "message"))
    messages = [m for _, _, m in lines]
    assert [f"line {i}" for i in range(300)] == [m for m in messages if m.startswith("line ")]
    assert [seq for seq, _, _ in lines] == list(range(1, len(lines) + 1))
    assert ("warning", "standard logging works too") in [(lv, m) for _, lv, m in lines]
    metrics = steps_by_id(execution)["chatty"].metrics
    assert metrics["peak_rss_mb"] >= 60
    assert metrics["samples"]
    assert execution.events.filter(type="metrics").exists()
