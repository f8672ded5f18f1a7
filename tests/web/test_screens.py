"""The ten screens in a real browser (README.md, "The web app"), against daphne and a real worker:
each screen's main job, live updates included, plus keyboard and screen-reader basics."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from apps.executions.models import Execution
from apps.workflows.models import Workflow
from apps.workflows.services import workflow_create
from tests.conftest import load_example, wait_until
from tests.executions.helpers import finished, py_node, start

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def _python_workflow(user, code: str, slug: str, **node) -> Workflow:  # type: ignore[no-untyped-def]
    return workflow_create(owner=user, slug=slug, definition={
        "name": slug, "nodes": [py_node("work", code, **node)], "edges": [],
        "output": "{{ steps.work.output }}"})


def test_compilation_screen_saves_shows_issues_and_enables_run(signed_in, user, worker):
    page = signed_in
    workflow = workflow_create(owner=user, definition=load_example("hello-transform"))
    page.goto(f"{page.base}/workflows/{workflow.pk}/")
    status = page.locator("#compile-status [data-state]")
    expect(status).to_have_attribute("data-state", "success")
    expect(page.get_by_role("button", name="Run…")).to_be_enabled()
    definition = json.loads(page.evaluate("RE.editor.text()"))
    definition["edges"].append({"id": "bad", "source": "greet", "target": "nowhere"})
    page.evaluate("text => RE.editor.setText(text)", json.dumps(definition, indent=2))
    page.get_by_role("button", name="Save and compile").click()
    expect(status).to_have_attribute("data-state", "error")
    expect(page.get_by_role("button", name="Run…")).to_be_disabled()
    issue = page.locator("#issues li").first
    expect(issue).to_contain_text("Invalid workflow structure")
    expect(issue.locator(".suggestion")).to_contain_text("Fix:")
    issue.get_by_role("button").click()
    expect(page.locator("#definition .cm-content")).to_be_focused()
    expect(page.locator("#definition .cm-marked-line")).to_contain_text('"target": "nowhere"')
    page.locator("#artifact summary").click()
    expect(page.locator("#revision")).to_have_text("2")
    expect(page.locator("#announcer")).to_contain_text("compilation failed")


def test_run_modal_generates_the_form_validates_and_starts(signed_in, user, worker):
    page = signed_in
    workflow = workflow_create(owner=user, definition=load_example("conditional-branches"))
    page.goto(f"{page.base}/workflows/{workflow.pk}/")
    page.get_by_role("button", name="Run…").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    score = dialog.get_by_label(re.compile("score"))
    expect(score).to_have_attribute("type", "number")
    expect(score).to_have_attribute("aria-required", "true")
    level = dialog.get_by_label(re.compile("level"))
    expect(level).to_have_js_property("tagName", "SELECT")
    dialog.get_by_role("button", name="Start").click()  # score missing: inline error
    expect(dialog.locator("#input-score-error")).not_to_be_empty()
    score.fill("92")
    dialog.get_by_role("button", name="Start").click()
    page.wait_for_url(re.compile(r"/executions/[0-9a-f-]+/$"))
    expect(page.locator("#exec-status .badge")).to_contain_text("succeeded", timeout=30_000)
    assert Execution.objects.get(workflow=workflow).inputs["score"] == 92


def test_monitor_colours_the_graph_live_and_controls_work(signed_in, user, worker):
    page = signed_in
    workflow = _python_workflow(user, "import time\ndef run(inputs, ctx):\n"
                                      "    time.sleep(30)\n    return 1\n", "slow",
                                timeout_seconds=60)
    execution = start(user, workflow.definition, slug="slow-run")
    page.goto(f"{page.base}/executions/{execution.pk}/")
    expect(page.locator("#steps tr[data-step=work] .badge")).to_contain_text("running",
                                                                           timeout=30_000)
    expect(page.locator("#graph .gnode[data-node=work]")).to_have_attribute("data-status", "running")
    page.get_by_role("button", name="Pause").click()
    expect(page.locator("#exec-status .badge")).to_contain_text("paused")
    page.get_by_role("button", name="Resume").click()
    expect(page.locator("#exec-status .badge")).to_contain_text("running")
    page.get_by_role("button", name="Cancel").click()
    expect(page.locator("#exec-status .badge")).to_contain_text("cancelled")
    expect(page.locator("#timeline")).to_contain_text("execution completed")
    expect(page.locator("#announcer")).to_contain_text("cancelled")


def test_history_filters_searches_and_reruns(signed_in, user, worker):
    page = signed_in
    done = finished(start(user, load_example("hello-transform"), inputs={"who": "H"}))
    page.goto(f"{page.base}/executions/")
    rows = page.locator("#history tbody tr")
    expect(rows).to_have_count(1)
    page.get_by_label("Status").select_option("failed")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_text("No executions match.")).to_be_visible()
    page.get_by_label("Status").select_option("")
    page.get_by_label("Search").fill(str(done.pk)[:8])
    page.get_by_role("button", name="Apply").click()
    expect(rows).to_have_count(1)
    rows.first.get_by_role("button", name=re.compile("Re-run")).click()
    page.wait_for_url(re.compile(r"/executions/[0-9a-f-]+/$"))
    expect(page.locator("#exec-status .badge")).to_contain_text("succeeded", timeout=30_000)
    rerun = Execution.objects.exclude(pk=done.pk).get()
    assert rerun.rerun_of_id == done.pk and rerun.inputs == done.inputs


def test_detail_shows_gantt_steps_inputs_and_output(signed_in, user, worker):
    page = signed_in
    execution = finished(start(user, load_example("parallel-fanout"), inputs={"n": 1000}))
    assert execution.status == "succeeded"
    page.goto(f"{page.base}/executions/{execution.pk}/")
    expect(page.locator("#steps tbody tr")).to_have_count(execution.steps.count())
    expect(page.locator("#output")).not_to_have_text("(not yet)")
    expect(page.locator("#inputs")).to_contain_text('"n": 1000')
    assert page.evaluate("() => Chart.getChart('gantt') !== undefined")


def test_step_debugging_and_error_handling_retry_with_edited_inputs(signed_in, user, worker):
    page = signed_in
    code = ("def run(inputs, ctx):\n    print('checking', inputs['ok'])\n"
            "    if not inputs['ok']:\n        raise ValueError('ok is false')\n    return 'done'\n")
    definition = {"name": "flaky", "nodes": [py_node("work", code, inputs={"ok": False})],
                  "edges": [], "output": "{{ steps.work.output }}"}
    first = finished(start(user, definition, slug="flaky"))
    second = finished(start(user, definition, slug="flaky2"))
    assert first.status == second.status == "failed"
    page.goto(f"{page.base}/executions/{first.pk}/steps/work/")
    expect(page.locator("#error-plain")).to_contain_text("code_error")
    expect(page.locator("#error-plain")).to_contain_text("What to do")
    expect(page.locator("#traceback")).to_contain_text("ok is false")
    expect(page.locator("#step-logs")).to_contain_text("checking False")
    expect(page.locator("#attempts tbody tr")).to_have_count(1)
    expect(page.locator("#pattern")).to_contain_text("also happened in 1 other run")
    page.get_by_label("Inputs (JSON)").fill('{"ok": true}')
    page.get_by_role("button", name="Retry and continue").click()
    expect(page.locator("#step-status .badge")).to_contain_text("succeeded", timeout=30_000)
    wait_until(lambda: Execution.objects.get(pk=first.pk).status == "succeeded")
    page.goto(f"{page.base}/executions/{second.pk}/steps/work/")
    expect(page.locator("#error-plain")).to_contain_text("ok is false")
    page.get_by_label(re.compile("Substitute output")).fill('"substitute"')
    page.get_by_role("button", name="Skip with this output").click()
    expect(page.locator("#step-status .badge")).to_contain_text("skipped")
    wait_until(lambda: Execution.objects.get(pk=second.pk).output == "substitute")


def test_live_logs_stream_filter_search_and_download(signed_in, user, worker):
    page = signed_in
    code = ("import time\ndef run(inputs, ctx):\n    for i in range(60):\n"
            "        print(f'tick {i}')\n        time.sleep(0.03)\n"
            "    ctx.log.warning('almost done')\n    return 1\n")
    execution = start(user, {"name": "ticks", "nodes": [py_node("work", code)], "edges": []},
                      slug="ticks")
    page.goto(f"{page.base}/executions/{execution.pk}/logs/")
    console = page.locator("#console")
    count = page.locator("#log-count")
    expect(count).to_contain_text("61 lines", timeout=30_000)  # every line, live, none lost
    expect(console).to_contain_text("tick 59")
    expect(page.locator("#live-badge")).to_contain_text("finished")
    page.get_by_label("Level").select_option("warning")
    expect(count).to_have_text("1 matching line")
    expect(console.locator(".line")).to_have_count(1)
    page.get_by_label("Level").select_option("debug")
    page.get_by_label("Search").fill("TICK 4")
    expect(console.locator("mark").first).to_have_text("tick 4")
    expect(console.locator(".line")).to_have_count(11)  # tick 4, 40-49
    with page.expect_download() as download:
        page.get_by_role("link", name="Download .log").click()
    assert "tick 59" in Path(download.value.path()).read_text()


def test_performance_screen_shows_breakdown_path_trends(signed_in, user, worker):
    page = signed_in
    execution = finished(start(user, load_example("parallel-fanout"), inputs={"n": 1000}))
    page.goto(f"{page.base}/executions/{execution.pk}/performance/")
    expect(page.locator("#critical-path")).to_contain_text("bottleneck")
    expect(page.locator("#breakdown tbody tr")).to_have_count(execution.steps.count())
    expect(page.locator("#trends tbody tr")).to_have_count(execution.steps.count())
    expect(page.locator("#trend-summary")).to_contain_text("1 recent runs")
    assert page.evaluate("() => Chart.getChart('trend-chart') !== undefined")


def test_settings_change_limits_and_keep_secrets_write_only(signed_in, user):
    page = signed_in
    page.goto(f"{page.base}/settings/")
    page.get_by_label("Executions running at once").fill("3")
    page.get_by_label("Debug mode").check()
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_role("status").first).to_contain_text("Saved.")
    expect(page.get_by_label("Executions running at once")).to_have_value("3")
    expect(page.get_by_label("Executions running at once")).to_have_accessible_description(
        "Executions running at once; the rest wait as queued, in order. Default: 10.")
    page.get_by_label("Name", exact=True).first.fill("API_TOKEN")
    page.locator("#env-value").fill("sup3r-s3cret")
    page.get_by_role("button", name="Save variable").click()
    expect(page.locator("main")).to_contain_text("API_TOKEN")
    assert "sup3r-s3cret" not in page.content()
    page.get_by_label("Executions running at once").fill("0")
    page.get_by_role("button", name="Save settings").click()
    expect(page.locator(".messages .error")).to_contain_text(
        "Executions running at once: must be between 1 and 10000")


def test_keyboard_navigation_and_landmarks(signed_in):
    page = signed_in
    page.goto(f"{page.base}/executions/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    assert page.locator("[aria-live]").count() >= 1
