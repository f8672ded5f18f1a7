"""A builder's whole journey in a real browser (the web-app issue's test): paste a workflow
with an error, fix it, run it through the form, watch it live, pause and resume, cancel
another run, filter and re-run from history, retry a failed step with edited input, and see
a setting used by the next run."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from apps.executions.models import Execution

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

WORK = ("import time\ndef run(inputs, ctx):\n    for i in range(inputs['count']):\n"
        "        print(f'tick {i}')\n        time.sleep(0.25)\n    return inputs['count']\n")
CHECK = ("def run(inputs, ctx):\n    total = inputs['total']\n    if inputs['fail']:\n"
         "        raise ValueError(f'refusing {total}')\n    return {'total': total}\n")


def _definition(broken: bool) -> dict:
    nodes = [
        {"id": "work", "type": "python", "position": {"x": 0, "y": 0},
         "data": {"label": "Work", "timeout_seconds": 120,
                  "inputs": {"count": "{{ inputs.count }}"}, "config": {"code": WORK}}},
        {"id": "check", "type": "python", "position": {"x": 220, "y": 0},
         "data": {"label": "Check", "timeout_seconds": 30,
                  "inputs": {"total": "{{ steps.work.output }}", "fail": "{{ inputs.fail }}"},
                  "config": {"code": CHECK}}},
    ]
    edges = [{"id": "e1", "source": "work", "target": "check" if not broken else "chek"}]
    return {"name": "Journey", "nodes": nodes, "edges": edges,
            "input_schema": {"type": "object", "required": ["count"], "properties": {
                "count": {"type": "integer", "minimum": 1, "maximum": 400},
                "fail": {"type": "boolean", "default": False}}},
            "output": "{{ steps.check.output }}"}


def _run_from_modal(page, count: int, fail: bool = False) -> str:  # type: ignore[no-untyped-def]
    page.get_by_role("button", name="Run…").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label(re.compile("count")).fill(str(count))
    if fail:
        dialog.get_by_label(re.compile("fail")).check()
    dialog.get_by_role("button", name="Start").click()
    page.wait_for_url(re.compile(r"/executions/[0-9a-f-]+/$"))
    return page.url.rstrip("/").rsplit("/", 1)[1]


def test_builder_journey(signed_in, user, worker):
    page = signed_in
    # Paste a workflow with an error: it is saved, and the issue is shown.
    page.get_by_role("link", name="New workflow").click()
    page.get_by_label(re.compile("Definition")).fill(json.dumps(_definition(broken=True)))
    page.get_by_role("button", name="Create and compile").click()
    status = page.locator("#compile-status [data-state]")
    expect(status).to_have_attribute("data-state", "error")
    expect(page.locator("#issues")).to_contain_text("chek")
    expect(page.get_by_role("button", name="Run…")).to_be_disabled()
    # Fix it: it compiles and can run.
    page.evaluate("text => RE.editor.setText(text)", json.dumps(_definition(broken=False), indent=2))
    page.get_by_role("button", name="Save and compile").click()
    expect(status).to_have_attribute("data-state", "success")
    editor_url = page.url
    # The run form: a validation error first, then a run.
    page.get_by_role("button", name="Run…").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label(re.compile("count")).fill("0")
    dialog.get_by_role("button", name="Start").click()
    expect(dialog.locator("#input-count-error")).not_to_be_empty()
    dialog.get_by_role("button", name="Cancel").click()
    first = _run_from_modal(page, 16)
    # Live, without reload: the step runs, pause and resume, then it finishes.
    work_badge = page.locator("#steps tr[data-step=work] .badge")
    expect(work_badge).to_contain_text("running", timeout=30_000)
    page.get_by_role("button", name="Pause").click()
    expect(page.locator("#exec-status .badge")).to_contain_text("paused")
    page.get_by_role("button", name="Resume").click()
    expect(page.locator("#exec-status .badge")).to_contain_text("running")
    expect(page.locator("#exec-status .badge")).to_contain_text("succeeded", timeout=60_000)
    expect(page.locator("#output")).to_contain_text('"total": 16')
    page.get_by_role("link", name="Live logs").click()
    expect(page.locator("#console .line")).to_have_count(16, timeout=20_000)
    # Cancel another run.
    page.goto(editor_url)
    _run_from_modal(page, 400)
    expect(work_badge).to_contain_text("running", timeout=30_000)
    page.get_by_role("button", name="Cancel").click()
    expect(page.locator("#exec-status .badge")).to_contain_text("cancelled")
    # History: filter, then re-run the first run with the same inputs.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="History").click()
    page.get_by_label("Status").select_option("cancelled")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("#history tbody tr")).to_have_count(1)
    page.get_by_label("Status").select_option("succeeded")
    page.get_by_role("button", name="Apply").click()
    page.locator("#history tbody tr").first.get_by_role("button", name=re.compile("Re-run")).click()
    expect(page.locator("#exec-status .badge")).to_contain_text("succeeded", timeout=60_000)
    assert Execution.objects.filter(rerun_of_id=first).count() == 1
    # A failed run: retry the failed step with edited input and see it finish.
    page.goto(editor_url)
    failed = _run_from_modal(page, 1, fail=True)
    expect(page.locator("#exec-status .badge")).to_contain_text("failed", timeout=60_000)
    page.locator("#exec-error").get_by_role("link", name=re.compile("Debug step check")).click()
    expect(page.locator("#error-plain")).to_contain_text("refusing 1")
    page.get_by_label("Inputs (JSON)").fill(json.dumps({"total": 1, "fail": False}))
    page.get_by_role("button", name="Retry and continue").click()
    expect(page.locator("#step-status .badge")).to_contain_text("succeeded", timeout=30_000)
    expect(page.locator("#step-output")).to_contain_text('"total": 1')
    assert Execution.objects.get(pk=failed).status == "succeeded"
    # Settings saved and used by the next run: debug mode records the variables.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").click()
    page.get_by_label("Debug mode").check()
    page.get_by_role("button", name="Save settings").click()
    expect(page.locator(".messages")).to_contain_text("Saved.")
    page.goto(editor_url)
    debug_run = _run_from_modal(page, 1)
    expect(page.locator("#exec-status .badge")).to_contain_text("succeeded", timeout=60_000)
    page.goto(f"{page.base}/executions/{debug_run}/steps/check/")
    expect(page.locator("#debug")).to_contain_text("Variables")
    expect(page.locator("#debug")).to_contain_text("total")
