"""One event catalogue: every event the engine stores has the shape its type declares, each
type is documented, and the catalogue's functions build nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest

from apps.executions.events import CATALOGUE, event_payload
from apps.executions.models import ExecutionEvent
from apps.executions.services import execution_cancel, execution_pause, execution_resume
from apps.executions.services.approvals import step_approve
from apps.runtime import services as runtime_services
from tests.conftest import load_example, wait_until
from tests.executions.helpers import finished, py_node, start

ROOT = Path(__file__).resolve().parents[2]
SLEEPY = "import time\n\ndef run(inputs, ctx):\n    time.sleep(30)\n"
NOISY = ("import time\n\ndef run(inputs, ctx):\n    for i in range(3):\n"
         "        print('line', i)\n    time.sleep(0.6)\n    return 1\n")


def _problems(events: list[ExecutionEvent]) -> list[str]:
    found = []
    for event in events:
        payload = event_payload(event)
        declared = CATALOGUE.get(event.type)
        if declared is None:
            found.append(f"#{event.seq} {event.type}: not in the catalogue")
            continue
        found += [f"#{event.seq} {event.type}: {p}" for p in declared.problems(payload)]
    return found


@pytest.mark.django_db(transaction=True)
@pytest.mark.slow
def test_every_stored_event_matches_its_declared_shape(worker, user):
    # given: runs that between them send every type the engine has
    runtime_services.runtime_setting_set(owner=user, key="metrics_interval_ms", value=100)
    runs = [
        finished(start(user, load_example("conditional-branches"), {"score": 80})),
        finished(start(user, load_example("retry-and-continue"), {"fail_times": 1})),
        finished(start(user, load_example("delay-then-report"), {"seconds": 1})),
        finished(start(user, {"name": "noisy", "nodes": [py_node("p", NOISY)], "edges": []})),
    ]
    paused = start(user, {"name": "pausable", "nodes": [
        py_node("first", NOISY), {"id": "second", "type": "transform",
                                  "data": {"config": {"value": 2}}}],
        "edges": [{"source": "first", "target": "second"}]})
    wait_until(lambda: paused.steps.filter(step_id="first", status="running").exists())
    execution_pause(execution=paused)
    execution_resume(execution=paused)
    runs.append(finished(paused))
    approval = start(user, load_example("deploy-with-approval"), {"version": "1"})
    wait_until(lambda: approval.steps.filter(step_id="approve", status="waiting").exists())
    step_approve(execution=approval, step_id="approve", user=user, data={"ticket": "CHG-1"})
    runs.append(finished(approval))
    cancelled = start(user, {"name": "c", "nodes": [py_node("s", SLEEPY, timeout_seconds=60)],
                             "edges": []})
    wait_until(lambda: cancelled.steps.filter(step_id="s", status="running").exists())
    execution_cancel(execution=cancelled)
    wait_until(lambda: cancelled.steps.filter(step_id="s", status="cancelled").exists())
    runs.append(cancelled)
    # when
    stored = list(ExecutionEvent.objects.filter(execution__in=runs).order_by("id"))
    # then
    assert _problems(stored) == []
    sent = {event.type for event in stored}
    assert sent == set(CATALOGUE), set(CATALOGUE) - sent


def test_every_event_type_is_documented():
    text = (ROOT / "docs" / "events.md").read_text()
    for name, declared in CATALOGUE.items():
        assert f"`{name}`" in text, name
        for field in (*declared.required, *declared.optional):
            assert f"`{field}`" in text, (name, field)


def test_a_payload_with_a_field_out_of_place_is_reported():
    declared = CATALOGUE["step_started"]
    good = {"type": "step_started", "step_id": "a", "data": {"attempt": 1, "worker": "w"}}
    assert declared.problems(good) == []
    bad = {"type": "step_started", "step_id": None, "data": {"attempt": 1, "extra": 2}}
    assert declared.problems(bad) == ["missing 'worker'", "unexpected 'extra'",
                                      "step_id missing"]

