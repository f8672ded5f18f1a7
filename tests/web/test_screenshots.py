"""Every screen renders without a script error; its screenshot is kept in
docs/screenshots/ when UPDATE_SCREENSHOTS=1 (the README shows them)."""

from __future__ import annotations

import os
import shutil

import pytest

from apps.runtime.services import env_var_upsert, runtime_setting_set
from apps.workflows.services import workflow_create
from tests.conftest import ROOT, load_example
from tests.executions.helpers import finished, py_node, start

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

FAILING = ("def run(inputs, ctx):\n    rows = inputs['rows']\n    print('checking', len(rows), 'rows')\n"
           "    return sum(r['amount'] for r in rows)\n")


def test_every_screen_renders_and_is_captured(signed_in, user, worker, tmp_path):
    page = signed_in
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.set_viewport_size({"width": 1280, "height": 900})
    runtime_setting_set(owner=user, key="debug_mode", value=True)
    env_var_upsert(owner=user, name="API_TOKEN", value="t0ken-value", is_secret=True)
    fanout = finished(start(user, load_example("parallel-fanout"), inputs={"n": 20000}))
    broken = {"name": "Sum orders", "nodes": [py_node("total", FAILING, inputs={
        "rows": [{"amount": 1}, {"amt": 2}]})], "edges": []}
    failed = finished(start(user, broken, slug="sum-orders"))
    workflow = workflow_create(owner=user, definition=load_example("conditional-branches"))
    shots = {
        "01-compilation": f"/workflows/{workflow.pk}/",
        "03-monitor": f"/executions/{fanout.pk}/",
        "04-history": "/executions/",
        "05-detail": f"/executions/{fanout.pk}/#gantt-heading",
        "06-step-debugging": f"/executions/{fanout.pk}/steps/squares/",
        "07-live-logs": f"/executions/{failed.pk}/logs/",
        "08-error-handling": f"/executions/{failed.pk}/steps/total/",
        "09-performance": f"/executions/{fanout.pk}/performance/",
        "10-settings": "/settings/",
    }
    for name, path in shots.items():
        page.goto(page.base + path)
        page.wait_for_load_state("networkidle")
        page.screenshot(path=tmp_path / f"{name}.png", full_page=name != "07-live-logs")
    page.goto(f"{page.base}/workflows/{workflow.pk}/")
    page.get_by_role("button", name="Run…").click()
    page.get_by_role("dialog").get_by_role("button", name="Start").click()
    page.screenshot(path=tmp_path / "02-run-modal.png")
    assert not [e for e in errors if "WebSocket" not in e], errors
    assert len(list(tmp_path.glob("*.png"))) == 10
    if os.environ.get("UPDATE_SCREENSHOTS"):
        target = ROOT / "docs" / "screenshots"
        target.mkdir(parents=True, exist_ok=True)
        for shot in tmp_path.glob("*.png"):
            shutil.copy(shot, target / shot.name)
