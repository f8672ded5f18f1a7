"""GET /metrics on a live web process, counting what a real worker did: the series move by
the expected amounts after a run with a failing step; no input or secret value appears;
only operators may scrape."""

from __future__ import annotations

import uuid

import httpx
import pytest
from knox.models import AuthToken
from prometheus_client.parser import text_string_to_metric_families

from tests.executions.helpers import finished, py_node, start
from tests.workers import DaphneProcess

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
BEARER = "metrics-" + uuid.uuid4().hex
FAIL = "def run(inputs, ctx):\n    raise ValueError('nope ' + inputs['who'])\n"


def _samples(text: str) -> dict[tuple[str, tuple], float]:
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def _value(samples: dict, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


@pytest.fixture
def web(tmp_path):  # type: ignore[no-untyped-def]
    process = DaphneProcess(tmp_path, env={"METRICS_TOKEN": BEARER}).start()
    yield process
    process.stop()


def test_only_operators_may_scrape(web, user, django_user_model):
    assert httpx.get(f"{web.url}/metrics").status_code == 401
    assert httpx.get(f"{web.url}/metrics",
                     headers={"Authorization": "Bearer wrong"}).status_code == 401
    _, plain = AuthToken.objects.create(user=user, expiry=None)
    assert httpx.get(f"{web.url}/metrics",
                     headers={"Authorization": f"Token {plain}"}).status_code == 401
    staff = django_user_model.objects.create_user("operator", is_staff=True)
    _, token = AuthToken.objects.create(user=staff, expiry=None)
    answer = httpx.get(f"{web.url}/metrics", headers={"Authorization": f"Token {token}"})
    assert answer.status_code == 200 and "runtime_executions" in answer.text


def test_a_run_moves_the_series_and_no_value_shows(web, worker, user):
    def scrape() -> str:
        answer = httpx.get(f"{web.url}/metrics", headers={"Authorization": f"Bearer {BEARER}"})
        assert answer.status_code == 200, answer.text
        return answer.text

    before = _samples(scrape())
    definition = {
        "name": f"metered-{uuid.uuid4().hex[:6]}",
        "input_schema": {"type": "object", "properties": {
            "who": {"type": "string"}, "key": {"type": "string", "format": "password"}}},
        "nodes": [{"id": "first", "type": "transform",
                   "data": {"config": {"value": "{{ inputs.who }}"}}},
                  py_node("boom", FAIL, inputs={"who": "{{ inputs.who }}"})],
        "edges": [{"source": "first", "target": "boom"}]}
    run = finished(start(user, definition, {"who": "visible-input-xyz",
                                            "key": "sekrit-value-123"}))
    assert run.status == "failed"
    text = scrape()
    after = _samples(text)

    def moved(name: str, **labels: str) -> float:
        return _value(after, name, **labels) - _value(before, name, **labels)

    assert moved("runtime_executions_started_total", trigger="manual") == 1
    assert moved("runtime_executions_finished_total", status="failed", trigger="manual") == 1
    assert moved("runtime_step_failures_total", step_type="python", error_type="code_error") == 1
    assert moved("runtime_step_attempt_duration_seconds_count", step_type="python",
                 status="failed") == 1
    assert moved("runtime_step_attempt_duration_seconds_count", step_type="transform",
                 status="succeeded") == 1
    assert moved("runtime_event_publish_seconds_count") >= 5  # queued, started, steps, end
    assert _value(after, "runtime_executions", status="running") >= 0
    assert {dict(labels)["priority"] for name, labels in after
            if name == "runtime_queue_depth"} == {"0", "3", "6", "9"}
    for value in ("visible-input-xyz", "sekrit-value-123", "nope"):
        assert value not in text
