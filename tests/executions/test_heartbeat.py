"""One heartbeat thread per worker process serves its steps one after another (worker/
heartbeat.py): each step that holds the worker has its lease renewed and its logs written
while it runs, the second as much as the first, and a cancel still reaches a running step."""

from __future__ import annotations

import pytest

from apps.executions.models import StepRun
from apps.executions.services import execution_cancel
from tests.conftest import wait_until
from tests.executions.helpers import finished, py_node, start, steps_by_id

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

NAP = ("import time\n\ndef run(inputs, ctx):\n    print('begun', inputs['n'])\n"
       "    time.sleep(1.2)\n    return inputs['n']\n")


def test_successive_steps_each_get_their_heartbeats_and_live_logs(worker, user):
    nodes = [py_node("a", NAP, inputs={"n": 1}), py_node("b", NAP, inputs={"n": 2})]
    execution = start(user, {"name": "naps", "nodes": nodes,
                             "edges": [{"source": "a", "target": "b"}]})

    def beating(step_id: str) -> bool:  # renewed and logged while it still runs
        step = StepRun.objects.get(execution=execution, step_id=step_id)
        return (step.status == "running" and step.heartbeat_at is not None
                and (step.heartbeat_at - step.started_at).total_seconds() >= 0.4
                and execution.log_lines.filter(step_id=step_id).exists())

    wait_until(lambda: beating("a"), timeout=20, interval=0.05)
    wait_until(lambda: beating("b"), timeout=20, interval=0.05)
    execution = finished(execution)
    assert execution.status == "succeeded"
    assert [steps_by_id(execution)[s].attempts for s in "ab"] == [1, 1]


def test_a_cancel_reaches_the_step_the_thread_serves(worker, user):
    forever = "import time\n\ndef run(inputs, ctx):\n    time.sleep(60)\n"
    first = finished(start(user, {"name": "one", "nodes": [py_node("s", NAP, inputs={"n": 1})],
                                  "edges": []}))
    assert first.status == "succeeded"  # the thread has served a step already
    execution = start(user, {"name": "long", "nodes": [py_node("s", forever)], "edges": []})
    wait_until(lambda: StepRun.objects.get(execution=execution).status == "running", timeout=20)
    execution_cancel(execution=execution)
    step = StepRun.objects.get(execution=execution)
    wait_until(lambda: StepRun.objects.get(pk=step.pk).status == "cancelled", timeout=5)
    assert finished(execution).status == "cancelled"
