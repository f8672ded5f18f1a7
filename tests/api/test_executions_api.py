"""Executions over the API with a real worker: start, history, controls, steps, logs."""

from __future__ import annotations

import json
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.executions.models import Execution
from tests.api.conftest import create_workflow
from tests.conftest import load_example, wait_until
from tests.executions.helpers import py_node

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def _done(api, execution_id: str, timeout: float = 60) -> dict:
    def finished() -> dict | None:
        body = api.get(f"/api/v1/executions/{execution_id}/").json()
        return body if body["status"] in ("succeeded", "failed", "cancelled") else None

    return wait_until(finished, timeout=timeout, interval=0.2)


def _python_workflow(api, code: str, slug: str, schema: dict | None = None, **node) -> dict:
    definition = {"name": slug, "nodes": [py_node("work", code, **node)], "edges": [],
                  "input_schema": schema or {"type": "object", "properties": {}},
                  "output": "{{ steps.work.output }}"}
    return create_workflow(api, definition, slug=slug)


def test_start_runs_and_returns_the_execution_context(api, worker):
    workflow = create_workflow(api)
    response = api.post(f"/api/v1/workflows/{workflow['id']}/executions/",
                        {"inputs": {"who": "api"}}, format="json")
    assert response.status_code == 201, response.content
    started = response.json()
    assert started["metadata"]["trigger"] == "api" and started["metadata"]["version"] == 1
    assert started["inputs"]["who"] == "api" and set(started["step_results"])
    body = _done(api, started["execution_id"])
    assert body["status"] == "succeeded" and "api" in json.dumps(body["output"])
    result = next(iter(body["step_results"].values()))
    assert result["status"] == "succeeded" and result["attempts"] == 1
    assert result["logs"].startswith(f"/api/v1/executions/{started['execution_id']}/logs/")
    assert result["duration_ms"] is not None and result["started_at"]


def test_start_refuses_bad_inputs_per_field_and_unrunnable_workflows(api):
    workflow = create_workflow(api, load_example("conditional-branches"))
    url = f"/api/v1/workflows/{workflow['id']}/executions/"
    response = api.post(url, {"inputs": {"score": "high", "level": "nope"}}, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "input_validation" and set(error["fields"]) == {"score", "level"}
    assert api.post(url, {"inputs": [1]}, format="json").status_code == 400
    definition = load_example("hello-transform")
    definition["edges"].append({"id": "bad", "source": "a", "target": "b"})
    broken = create_workflow(api, definition, slug="broken")
    response = api.post(f"/api/v1/workflows/{broken['id']}/executions/", {}, format="json")
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "not_runnable" and error["issues"][0]["code"] == "syntax_error"
    assert Execution.objects.count() == 0


def test_idempotency_key_starts_once(api, worker):
    workflow = create_workflow(api)
    url = f"/api/v1/workflows/{workflow['id']}/executions/"
    first = api.post(url, {"inputs": {}, "idempotency_key": "k-1"}, format="json").json()
    second = api.post(url, {"inputs": {}, "idempotency_key": "k-1"}, format="json").json()
    assert first["execution_id"] == second["execution_id"]


def test_file_inputs_are_handed_to_steps_by_reference(api, worker):
    schema = {"type": "object", "required": ["doc"],
              "properties": {"doc": {"type": "string", "format": "file"}}}
    workflow = _python_workflow(
        api, "def run(inputs, ctx):\n    return {'name': inputs['doc']['name'], "
             "'size': inputs['doc']['size']}\n", "files", schema,
        inputs={"doc": "{{ inputs.doc }}"})
    upload = SimpleUploadedFile("report.txt", b"hello file", content_type="text/plain")
    response = api.post(f"/api/v1/workflows/{workflow['id']}/executions/",
                        {"inputs": "{}", "doc": upload}, format="multipart")
    assert response.status_code == 201, response.content
    body = _done(api, response.json()["execution_id"])
    assert body["status"] == "succeeded", body
    assert body["output"] == {"name": "report.txt", "size": 10}
    assert body["inputs"]["doc"]["name"] == "report.txt"
    response = api.post(f"/api/v1/workflows/{workflow['id']}/executions/",
                        {"inputs": {"doc": "00000000-0000-0000-0000-000000000000"}},
                        format="json")
    assert response.status_code == 400 and "doc" in response.json()["error"]["fields"]


def test_history_filters_search_ordering_and_cursor_pages(api, worker):
    workflow = create_workflow(api)
    other = create_workflow(api, load_example("conditional-branches"))
    ids = [api.post(f"/api/v1/workflows/{workflow['id']}/executions/", {"inputs": {}},
                    format="json").json()["execution_id"] for _ in range(3)]
    api.post(f"/api/v1/workflows/{other['id']}/executions/", {"inputs": {"score": 90}},
             format="json")
    for execution_id in ids:
        _done(api, execution_id)
    page = api.get("/api/v1/executions/", {"workflow": workflow["id"], "page_size": 2}).json()
    assert [r["execution_id"] for r in page["results"]] == ids[::-1][:2]
    rest = api.get(page["next"]).json()
    assert [r["execution_id"] for r in rest["results"]] == [ids[0]]
    assert api.get("/api/v1/executions/", {"status": "succeeded",
                                           "workflow": workflow["id"]}).json()["results"]
    assert api.get("/api/v1/executions/", {"status": "bogus"}).status_code == 400
    found = api.get("/api/v1/executions/", {"search": ids[1][:8]}).json()["results"]
    assert [r["execution_id"] for r in found] == [ids[1]]
    by_name = api.get("/api/v1/executions/", {"search": "conditional"}).json()["results"]
    assert len(by_name) == 1 and by_name[0]["workflow_name"]
    ordered = api.get("/api/v1/executions/", {"ordering": "duration_ms"}).json()["results"]
    durations = [r["duration_ms"] if r["duration_ms"] is not None else -1 for r in ordered]
    assert durations == sorted(durations)
    assert api.get("/api/v1/executions/", {"ordering": "-started_at"}).status_code == 200
    assert api.get("/api/v1/executions/", {"cursor": "garbage"}).status_code == 404


def test_pause_resume_cancel_and_rerun(api, worker):
    workflow = _python_workflow(api, "import time\ndef run(inputs, ctx):\n"
                                     "    time.sleep(30)\n    return 1\n", "sleeper",
                                timeout_seconds=60)
    started = api.post(f"/api/v1/workflows/{workflow['id']}/executions/", {},
                       format="json").json()
    base = f"/api/v1/executions/{started['execution_id']}"
    wait_until(lambda: api.get(f"{base}/steps/work/").json()["status"] == "running")
    paused = api.post(f"{base}/pause/")
    assert paused.status_code == 200 and paused.json()["status"] == "paused"
    assert api.post(f"{base}/pause/").json()["status"] == "paused"  # twice is fine
    assert api.post(f"{base}/resume/").json()["status"] == "running"
    begun = time.monotonic()
    cancelled = api.post(f"{base}/cancel/").json()
    assert cancelled["status"] == "cancelled"
    assert api.post(f"{base}/cancel/").json()["status"] == "cancelled"
    wait_until(lambda: api.get(f"{base}/steps/work/").json()["status"] == "cancelled",
               timeout=10)
    assert time.monotonic() - begun < 10
    conflict = api.post(f"{base}/pause/")
    assert conflict.status_code == 409 and conflict.json()["error"]["code"] == \
        "invalid_transition"
    rerun = api.post(f"{base}/rerun/", {}, format="json")
    assert rerun.status_code == 201
    assert rerun.json()["metadata"]["rerun_of"] == started["execution_id"]
    api.post(f"/api/v1/executions/{rerun.json()['execution_id']}/cancel/")


def test_failed_step_retry_with_new_inputs_then_logs(api, worker):
    code = ("def run(inputs, ctx):\n"
            "    for i in range(5):\n        print(f'line {i}')\n"
            "    ctx.log.warning('careful')\n"
            "    if not inputs.get('ok'):\n        raise ValueError('not ok yet')\n"
            "    return inputs['ok']\n")
    workflow = _python_workflow(api, code, "flaky", inputs={"ok": False})
    started = api.post(f"/api/v1/workflows/{workflow['id']}/executions/", {},
                       format="json").json()
    body = _done(api, started["execution_id"])
    assert body["status"] == "failed"
    base = f"/api/v1/executions/{started['execution_id']}"
    step = api.get(f"{base}/steps/work/").json()
    assert step["status"] == "failed" and step["error"]["type"] == "code_error"
    assert step["error"]["suggestion"] and step["attempt_list"][0]["status"] == "failed"
    assert api.post(f"{base}/steps/work/retry/", {"timeout_seconds": "x"},
                    format="json").status_code == 400
    retried = api.post(f"{base}/steps/work/retry/", {"inputs": {"ok": "yes"}}, format="json")
    assert retried.status_code == 200, retried.content
    body = _done(api, started["execution_id"])
    assert body["status"] == "succeeded" and body["output"] == "yes"
    steps = api.get(f"{base}/steps/").json()
    assert [s["attempts"] for s in steps] == [2]
    logs = api.get(f"{base}/logs/").json()["results"]
    assert [line["message"] for line in logs[:5]] == [f"line {i}" for i in range(5)]
    warnings = api.get(f"{base}/logs/", {"level": "warning"}).json()["results"]
    assert {line["message"] for line in warnings} == {"careful"}
    assert [x["message"] for x in api.get(f"{base}/logs/", {"search": "LINE 3"}).json()[
        "results"]][:1] == ["line 3"]
    after = api.get(f"{base}/logs/", {"after": logs[2]["seq"], "step": "work"}).json()
    assert after["results"][0]["seq"] == logs[3]["seq"]
    text = api.get(f"{base}/logs/", {"format": "text"})
    assert text.status_code == 200 and "attachment" in text["Content-Disposition"]
    assert b"line 4" in b"".join(text.streaming_content)
    jsonl = api.get(f"{base}/logs/", {"format": "jsonl", "level": "warning"})
    lines = [json.loads(x) for x in b"".join(jsonl.streaming_content).splitlines()]
    assert {x["message"] for x in lines} == {"careful"}
    assert api.get(f"{base}/logs/", {"format": "xml"}).status_code == 400


def test_skip_a_failed_step_with_a_substitute_output(api, worker):
    workflow = _python_workflow(api, "def run(inputs, ctx):\n    raise RuntimeError('no')\n",
                                "skipper")
    started = api.post(f"/api/v1/workflows/{workflow['id']}/executions/", {},
                       format="json").json()
    _done(api, started["execution_id"])
    base = f"/api/v1/executions/{started['execution_id']}"
    skipped = api.post(f"{base}/steps/work/skip/", {"output": {"sub": 1}}, format="json")
    assert skipped.status_code == 200 and skipped.json()["status"] == "skipped"
    body = _done(api, started["execution_id"])
    assert body["status"] == "succeeded" and body["output"] == {"sub": 1}
    again = api.post(f"{base}/steps/work/skip/", {"output": {"sub": 1}}, format="json")
    assert again.status_code == 200
    assert api.get(f"/api/v1/workflows/{workflow['id']}/metrics/").json()["runs"] == 1


def test_retry_on_a_new_revision_fix_and_resume(api, worker):
    broken = "def run(inputs, ctx):\n    return inputs['x']['y']\n"
    workflow = _python_workflow(api, broken, "fixable", inputs={"x": {"z": 1}})
    started = api.post(f"/api/v1/workflows/{workflow['id']}/executions/", {},
                       format="json").json()
    assert _done(api, started["execution_id"])["status"] == "failed"
    definition = api.get(f"/api/v1/workflows/{workflow['id']}/").json()["definition"]
    definition["nodes"][0]["data"]["config"]["code"] = (
        "def run(inputs, ctx):\n    return inputs['x']['z']\n")
    saved = api.patch(f"/api/v1/workflows/{workflow['id']}/", {"definition": definition},
                      format="json").json()
    assert saved["revision"] == 2
    base = f"/api/v1/executions/{started['execution_id']}"
    for bad, code in (({"revision": "two"}, 400), ({"revision": 7}, 400)):
        refused = api.post(f"{base}/steps/work/retry/", bad, format="json")
        assert refused.status_code == code and refused.json()["error"]["fields"]["revision"]
    retried = api.post(f"{base}/steps/work/retry/", {"revision": 2}, format="json")
    assert retried.status_code == 200, retried.content
    body = _done(api, started["execution_id"])
    assert body["status"] == "succeeded" and body["output"] == 1
    assert body["metadata"]["version"] == 2
    assert [r["to"] for r in body["metadata"]["revisions"]] == [2]
    attempts = api.get(f"{base}/steps/work/").json()["attempt_list"]
    assert [(a["number"], a["revision"]) for a in attempts] == [(1, 1), (2, 2)]
    definition["nodes"].append({"id": "new", "type": "transform", "data": {"config": {
        "value": 1}}})
    api.patch(f"/api/v1/workflows/{workflow['id']}/", {"definition": definition}, format="json")
    done = api.post(f"{base}/steps/work/retry/", {"revision": 3}, format="json")
    assert done.status_code == 409  # succeeded, so nothing to retry


def test_a_steps_detail_says_which_actions_apply_and_why_not(api, worker):
    workflow = create_workflow(api, load_example("hello-transform"), slug="hello-actions")
    started = api.post(f"/api/v1/workflows/{workflow['id']}/executions/",
                       {"inputs": {"who": "Ada"}}, format="json").json()
    assert _done(api, started["execution_id"])["status"] == "succeeded"
    detail = api.get(f"/api/v1/executions/{started['execution_id']}/steps/greet/").json()
    assert detail["actions"] == {
        "retry": {"applies": False,
                  "why": "This step succeeded; retry applies to failed steps."},
        "skip": {"applies": False,
                 "why": "This step succeeded; skip applies to failed steps and to steps "
                        "that have not run yet."}}
