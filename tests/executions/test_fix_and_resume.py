"""Fix and resume (docs/execution.md, "Fix and resume"): a failed python step retried on a
new revision of its workflow runs the new code in the same execution, the steps after it
too; the steps already done keep their results; each attempt records its revision."""

from __future__ import annotations

import copy

import pytest

from apps.common.exceptions import ApplicationError, Conflict
from apps.executions.models import StepAttempt
from apps.executions.services import execution_rerun, step_retry
from apps.workflows import services as workflow_services
from tests.executions.helpers import finished, py_node, start, steps_by_id

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

BROKEN = "def run(inputs, ctx):\n    return inputs['rows'][0]['amt']\n"
FIXED = "def run(inputs, ctx):\n    return inputs['rows'][0]['amount']\n"


def _definition(code: str, after: str = "def run(inputs, ctx):\n    return inputs['v'] + 1\n"):
    return {"name": "fix", "nodes": [
        {"id": "first", "type": "transform", "position": {"x": 0, "y": 0},
         "data": {"config": {"value": {"rows": [{"amount": 41}]}}}},
        py_node("total", code, inputs={"rows": "{{ steps.first.output.rows }}"}),
        py_node("after", after, inputs={"v": "{{ steps.total.output }}"})],
        "edges": [{"source": "first", "target": "total"}, {"source": "total", "target": "after"}],
        "output": "{{ steps.after.output }}"}


def _revise(execution, definition):  # type: ignore[no-untyped-def]
    workflow = execution.workflow
    workflow_services.workflow_update(workflow=workflow, definition=definition)
    workflow.refresh_from_db()
    return workflow.revision


def test_a_fixed_step_resumes_on_the_new_revision(worker, user):
    execution = finished(start(user, _definition(BROKEN)))
    assert execution.status == "failed"
    first_done = steps_by_id(execution)["first"].finished_at
    fixed = _definition(FIXED, after="def run(inputs, ctx):\n    return inputs['v'] + 100\n")
    revision = _revise(execution, fixed)
    assert revision == 2
    step_retry(execution=execution, step_id="total", revision=revision)
    step_retry(execution=execution, step_id="total", revision=revision)  # twice is harmless
    execution = finished(execution)
    assert execution.status == "succeeded"
    assert execution.output == 141  # the step after it ran the new revision too
    steps = steps_by_id(execution)
    assert steps["first"].finished_at == first_done and steps["first"].attempts == 1
    ran = {(a.step_run.step_id, a.number): a.compilation.revision
           for a in StepAttempt.objects.filter(step_run__execution=execution)
           .select_related("step_run", "compilation")}
    assert ran == {("first", 1): 1, ("total", 1): 1, ("total", 2): 2, ("after", 1): 2}
    assert execution.compilation.revision == 2
    assert execution.source["revisions"][0] | {"at": None} == {
        "from": 1, "to": 2, "step_id": "total", "at": None}
    queued = execution.events.filter(type="step_queued", step_id="total",
                                     data__retry=True).get()
    assert queued.data["revision"] == 2
    # A re-run of it runs the revision it ended on.
    assert finished(execution_rerun(execution=execution)).compilation.revision == 2


def test_a_revision_that_changes_the_graph_is_refused_with_what_to_do(worker, user):
    execution = finished(start(user, _definition(BROKEN)))
    reshaped = copy.deepcopy(_definition(FIXED))
    reshaped["nodes"].append({"id": "extra", "type": "transform", "position": {"x": 0, "y": 400},
                              "data": {"config": {"value": 1}}})
    revision = _revise(execution, reshaped)
    with pytest.raises(Conflict) as refused:
        step_retry(execution=execution, step_id="total", revision=revision)
    assert refused.value.code == "revision_incompatible"
    assert "re-run" in str(refused.value)
    broken = _definition(FIXED)
    broken["nodes"][1]["data"]["config"]["code"] = "def run(inputs, ctx):\n    return (\n"
    with pytest.raises(Conflict) as refused:
        step_retry(execution=execution, step_id="total", revision=_revise(execution, broken))
    assert refused.value.code == "not_runnable"
    with pytest.raises(ApplicationError) as refused:
        step_retry(execution=execution, step_id="total", revision=99)
    assert "no revision 99" in str(refused.value)
    execution.refresh_from_db()
    assert execution.status == "failed" and execution.compilation.revision == 1
