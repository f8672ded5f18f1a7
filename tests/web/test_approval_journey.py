"""In a real browser: a run waits for approval; the navigation badge counts it, the monitor
shows the message and the form generated from the step's fields, refuses what the form does
not allow, approves it, and the run goes on live; a second run is rejected from its step
page with a reason. The run dialog starts a high-priority run."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from apps.executions.models import Execution, Priority, StepRun
from apps.executions.services import execution_start
from tests.conftest import load_example, wait_until
from tests.executions.helpers import finished, start

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def _waiting(execution: Execution) -> StepRun:
    return wait_until(lambda: StepRun.objects.filter(execution=execution, step_id="approve",
                                                     status="waiting").first(), timeout=30)


def test_approve_on_the_monitor_and_reject_on_the_step_page(signed_in, worker, user):
    page = signed_in
    execution = start(user, load_example("deploy-with-approval"), {"version": "3.1"})
    _waiting(execution)
    page.goto(f"{page.base}/executions/{execution.pk}/")
    expect(page.get_by_role("link", name="Approvals")).to_contain_text("1")
    panel = page.locator("#approvals-panel")
    expect(panel).to_be_visible()
    expect(panel).to_contain_text("Deploy app-3.1.tar.gz to production?")
    ticket = panel.get_by_label("ticket")
    expect(panel.get_by_label("comment")).to_be_visible()
    ticket.fill("x")  # shorter than the fields' minLength
    panel.get_by_role("button", name="Approve").click()
    expect(panel.locator("#approve-approve-ticket-error")).not_to_be_empty()
    assert StepRun.objects.get(execution=execution, step_id="approve").status == "waiting"
    if os.environ.get("APPROVAL_SCREENSHOT"):  # to look at the page, not for the test
        page.screenshot(path=os.environ["APPROVAL_SCREENSHOT"], full_page=True)
    ticket.fill("CHG-31")
    panel.get_by_role("button", name="Approve").click()
    expect(page.locator("#exec-status")).to_contain_text("succeeded")
    expect(panel).to_be_hidden()
    done = finished(execution)
    assert done.output["ticket"] == "CHG-31" and done.output["approved_by"] == user.username

    second = execution_start(workflow=execution.workflow, owner=user, inputs={"version": "3.2"})
    _waiting(second)
    page.goto(f"{page.base}/executions/{second.pk}/steps/approve/")
    step_panel = page.locator("#approval-panel")
    expect(step_panel).to_contain_text("Deploy app-3.2.tar.gz to production?")
    step_panel.get_by_label("Reason (for a rejection)").fill("freeze week")
    step_panel.get_by_role("button", name="Reject").click()
    expect(page.locator("#step-status")).to_contain_text("failed")
    expect(step_panel).to_be_hidden()
    rejected = finished(second)
    assert rejected.status == "failed"
    step = StepRun.objects.get(execution=second, step_id="approve")
    assert step.error["type"] == "approval_rejected" and step.error["reason"] == "freeze week"


def test_the_run_dialog_starts_a_high_priority_run(signed_in, worker, user):
    page = signed_in
    workflow = start(user, load_example("hello-transform")).workflow
    page.goto(f"{page.base}/workflows/{workflow.pk}/")
    page.get_by_role("button", name="Run").first.click()
    page.locator("#run-dialog").get_by_label("Priority").select_option("high")
    page.get_by_role("button", name="Start").click()
    page.wait_for_url(f"{page.base}/executions/*/")
    expect(page.locator("#meta")).to_contain_text("high priority")
    newest = Execution.objects.filter(workflow=workflow).order_by("-created_at").first()
    assert newest.priority == Priority.HIGH and newest.trigger == "manual"
