"""One test per runtime error type of docs/execution.md, each with its message and recovery."""

from __future__ import annotations

import pytest

from apps.common import outbound
from apps.common.exceptions import ApplicationError
from apps.executions.services import execution_start, step_retry
from apps.runtime import services as runtime_services
from apps.workflows import services as workflow_services
from tests.conftest import load_example
from tests.executions.helpers import finished, py_node, start, steps_by_id

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def one_step(code: str, **data):  # type: ignore[no-untyped-def]
    return {"name": "one", "nodes": [py_node("s", code, **data)], "edges": [],
            "output": "{{ steps.s.output }}"}


def test_step_timeout_then_retry_with_a_longer_timeout(worker, user):
    code = "import time\n\ndef run(inputs, ctx):\n    time.sleep(1.5)\n    return 'slept'\n"
    execution = finished(start(user, one_step(code, timeout_seconds=1)))
    step = steps_by_id(execution)["s"]
    assert execution.status == "failed"
    assert step.error["type"] == "step_timeout"
    assert step.error["message"] == "step exceeded 1 s"
    assert step.error["title"] == "Step execution exceeded time limit"
    assert "longer timeout" in step.error["suggestion"]
    step_retry(execution=execution, step_id="s", timeout_seconds=5)
    execution = finished(execution)
    assert execution.status == "succeeded" and execution.output == "slept"
    assert steps_by_id(execution)["s"].attempts == 2


def test_memory_bomb_is_a_resource_limit(worker, user):
    code = "def run(inputs, ctx):\n    blob = bytearray(10**10)\n    return len(blob)\n"
    execution = finished(start(user, one_step(code, memory_limit_mb=128)))
    error = steps_by_id(execution)["s"].error
    assert error["type"] == "resource_limit"
    assert "memory limit 128 MB exceeded" in error["message"]
    assert error["title"] == "Execution resource limit exceeded"


def test_memory_over_limit_by_rss_is_stopped(worker, user):
    code = ("import time\n\ndef run(inputs, ctx):\n    chunks = []\n    for _ in range(40):\n"
            "        chunks.append(bytearray(8 * 1024 * 1024))\n        time.sleep(0.05)\n"
            "    return 1\n")
    execution = finished(start(user, one_step(code, memory_limit_mb=100)))
    error = steps_by_id(execution)["s"].error
    assert error["type"] == "resource_limit", error


def test_refused_destination_is_a_connection_failure(worker, user, http_server):
    definition = {"nodes": [{"id": "h", "type": "http", "data": {
        "timeout_seconds": 5, "config": {"url": f"{http_server.url}/x"}}}], "edges": []}
    execution = finished(start(user, definition))
    error = steps_by_id(execution)["h"].error
    assert error["type"] == "connection_failure"
    assert "destination not allowed" in error["message"]
    assert error["title"] == "Integration connection lost"
    assert http_server.requests == []  # refused before any connection


def test_unexpected_status_is_a_connection_failure(worker, user, http_server):
    runtime_services.runtime_setting_set(owner=user, key="http_allowed_hosts",
                                         value=["127.0.0.1"])
    definition = {"nodes": [{"id": "h", "type": "http", "data": {
        "timeout_seconds": 5, "config": {"url": f"{http_server.url}/status/503",
                                         "expect_status": 200}}}], "edges": []}
    error = steps_by_id(finished(start(user, definition)))["h"].error
    assert error["type"] == "connection_failure" and "answered 503" in error["message"]


def test_a_non_2xx_status_fails_by_default_and_is_retried(worker, user, http_server):
    # given: no expect_status, a retry policy, a URL whose query carries a token
    runtime_services.runtime_setting_set(owner=user, key="http_allowed_hosts",
                                         value=["127.0.0.1"])
    definition = {"nodes": [{"id": "h", "type": "http", "data": {
        "timeout_seconds": 5, "retry": {"max_attempts": 2, "backoff_seconds": 0},
        "config": {"url": f"{http_server.url}/status/500?token=abc123secret"}}}], "edges": []}
    # when
    execution = finished(start(user, definition))
    # then
    step = steps_by_id(execution)["h"]
    assert execution.status == "failed" and step.attempts == 2
    assert step.error["type"] == "connection_failure"
    assert "answered 500, expected a 2xx status" in step.error["message"]
    assert f"{http_server.url}/status/500?…" in step.error["message"]
    assert "abc123secret" not in step.error["message"]
    assert len(http_server.requests) == 2


def test_expect_status_any_accepts_every_status(worker, user, http_server):
    runtime_services.runtime_setting_set(owner=user, key="http_allowed_hosts",
                                         value=["127.0.0.1"])
    definition = {"nodes": [{"id": "h", "type": "http", "data": {
        "timeout_seconds": 5, "config": {"url": f"{http_server.url}/status/503",
                                         "expect_status": "any"}}}],
        "edges": [], "output": "{{ steps.h.output.status }}"}
    execution = finished(start(user, definition))
    assert execution.status == "succeeded", execution.error
    assert execution.output == 503


@pytest.mark.parametrize(("expected", "status", "problem"), [
    (None, 200, None), (None, 204, None), (None, 302, "a 2xx status"),
    (None, 500, "a 2xx status"), ("any", 500, None), (201, 201, None), (201, 200, "201"),
    ([200, 404], 404, None), ([200, 404], 500, "200, 404")])
def test_status_rule(expected, status, problem):
    assert outbound.status_problem(expected, status) == problem


def test_error_urls_show_no_credentials_or_query():
    assert outbound.shown_url("https://user:pw@api.example:8443/v1/x?key=s3cret#f") == \
        "https://api.example:8443/v1/x?…"
    assert outbound.shown_url("http://api.example/v1") == "http://api.example/v1"


def test_bad_inputs_are_input_validation_with_field_errors(user):
    workflow = workflow_services.workflow_create(owner=user, slug="cond",
                                                 definition=load_example("conditional-branches"))
    with pytest.raises(ApplicationError) as caught:
        execution_start(workflow=workflow, owner=user, inputs={"score": "high",
                                                               "level": "harsh"})
    assert caught.value.code == "input_validation"
    assert set(caught.value.fields) == {"score", "level"}
    with pytest.raises(ApplicationError) as missing:
        execution_start(workflow=workflow, owner=user, inputs={})
    assert missing.value.fields == {"score": "This input is required."}
    assert not workflow.executions.exists()


def test_code_error_traceback_maps_to_the_node_line(worker, user):
    code = "def helper(x):\n    return 10 / x\n\n\ndef run(inputs, ctx):\n    return helper(0)\n"
    execution = finished(start(user, one_step(code)))
    error = steps_by_id(execution)["s"].error
    assert error["type"] == "code_error"
    assert error["message"] == "ZeroDivisionError: division by zero"
    assert error["node_id"] == "s" and error["line"] == 2
    assert [f["line"] for f in error["frames"]] == [6, 2]
    assert 'File "<node s>", line 2, in helper' in error["traceback"]
    assert "return 10 / x" in error["traceback"]
    assert "sandbox_server" not in error["traceback"]


def test_a_failed_step_fails_the_execution_and_cancels_the_rest(worker, user):
    definition = {"nodes": [py_node("a", "def run(i, c):\n    raise ValueError('boom')\n"),
                            {"id": "b", "type": "transform", "data": {"config": {"value": 1}}}],
                  "edges": [{"source": "a", "target": "b"}]}
    execution = finished(start(user, definition))
    assert execution.status == "failed"
    assert execution.error["step_id"] == "a"
    assert steps_by_id(execution)["b"].status == "cancelled"
