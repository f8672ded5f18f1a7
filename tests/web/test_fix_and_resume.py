"""Fix and resume from the step page in Chromium: the failing line shown, the node's code in
an editor with that line marked, "Save and retry this step" making a new revision that the
same execution finishes on; a revision that changes the graph offers a re-run instead."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from apps.executions.models import Execution, StepAttempt
from apps.workflows.services import workflow_update
from tests.executions.helpers import finished, py_node, start

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

FAILING = ("def run(inputs, ctx):\n    rows = inputs['rows']\n    print('checking', len(rows), 'rows')\n"
           "    return sum(r['amount'] for r in rows)\n")
FIXED = FAILING.replace("r['amount']", "r.get('amount', r.get('amt', 0))")


def _failed(user):  # type: ignore[no-untyped-def]
    definition = {"name": "Sum orders", "nodes": [
        py_node("total", FAILING, inputs={"rows": [{"amount": 1}, {"amt": 2}]}),
        {"id": "report", "type": "transform", "position": {"x": 0, "y": 120},
         "data": {"config": {"value": {"sum": "{{ steps.total.output }}"}}}}],
        "edges": [{"source": "total", "target": "report"}],
        "output": "{{ steps.report.output }}"}
    execution = finished(start(user, definition, slug="sum-orders"))
    assert execution.status == "failed"
    return execution


def test_fix_the_code_and_resume_the_same_execution(signed_in, user, worker):
    page = signed_in
    execution = _failed(user)
    page.goto(f"{page.base}/executions/{execution.pk}/steps/total/")
    failing = page.locator("#failing-line")
    expect(failing).to_contain_text("Line 4")
    expect(failing).to_contain_text("return sum(r['amount'] for r in rows)")
    expect(page.locator("#fix-panel")).to_be_visible()
    expect(page.locator("#fix-editor .cm-marked-line")).to_contain_text("return sum(r['amount']")
    assert page.evaluate("RE.fixEditor.markedLine") == 4
    page.evaluate("code => RE.fixEditor.setText(code)", FIXED)
    page.get_by_role("button", name="Save and retry this step").click()
    expect(page.locator("#step-status .badge")).to_contain_text("succeeded", timeout=30_000)
    expect(page.locator("#attempts tbody tr")).to_have_count(2)
    expect(page.locator("#attempts tbody tr td.revision")).to_have_text(["1", "2"])
    done = finished(Execution.objects.get(pk=execution.pk))
    assert done.status == "succeeded" and done.output == {"sum": 3}
    assert done.compilation.revision == 2 and done.workflow.revision == 2
    assert sorted(StepAttempt.objects.filter(step_run__execution=done).values_list(
        "step_run__step_id", "compilation__revision")) == [
        ("report", 2), ("total", 1), ("total", 2)]
    page.goto(f"{page.base}/executions/{execution.pk}/")
    expect(page.locator("#meta")).to_contain_text("revision 2")
    expect(page.locator("#meta")).to_contain_text("fixed at step total")


def test_a_changed_graph_offers_a_rerun_on_the_new_revision(signed_in, user, worker):
    page = signed_in
    execution = _failed(user)
    page.goto(f"{page.base}/executions/{execution.pk}/steps/total/")
    expect(page.locator("#fix-panel")).to_be_visible()
    # Meanwhile somebody adds a node: that revision cannot continue this execution.
    definition = execution.workflow.definition
    definition["nodes"].append({"id": "extra", "type": "transform", "position": {"x": 200, "y": 0},
                                "data": {"config": {"value": 1}}})
    workflow_update(workflow=execution.workflow, definition=definition)
    page.evaluate("code => RE.fixEditor.setText(code)", FIXED)
    page.get_by_role("button", name="Save and retry this step").click()
    expect(page.locator("#fix-error")).to_contain_text("re-run it on revision 3")
    page.get_by_role("button", name="Re-run on the new revision").click()
    page.wait_for_url(re.compile(r"/executions/[0-9a-f-]+/$"))
    expect(page.locator("#exec-status .badge")).to_contain_text("succeeded", timeout=30_000)
    rerun = Execution.objects.exclude(pk=execution.pk).get()
    assert rerun.compilation.revision == 3 and rerun.rerun_of_id == execution.pk
    assert rerun.trigger == "manual"
