"""Smoke: a transform and a python step run on the real worker."""

from __future__ import annotations

import pytest

from tests.conftest import load_example
from tests.executions.helpers import event_types, finished, start, steps_by_id

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def test_hello_transform_runs_to_its_output(worker, user):
    execution = finished(start(user, load_example("hello-transform"), {"who": "Ada"}))
    assert execution.status == "succeeded", execution.error
    assert execution.output == {"greeting": "Hello, Ada!", "times": 1}
    assert event_types(execution)[0] == "execution_queued"
    assert event_types(execution)[-1] == "execution_completed"


def test_parallel_fanout_python_steps(worker, user):
    execution = finished(start(user, load_example("parallel-fanout"), {"n": 10}))
    assert execution.status == "succeeded", (execution.error, {
        s.step_id: s.error for s in execution.steps.all()})
    assert execution.output == {"squares": 285, "cubes": 2025, "primes": 4}
    steps = steps_by_id(execution)
    assert steps["squares"].metrics["peak_rss_mb"] > 0
