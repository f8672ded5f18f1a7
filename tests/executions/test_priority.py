"""Priority: admission takes higher priority first, then start order; a high-priority run's
steps overtake a broker backlog of low-priority ones; the API, schedules and webhooks carry
it, and a child runs at its parent's."""

from __future__ import annotations

import uuid

import pytest
from django.db import transaction

from apps.executions.models import Execution, Priority
from apps.executions.services import (
    execution_admit,
    execution_cancel,
    execution_rerun,
    execution_start,
)
from apps.runtime import services as runtime_services
from apps.triggers.services import hooks, schedules
from tests.executions.helpers import finished, py_node, start

NAP = "import time\n\ndef run(inputs, ctx):\n    time.sleep(0.02)\n    return 1\n"


def _one_step(code: str | None = None) -> dict:
    node = py_node("work", code) if code else {
        "id": "work", "type": "transform", "data": {"config": {"value": 1}}}
    return {"name": f"prio-{uuid.uuid4().hex[:6]}", "nodes": [node], "edges": []}


def _again(first: Execution, priority: Priority) -> Execution:
    return execution_start(workflow=first.workflow, owner=first.owner, priority=priority)


@pytest.mark.django_db  # the test's transaction: no worker sees these rows
def test_admission_takes_higher_priority_first_then_start_order(user):
    runtime_services.runtime_setting_set(owner=user, key="max_concurrent_executions", value=1)
    first = start(user, _one_step())
    low = _again(first, Priority.LOW)
    normal_1 = _again(first, Priority.NORMAL)
    normal_2 = _again(first, Priority.NORMAL)
    high = _again(first, Priority.HIGH)
    assert [r.status for r in (first, low, normal_1, normal_2, high)] == [
        "running", "queued", "queued", "queued", "queued"]
    order = []
    running = first
    for _ in range(4):
        execution_cancel(execution=running)  # frees the one slot
        (admitted,) = execution_admit(owner_id=user.pk)
        order.append(admitted)
        running = Execution.objects.get(pk=admitted)
    assert order == [str(r.pk) for r in (high, normal_1, normal_2, low)]


@pytest.mark.django_db
def test_a_high_priority_start_is_not_held_back_by_waiting_low_ones(user):
    runtime_services.runtime_setting_set(owner=user, key="max_concurrent_executions", value=1)
    first = start(user, _one_step())
    low = _again(first, Priority.LOW)
    assert low.status == "queued"
    runtime_services.runtime_setting_set(owner=user, key="max_concurrent_executions", value=2)
    high = _again(first, Priority.HIGH)  # a slot is free and only lower priorities wait
    assert high.status == "running"
    normal = _again(first, Priority.NORMAL)  # the cap is reached again
    assert normal.status == "queued"


@pytest.mark.django_db
def test_children_reruns_schedules_and_hooks_carry_the_priority(user):
    first = start(user, _one_step())
    high = _again(first, Priority.HIGH)
    assert execution_rerun(execution=high).priority == Priority.HIGH
    assert execution_rerun(execution=high, priority=Priority.LOW).priority == Priority.LOW
    child = execution_start(workflow=first.workflow, owner=user, parent=high,
                            parent_step_id="work", trigger="workflow")
    assert child.priority == Priority.HIGH
    schedule = schedules.schedule_create(workflow=first.workflow, interval_seconds=60,
                                         priority=Priority.LOW)
    assert schedules.schedule_update(schedule=schedule, name="n").priority == Priority.LOW
    assert schedules.schedule_update(schedule=schedule,
                                     priority=Priority.HIGH).priority == Priority.HIGH
    hook, secret = hooks.hook_rotate(workflow=first.workflow)
    hooks.hook_set_priority(workflow=first.workflow, priority=Priority.HIGH)
    delivered = hooks.hook_deliver(hook_id=hook.pk, body=b"{}",
                                   headers={"Authorization": f"Bearer {secret}"},
                                   address="127.0.0.1")
    assert delivered.priority == Priority.HIGH


@pytest.mark.django_db(transaction=True)
@pytest.mark.slow
def test_a_high_priority_run_overtakes_a_backlog_of_two_hundred_low_ones(worker, user):
    runtime_services.runtime_setting_set(owner=user, key="max_concurrent_executions",
                                         value=1000)  # every run admitted: the broker queues
    first = start(user, _one_step(NAP))
    with transaction.atomic():  # their 200 step messages reach the broker together
        backlog = [_again(first, Priority.LOW) for _ in range(200)]
    high = _again(first, Priority.HIGH)
    runs = [finished(run, timeout=180) for run in (first, *backlog, high)]
    assert {run.status for run in runs} == {"succeeded"}
    order = sorted(runs, key=lambda run: run.finished_at)
    position = order.index(next(run for run in order if run.pk == high.pk))
    print(f"high-priority run finished {position + 1}th of {len(order)}")
    assert position < 100, position  # before most of them (measured: docs/flow-control.md)
