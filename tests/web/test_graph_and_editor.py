"""The graph component and the editor screen in Chromium (docs/web-app.md): boxes that never
overlap for any example, branch labels, pan, zoom and keyboard; the JSON editor with issues
at their lines, an issue selecting its node and line, a python node's code in its own pane
written back into the definition."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from apps.workflows.models import Workflow
from apps.workflows.services import workflow_create
from tests.conftest import EXAMPLES, example_names, load_example
from tests.executions.helpers import finished, start

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

BROKEN = sorted(p.stem for p in (EXAMPLES / "broken").glob("*.json"))


def _boxes(page, count: int, selector: str = "#graph .gnode") -> dict[str, dict]:  # type: ignore[no-untyped-def]
    expect(page.locator(selector)).to_have_count(count)
    return {node.get_attribute("data-node"): node.bounding_box()
            for node in page.locator(selector).all()}


def _overlap(a: dict, b: dict) -> bool:
    return (a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"]
            and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"])


def test_no_two_boxes_overlap_for_any_example(signed_in, user):
    page = signed_in
    page.set_viewport_size({"width": 1400, "height": 900})
    definitions = {name: load_example(name) for name in example_names()}
    definitions |= {f"broken/{name}": json.loads((EXAMPLES / "broken" / f"{name}.json")
                                                 .read_text()) for name in BROKEN}
    for name, definition in definitions.items():
        workflow = workflow_create(owner=user, definition=definition,
                                   slug=re.sub(r"[^a-z0-9]+", "-", name))
        page.goto(f"{page.base}/workflows/{workflow.pk}/")
        expect(page.locator("#compile-status [data-state]")).not_to_have_attribute(
            "data-state", "compiling")
        boxes = _boxes(page, len(definition["nodes"]))
        assert set(boxes) == {n["id"] for n in definition["nodes"]}, name
        frame = page.locator("#graph").bounding_box()
        for node_id, box in boxes.items():  # fitted: every box inside the graph's frame
            assert box["width"] > 60 and box["height"] > 20, (name, node_id, box)
            assert frame["x"] <= box["x"] and box["x"] + box["width"] <= frame["x"] + frame["width"] + 1
            assert frame["y"] <= box["y"] and box["y"] + box["height"] <= frame["y"] + frame["height"] + 1
        ids = sorted(boxes)
        for i, first in enumerate(ids):
            for second in ids[i + 1:]:
                assert not _overlap(boxes[first], boxes[second]), (name, first, second)


def test_positions_at_one_spot_are_laid_out_in_layers(signed_in, user):
    page = signed_in
    definition = load_example("parallel-fanout")
    for node in definition["nodes"]:
        node["position"] = {"x": 0, "y": 0}
    workflow = workflow_create(owner=user, definition=definition)
    page.goto(f"{page.base}/workflows/{workflow.pk}/")
    boxes = _boxes(page, 5)
    assert boxes["start"]["y"] < boxes["cubes"]["y"] < boxes["join"]["y"]
    assert not _overlap(boxes["squares"], boxes["cubes"])


def test_branch_labels_pan_zoom_and_keyboard(signed_in, user):
    page = signed_in
    workflow = workflow_create(owner=user, definition=load_example("conditional-branches"))
    page.goto(f"{page.base}/workflows/{workflow.pk}/")
    labels = page.locator("#graph svg text")
    expect(labels).to_have_count(2)
    assert sorted(labels.all_text_contents()) == ["false", "true"]
    canvas = page.locator("#graph .graph-canvas")
    before = page.locator("#graph .gnode[data-node=check]").bounding_box()
    page.get_by_role("button", name="Zoom in").click()
    after = page.locator("#graph .gnode[data-node=check]").bounding_box()
    assert after["width"] > before["width"] * 1.1
    page.locator("#graph").scroll_into_view_if_needed()
    after = page.locator("#graph .gnode[data-node=check]").bounding_box()
    frame = page.locator("#graph").bounding_box()  # drag the background: everything moves
    page.mouse.move(frame["x"] + 10, frame["y"] + 10)
    page.mouse.down()
    page.mouse.move(frame["x"] + 90, frame["y"] + 40, steps=4)
    page.mouse.up()
    moved = page.locator("#graph .gnode[data-node=check]").bounding_box()
    assert moved["x"] == pytest.approx(after["x"] + 80, abs=2)
    assert "translate" in canvas.get_attribute("style")
    page.get_by_role("button", name="Fit the graph to the view").click()
    # Keyboard: the first node takes focus, arrows move to the nearest node that way.
    check = page.locator("#graph .gnode[data-node=check]")
    check.focus()
    page.keyboard.press("ArrowDown")
    focused = page.evaluate("document.activeElement.dataset.node")
    assert focused in ("pass", "fail")
    page.keyboard.press("ArrowRight" if focused == "pass" else "ArrowLeft")
    assert page.evaluate("document.activeElement.dataset.node") in ("pass", "fail")
    assert page.evaluate("document.activeElement.dataset.node") != focused
    page.keyboard.press("End")
    assert page.evaluate("document.activeElement.dataset.node") == "result"
    expect(page.locator("#graph .gnode[data-node=pass]")).to_have_accessible_description(
        re.compile("Reached by the true branch of check"))


def test_an_issue_selects_its_node_and_its_line_and_opens_the_code(signed_in, user):
    page = signed_in
    definition = json.loads((EXAMPLES / "broken" / "syntax_error.json").read_text())
    definition["nodes"].insert(0, {"id": "first", "type": "transform", "position": {"x": 0, "y": -120},
                                   "data": {"config": {"value": 1}}})
    definition["edges"] = [{"id": "e", "source": "first", "target": "compute"}]
    workflow = workflow_create(owner=user, definition=definition)
    page.goto(f"{page.base}/workflows/{workflow.pk}/")
    expect(page.locator("#compile-status [data-state]")).to_have_attribute("data-state", "error")
    expect(page.locator("#graph .gnode[data-node=compute]")).to_have_class(re.compile("has-issues"))
    expect(page.locator("#definition .cm-lint-marker-error")).to_have_count(1)
    page.locator("#issues li button").first.click()
    expect(page.locator("#graph .gnode[data-node=compute]")).to_have_class(re.compile("selected"))
    expect(page.locator("#definition .cm-marked-line")).to_contain_text('"code"')
    expect(page.locator("#code-pane")).to_be_visible()
    assert page.evaluate("RE.pythonEditor.markedLine") == 2
    expect(page.locator("#python-editor .cm-marked-line")).to_contain_text("return (1 +")
    expect(page.locator("#python-editor .cm-content")).to_be_focused()
    # Fix the code in its own pane: the JSON gets it with real newlines escaped, once.
    page.evaluate("RE.pythonEditor.setText('def run(inputs, ctx):\\n    return (1 + 2)\\n', {quiet: false})")
    text = page.evaluate("RE.editor.text()")
    assert json.loads(text)["nodes"][1]["data"]["config"]["code"] == \
        "def run(inputs, ctx):\n    return (1 + 2)\n"
    assert text.splitlines()[0] == "{"  # the rest kept its layout
    page.get_by_role("button", name="Save and compile").click()
    expect(page.locator("#compile-status [data-state]")).to_have_attribute("data-state", "success")
    assert Workflow.objects.get(pk=workflow.pk).revision == 2
    # Clicking another node in the graph closes the code pane and marks that node's line.
    page.locator("#graph .gnode[data-node=first]").click()
    expect(page.locator("#code-pane")).to_be_hidden()
    expect(page.locator("#definition .cm-marked-line")).to_contain_text('"first"')


def test_invalid_json_is_marked_where_it_breaks(signed_in, user):
    page = signed_in
    workflow = workflow_create(owner=user, definition=load_example("hello-transform"))
    page.goto(f"{page.base}/workflows/{workflow.pk}/")
    expect(page.locator("#compile-status [data-state]")).to_have_attribute("data-state", "success")
    page.locator("#definition .cm-content").click()
    page.keyboard.press("Control+End")
    page.keyboard.type(",,")
    expect(page.locator("#definition .cm-lint-marker-error")).to_have_count(1)
    page.keyboard.press("Control+s")
    expect(page.locator("#editor-error")).to_contain_text("Not valid JSON")
    assert Workflow.objects.get(pk=workflow.pk).revision == 1


def test_monitor_graph_shows_status_and_duration_and_opens_a_step(signed_in, user, worker):
    page = signed_in
    execution = finished(start(user, load_example("parallel-fanout"), inputs={"n": 2000}))
    page.goto(f"{page.base}/executions/{execution.pk}/")
    node = page.locator("#graph .gnode[data-node=squares]")
    expect(node).to_have_attribute("data-status", "succeeded")
    expect(node.locator(".gstatus")).to_contain_text(re.compile(r"succeeded · \d+(\.\d)? (ms|s)"))
    expect(node).to_have_accessible_name(re.compile(r"Sum of squares \(python step\) ✔ succeeded · \d"))
    expect(node).to_have_accessible_description(re.compile("Enter to open its step"))
    boxes = _boxes(page, 5)
    assert not _overlap(boxes["squares"], boxes["cubes"])
    node.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/steps/squares/$"))


def test_one_formatter_for_durations_and_times(signed_in, user, worker):
    page = signed_in
    done = finished(start(user, load_example("hello-transform"), inputs={"who": "T"}))
    assert page.evaluate("""[RE.duration(480), RE.duration(41432), RE.duration(123000),
        RE.duration(3900000), RE.duration(null), RE.ago(new Date(Date.now() - 180000)),
        RE.ago(new Date(Date.now() + 7200000))]""") == [
        "480 ms", "41.4 s", "2 min 3 s", "1 h 5 min", "–", "3 min ago", "in 2 h"]
    page.goto(f"{page.base}/executions/")
    row = page.locator("#history tbody tr").first
    expect(row.locator("time")).to_contain_text(re.compile(r"\((just now|\d+ s ago)\)"))
    expect(row.locator("[data-ms]")).to_have_text(re.compile(r"^\d+ ms$|^\d+\.\d s$"))
    assert "UTC" in row.locator("time").get_attribute("title") or "Z" in row.locator(
        "time").get_attribute("title")
    page.goto(f"{page.base}/executions/{done.pk}/")
    expect(page.locator("#meta")).to_contain_text(re.compile(r"started .+ \((just now|\d+ s ago)\)"))
