"""In a real browser, the smaller defects a builder met on one walk through the web app, each
checked as that builder would see it: the approvals badge stays current, a step page offers
only what applies, a bad cron is shown at its field, the webhook's curl line works as shown,
the workflow list runs a workflow, big integers stay exact, a failed run's output says what
happened, the Gantt after a skip, and debug mode's variables and profile as tables."""

from __future__ import annotations

import re
import shlex
import time

import httpx
import pytest
from playwright.sync_api import expect

from apps.executions.models import Execution, StepAttempt, StepRun
from apps.executions.services import step_skip
from apps.runtime.services import runtime_setting_set
from apps.workflows.services import workflow_create
from tests.conftest import load_example, wait_until
from tests.executions.helpers import finished, py_node, start

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

BIG = 63999968000004000000000000  # past 2**53: JSON.parse alone shows 6.3999968000004e+25
FAILING = "def run(inputs, ctx):\n    raise ValueError('the data is bad')\n"


def _waiting(execution: Execution) -> StepRun:
    return wait_until(lambda: StepRun.objects.filter(execution=execution, step_id="approve",
                                                     status="waiting").first(), timeout=30)


def test_the_approvals_badge_follows_waits_and_decisions_without_a_reload(signed_in, worker,
                                                                          user):
    page = signed_in
    page.goto(f"{page.base}/executions/")
    page.evaluate("window.notReloaded = true")
    approvals = page.get_by_role("navigation", name="Main").get_by_role(
        "link", name=re.compile("^Approvals"))
    expect(approvals).to_have_text("Approvals")
    # given a run that starts waiting for a person while the page is open
    execution = start(user, load_example("deploy-with-approval"), {"version": "4.0"})
    _waiting(execution)
    # then the badge counts it, with no reload
    expect(approvals).to_contain_text("1", timeout=45_000)
    assert page.evaluate("window.notReloaded === true")
    # when it is approved on the monitor
    page.goto(f"{page.base}/executions/{execution.pk}/")
    page.evaluate("window.notReloaded = true")
    expect(approvals).to_contain_text("1")
    panel = page.locator("#approvals-panel")
    panel.get_by_label("ticket").fill("CHG-40")
    panel.get_by_role("button", name="Approve").click()
    # then the badge is gone at once, the page not reloaded
    expect(page.locator("#exec-status")).to_contain_text("succeeded")
    expect(approvals).to_have_text("Approvals")
    assert page.evaluate("window.notReloaded === true")


def test_a_succeeded_steps_page_offers_no_retry_or_skip_and_says_why(signed_in, worker, user):
    page = signed_in
    done = finished(start(user, load_example("hello-transform"), {"who": "Ada"}))
    assert done.status == "succeeded"
    page.goto(f"{page.base}/executions/{done.pk}/steps/greet/")
    expect(page.locator("#step-status")).to_contain_text("succeeded")
    expect(page.get_by_text("This step succeeded; retry applies to failed steps")).to_be_visible()
    expect(page.get_by_role("button", name="Retry and continue")).to_be_hidden()
    expect(page.get_by_role("button", name="Skip with this output")).to_be_hidden()
    expect(page.locator("main button:disabled")).to_have_count(0)


def test_a_bad_cron_is_shown_at_its_field_keeping_the_text_and_the_place(signed_in, user):
    page = signed_in
    workflow = workflow_create(owner=user, slug="hello",
                               definition=load_example("hello-transform"))
    page.goto(f"{page.base}/workflows/{workflow.pk}/")
    form = page.locator("#schedule-form")
    form.get_by_label("Cron expression").fill("61 * * * *")
    form.get_by_label("Time zone").fill("Europe/Berlin")
    form.get_by_role("button", name="Add schedule").click()
    cron = page.locator("#schedule-form").get_by_label("Cron expression")
    expect(cron).to_have_value("61 * * * *")
    expect(cron).to_have_attribute("aria-invalid", "true")
    expect(cron).to_have_accessible_description(re.compile("not valid"))
    expect(page.locator("#schedule-form").get_by_label("Time zone")).to_have_value(
        "Europe/Berlin")
    expect(page.locator("#schedule-form")).to_be_in_viewport()
    expect(page.locator("main > .messages .error")).to_have_count(0)


def _send_curl_line(line: str) -> httpx.Response:
    """What the shown curl line sends, sent by Python (to loopback)."""
    words = shlex.split(line)
    assert words[0] == "curl"
    method, url, headers, body = "GET", "", {}, None
    args = iter(words[1:])
    for word in args:
        if word == "-X":
            method = next(args)
        elif word == "-H":
            name, _, value = next(args).partition(":")
            headers[name.strip()] = value.strip()
        elif word in ("-d", "--data", "--data-raw"):
            body = next(args)
            method = "POST" if method == "GET" else method
        else:
            url = word
    return httpx.request(method, url, headers=headers, content=body, timeout=10)


def test_the_webhooks_curl_line_starts_a_workflow_with_required_inputs(signed_in, worker,
                                                                        user):
    page = signed_in
    workflow = workflow_create(owner=user, slug="cond",
                               definition=load_example("conditional-branches"))
    page.goto(f"{page.base}/workflows/{workflow.pk}/")
    page.get_by_role("button", name="Create a webhook").click()
    sent = _send_curl_line(page.locator("#hook-curl").inner_text())
    assert sent.status_code == 202, sent.text
    started = finished(Execution.objects.get(pk=sent.json()["execution_id"]))
    assert started.trigger == "webhook" and started.status == "succeeded"


def test_the_workflow_lists_run_button_opens_the_run_form_and_starts(signed_in, worker, user):
    page = signed_in
    workflow = workflow_create(owner=user, slug="cond",
                               definition=load_example("conditional-branches"))
    page.goto(f"{page.base}/")
    row = page.locator("tr", has_text="Conditional branches")
    row.get_by_role("button", name=re.compile("^Run")).click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_label(re.compile("score")).fill("92")
    dialog.get_by_role("button", name="Start").click()
    page.wait_for_url(re.compile(r"/executions/[0-9a-f-]+/$"))
    expect(page.locator("#exec-status .badge")).to_contain_text("succeeded", timeout=30_000)
    run = Execution.objects.get(workflow=workflow)
    assert run.inputs["score"] == 92 and run.trigger == "manual"
    page.goto(f"{page.base}/")
    expect(page.locator("tr", has_text="Conditional branches")).to_contain_text("✔ succeeded")


def test_big_integers_are_shown_exactly_in_outputs_inputs_and_steps(signed_in, worker, user):
    page = signed_in
    code = ("def run(inputs, ctx):\n"
            "    return {'big': inputs['n'], 'negative': -inputs['n'] - 1, 'half': 0.5}\n")
    execution = finished(start(user, {
        "name": "big", "nodes": [py_node("work", code, inputs={"n": "{{ inputs.n }}"})],
        "edges": [], "input_schema": {"type": "object", "properties": {
            "n": {"type": "integer"}}}, "output": "{{ steps.work.output }}"},
        inputs={"n": BIG}, slug="big"))
    assert execution.status == "succeeded" and execution.output["big"] == BIG
    page.goto(f"{page.base}/executions/{execution.pk}/")
    expect(page.locator("#output")).to_contain_text(f'"big": {BIG}')
    expect(page.locator("#output")).to_contain_text(f'"negative": -{BIG + 1}')
    expect(page.locator("#output")).to_contain_text('"half": 0.5')
    expect(page.locator("#inputs")).to_contain_text(f'"n": {BIG}')
    expect(page.locator("#steps tr[data-step=work]")).to_contain_text(str(BIG))
    page.goto(f"{page.base}/executions/{execution.pk}/steps/work/")
    expect(page.locator("#step-output")).to_contain_text(f'"big": {BIG}')
    expect(page.locator("#step-inputs")).to_contain_text(f'"n": {BIG}')
    assert "e+25" not in page.locator("main").inner_text()
    # the reader keeps strings, floats and small numbers as they were, and round-trips
    text = ('{"a": -123456789012345678901, "s": "12345678901234567890 \\" 99999999999999999",'
            ' "f": 1.5e+300, "ok": 9007199254740991, "list": [1, 12345678901234567890123]}')
    assert page.evaluate("t => JSON.stringify(RE.parse(t))", text) == text.replace(": ", ":")\
        .replace(", ", ",")
    # and a big integer typed into the run form reaches the server whole
    page.goto(f"{page.base}/")
    page.locator("tr", has_text="big").get_by_role("button", name=re.compile("^Run")).click()
    page.get_by_role("dialog").get_by_label("n", exact=True).fill(str(BIG + 2))
    page.get_by_role("dialog").get_by_role("button", name="Start").click()
    page.wait_for_url(re.compile(r"/executions/[0-9a-f-]+/$"))
    typed = Execution.objects.exclude(pk=execution.pk).get(workflow=execution.workflow)
    assert typed.inputs["n"] == BIG + 2


def test_a_failed_runs_output_says_what_happened(signed_in, worker, user):
    page = signed_in
    failed = finished(start(user, {"name": "fails", "nodes": [py_node("work", FAILING)],
                                   "edges": []}, slug="fails"))
    assert failed.status == "failed"
    page.goto(f"{page.base}/executions/{failed.pk}/")
    expect(page.locator("#exec-status")).to_contain_text("failed")
    expect(page.locator("#output")).to_have_text("none: the execution failed at step work")


def test_the_gantt_draws_a_skipped_steps_attempt_and_its_skip_apart(signed_in, worker, user):
    page = signed_in
    execution = finished(start(user, {
        "name": "skip later", "nodes": [
            py_node("work", FAILING),
            {"id": "after", "type": "transform", "position": {"x": 0, "y": 100},
             "data": {"config": {"value": "{{ steps.work.output }}"}}}],
        "edges": [{"id": "e", "source": "work", "target": "after"}]}, slug="skip-later"))
    assert execution.status == "failed"
    time.sleep(1.5)  # a person takes a while to decide: the step sits failed meanwhile
    step_skip(execution=execution, step_id="work", output="substitute")
    assert finished(execution).status == "succeeded"
    step = StepRun.objects.get(execution=execution, step_id="work")
    attempt = StepAttempt.objects.get(step_run=step)
    origin = min(s.queued_at or s.started_at for s in execution.steps.all() if s.started_at)
    idle_middle_ms = ((attempt.finished_at - origin) + (step.finished_at - origin)
                      ).total_seconds() * 1000 / 2
    page.goto(f"{page.base}/executions/{execution.pk}/")
    # every bar of the chart as {step, from, to, label}, whatever the data layout
    bars = """() => { const chart = Chart.getChart('gantt'); if (!chart) return [];
        return chart.data.datasets.flatMap((d) => d.data.map((v, i) => Array.isArray(v)
          ? { step: chart.data.labels[i], from: v[0], to: v[1], label: d.label }
          : { step: v.y, from: v.x[0], to: v.x[1], label: d.label })); }"""
    page.wait_for_function(f"() => ({bars})().some((b) => b.step === 'work'"
                           " && /skipped/.test(b.label))", timeout=20_000)
    expect(page.locator("#live-badge")).to_contain_text("finished")  # every event replayed
    page.wait_for_load_state("networkidle")  # and the chart drawn again from them
    work = [b for b in page.evaluate(bars) if b["step"] == "work"]
    assert not [b for b in work if b["from"] < idle_middle_ms < b["to"]], work
    ran = [b for b in work if re.search("failed", b["label"])]
    assert len(ran) == 1 and ran[0]["to"] < idle_middle_ms


def test_debug_mode_shows_variables_and_the_profile_as_tables(signed_in, worker, user):
    page = signed_in
    runtime_setting_set(owner=user, key="debug_mode", value=True)
    code = ("def helper(n):\n    return sum(range(n))\n\n"
            "def run(inputs, ctx):\n    total = helper(10)\n    label = 'x' * 3\n"
            "    return total\n")
    execution = finished(start(user, {"name": "dbg", "nodes": [py_node("calc", code)],
                                      "edges": []}, slug="dbg"))
    page.goto(f"{page.base}/executions/{execution.pk}/steps/calc/")
    variables = page.get_by_role("table", name="Variables")
    expect(variables.locator("tbody tr")).to_have_count(3)  # inputs, total, label
    expect(variables.locator("tbody tr", has_text="total")).to_contain_text("int")
    expect(variables.locator("tbody tr", has_text="total")).to_contain_text("45")
    expect(variables.locator("tbody tr", has_text="label")).to_contain_text("'xxx'")
    profile = page.get_by_role("table", name="Profile")
    expect(profile.locator("tbody tr", has_text="helper")).to_contain_text("node calc, line 1")
    expect(profile.locator("tbody tr", has_text="run")).to_contain_text("node calc, line 4")
    debug = page.locator("#debug").inner_text()
    assert "Context object" not in debug and "ctx" not in debug
    assert ".py" not in debug and "/usr/" not in debug and "built-in" not in debug
