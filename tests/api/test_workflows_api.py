"""Workflows over the API: CRUD with compilation, compile, compilations, presets, schema."""

from __future__ import annotations

import copy

import pytest

from tests.api.conftest import create_workflow
from tests.conftest import load_example

pytestmark = pytest.mark.django_db


def test_create_compiles_and_returns_the_compilation_result(api):
    body = create_workflow(api)
    assert body["slug"] == "hello-transform" and body["revision"] == 1 and body["runnable"]
    result = body["compilation"]
    assert result["status"] == "success" and result["revision"] == 1
    assert "def step_" in result["artifacts"]["generated_code"]
    assert set(result) >= {"id", "workflow_id", "timestamp", "duration_ms", "issues",
                           "compiler_version"}


def test_create_refuses_a_bad_body_with_field_errors(api):
    response = api.post("/api/v1/workflows/", {"name": "x"}, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and "definition" in error["fields"]
    response = api.post("/api/v1/workflows/", {"definition": [1, 2]}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"].get("definition") or \
        response.json()["error"]["fields"].get("name")


def test_a_definition_with_errors_is_saved_but_not_runnable(api):
    definition = load_example("hello-transform")
    definition["edges"].append({"id": "bad", "source": "nowhere", "target": "nope"})
    body = create_workflow(api, definition)
    assert not body["runnable"] and body["compilation"]["status"] == "error"
    issue = body["compilation"]["issues"][0]
    assert issue["code"] == "syntax_error" and issue["suggestion"]


def test_duplicate_slug_is_a_clear_400(api):
    create_workflow(api)
    response = api.post("/api/v1/workflows/", {"definition": load_example("hello-transform")},
                        format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "duplicate_slug"


def test_update_is_a_new_revision_and_compiles(api):
    workflow = create_workflow(api)
    definition = copy.deepcopy(workflow["definition"])
    definition["description"] = "changed"
    definition["nodes"][0]["data"]["label"] = "Renamed"
    response = api.put(f"/api/v1/workflows/{workflow['id']}/", {"definition": definition},
                       format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["revision"] == 2 and body["compilation"]["revision"] == 2
    response = api.patch(f"/api/v1/workflows/{workflow['id']}/", {"name": "Hi"}, format="json")
    assert response.json()["name"] == "Hi" and response.json()["revision"] == 2
    compilations = api.get(f"/api/v1/workflows/{workflow['id']}/compilations/").json()
    assert [c["revision"] for c in compilations["results"]] == [2, 2, 1]


def test_list_search_retrieve_delete(api):
    created = create_workflow(api)
    create_workflow(api, load_example("conditional-branches"))
    listing = api.get("/api/v1/workflows/").json()
    assert listing["count"] == 2 and {w["status"] for w in listing["results"]} == {"success"}
    found = api.get("/api/v1/workflows/", {"search": "hello"}).json()["results"]
    assert [w["id"] for w in found] == [created["id"]]
    assert api.get(f"/api/v1/workflows/{created['id']}/").json()["definition"]
    assert api.delete(f"/api/v1/workflows/{created['id']}/").status_code == 204
    assert api.get(f"/api/v1/workflows/{created['id']}/").status_code == 404


def test_compile_again(api):
    workflow = create_workflow(api)
    response = api.post(f"/api/v1/workflows/{workflow['id']}/compile/")
    assert response.status_code == 200 and response.json()["status"] == "success"


def test_presets_never_keep_secret_inputs(api):
    workflow = create_workflow(api, load_example("order-digest"))
    url = f"/api/v1/workflows/{workflow['id']}/presets/"
    response = api.post(url, {"name": "shop", "inputs": {"base_url": "http://127.0.0.1:1",
                                                        "api_key": "sk-very-secret"}},
                        format="json")
    assert response.status_code == 201, response.content
    assert response.json()["inputs"] == {"base_url": "http://127.0.0.1:1"}
    presets = api.get(url).json()["results"]
    assert [p["name"] for p in presets] == ["shop"]
    assert "sk-very-secret" not in str(api.get(url).content)
    assert api.delete(f"{url}{presets[0]['id']}/").status_code == 204
    assert api.post(url, {"inputs": []}, format="json").status_code == 400


def test_workflow_definition_schema_is_served(api):
    schema = api.get("/api/v1/workflow-schema/").json()
    assert schema["$schema"].startswith("https://json-schema.org/") and "nodes" in str(schema)


def test_metrics_of_a_workflow_without_runs(api):
    workflow = create_workflow(api)
    body = api.get(f"/api/v1/workflows/{workflow['id']}/metrics/").json()
    assert body["runs"] == 0 and body["success_rate"] is None and body["steps"] == []


def test_insight_endpoints(api, user):
    from apps.workflows.models import Workflow
    from tests.executions.test_insights import DIAMOND, _run

    body = create_workflow(api, DIAMOND)
    workflow = Workflow.objects.get(pk=body["id"])
    runs = [_run(workflow, {"start": {"run": 10}, "fast": {"queued": 10, "run": 5},
                            "slow": {"queued": 10, "run": 300},
                            "join": {"queued": 310, "status": "failed", "run": 1,
                                     "error": {"type": "code_error",
                                               "message": f"bad row {i}"}}},
                 ago_s=i, status="failed") for i in range(6)]
    trends = api.get(f"/api/v1/workflows/{workflow.pk}/metrics/", {"runs": 5}).json()
    assert trends["runs"] == 5 and trends["failed"] == 5
    assert {s["step_id"]: s["failure_rate"] for s in trends["steps"]}["join"] == 1.0
    assert any(r["rule"] == "dominates_critical_path" for r in trends["recommendations"])
    assert api.get(f"/api/v1/workflows/{workflow.pk}/metrics/", {"runs": "x"}
                   ).status_code == 400
    metrics = api.get(f"/api/v1/executions/{runs[0].pk}/metrics/").json()
    assert metrics["critical_path"][-1] == "join" and metrics["bottleneck"]["step_id"] == "slow"
    assert metrics["error_patterns"][0]["other_runs"] == 5
    patterns = api.get("/api/v1/error-patterns/", {"workflow": workflow.pk}).json()
    assert patterns[0]["count"] == 6 and patterns[0]["pattern"] == "bad row <n>"
    assert api.get("/api/v1/error-patterns/", {"workflow": "abc"}).status_code == 400
