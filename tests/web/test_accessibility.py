"""Accessibility checked by a machine: axe-core (vendored in static/vendor/ by build.sh) run on
every screen in Chromium, no serious or critical violation; and a keyboard-only journey
through run → monitor → step → retry."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from apps.executions.models import Execution
from apps.runtime.services import runtime_setting_set
from apps.workflows.services import workflow_create
from tests.conftest import ROOT, load_example
from tests.executions.helpers import finished, py_node, start

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

AXE = next((ROOT / "static" / "vendor").glob("axe-core-*.min.js"))
FLAKY = ("def run(inputs, ctx):\n    if not inputs.get('ok'):\n"
         "        raise ValueError('not ok yet')\n    return inputs['ok']\n")


def _violations(page) -> list[str]:  # type: ignore[no-untyped-def]
    page.add_script_tag(path=str(AXE))
    return page.evaluate("""async () => (await axe.run(document, {resultTypes: ['violations']}))
        .violations.filter((v) => ['serious', 'critical'].includes(v.impact))
        .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3)
            .map((n) => n.target.join(' ')).join(', ')}`)""")


def test_every_screen_has_no_serious_or_critical_violation(signed_in, user, worker):
    page = signed_in
    runtime_setting_set(owner=user, key="debug_mode", value=True)
    fanout = finished(start(user, load_example("parallel-fanout"), inputs={"n": 2000}))
    failed = finished(start(user, {"name": "flaky", "nodes": [py_node("work", FLAKY)],
                                   "edges": []}, slug="flaky"))
    waiting = start(user, load_example("deploy-with-approval"), inputs={"version": "1.2"},
                    slug="deploy")
    workflow = workflow_create(owner=user, definition=load_example("conditional-branches"))
    broken = workflow_create(owner=user, slug="broken", definition={
        "name": "broken", "nodes": [py_node("compute", "def run(inputs, ctx):\n    return (\n")],
        "edges": []})
    screens = {
        "workflows": "/", "new workflow": "/workflows/new/",
        "editor": f"/workflows/{workflow.pk}/", "editor with issues": f"/workflows/{broken.pk}/",
        "monitor": f"/executions/{fanout.pk}/", "history": "/executions/",
        "step": f"/executions/{fanout.pk}/steps/squares/",
        "failed step": f"/executions/{failed.pk}/steps/work/",
        "logs": f"/executions/{failed.pk}/logs/",
        "performance": f"/executions/{fanout.pk}/performance/",
        "settings": "/settings/", "approvals": "/approvals/",
        "waiting monitor": f"/executions/{waiting.pk}/",
    }
    problems = {}
    for name, path in screens.items():
        page.goto(page.base + path)
        page.wait_for_load_state("networkidle")
        if name == "editor with issues":
            page.locator("#issues li button").first.click()  # the code pane open too
        found = _violations(page)
        if found:
            problems[name] = found
    page.goto(f"{page.base}/workflows/{workflow.pk}/")
    page.get_by_role("button", name="Run…").click()
    if found := _violations(page):
        problems["run dialog"] = found
    page.goto(f"{page.base}/")  # the list's own run dialog
    page.locator("tr", has_text=workflow.name).get_by_role("button", name=re.compile("^Run")).click()
    expect(page.get_by_role("dialog")).to_be_visible()
    if found := _violations(page):
        problems["workflow list run dialog"] = found
    page.goto(f"{page.base}/workflows/{workflow.pk}/")  # a refused schedule, at its field
    page.locator("#schedule-form").get_by_label("Cron expression").fill("61 * * * *")
    page.locator("#schedule-form").get_by_role("button", name="Add schedule").click()
    expect(page.locator("#sched-cron-error")).to_be_visible()
    if found := _violations(page):
        problems["refused schedule"] = found
    assert not problems, "\n".join(f"{name}: {v}" for name, found in problems.items()
                                    for v in found)


def test_keyboard_only_run_monitor_step_retry(signed_in, user, worker):
    page = signed_in
    workflow = workflow_create(owner=user, slug="flaky", definition={
        "name": "flaky", "nodes": [py_node("work", FLAKY, inputs={"ok": "{{ inputs.ok }}"})],
        "edges": [], "input_schema": {"type": "object", "properties": {
            "ok": {"type": "boolean", "default": False}}},
        "output": "{{ steps.work.output }}"})
    page.goto(f"{page.base}/workflows/{workflow.pk}/")
    expect(page.get_by_role("button", name="Run…")).to_be_enabled()

    def tab_to(locator, limit: int = 80) -> None:  # type: ignore[no-untyped-def]
        for _ in range(limit):
            if page.evaluate("!!document.activeElement.closest('.cm-content')"):
                page.keyboard.press("Escape")  # a code editor keeps Tab for indenting
            page.keyboard.press("Tab")
            if locator.evaluate("node => node === document.activeElement"):
                return
        raise AssertionError(f"Tab never reached {locator}")

    tab_to(page.get_by_role("button", name="Run…"))
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    tab_to(dialog.get_by_role("button", name="Start"))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/executions/[0-9a-f-]+/$"))
    expect(page.locator("#exec-status .badge")).to_contain_text("failed", timeout=30_000)
    # Monitor: the failed step's node is a button reached by Tab; Enter opens the step.
    node = page.locator("#graph .gnode[data-node=work]")
    expect(node).to_have_accessible_name(re.compile("failed"))
    tab_to(node)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/steps/work/$"))
    inputs = page.get_by_label("Inputs (JSON)")
    tab_to(inputs)
    page.keyboard.press("Control+a")
    page.keyboard.type('{"ok": "yes"}')
    tab_to(page.get_by_role("button", name="Retry and continue"))
    page.keyboard.press("Enter")
    expect(page.locator("#step-status .badge")).to_contain_text("succeeded", timeout=30_000)
    execution = Execution.objects.get(workflow=workflow)
    assert finished(execution).output == "yes" and execution.trigger == "manual"
