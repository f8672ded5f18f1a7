"""Priority over the API: by name on starts, reruns, schedules and the webhook."""

from __future__ import annotations

import uuid

import pytest

from tests.api.conftest import create_workflow


def _one_step() -> dict:
    return {"name": f"prio-{uuid.uuid4().hex[:6]}", "edges": [], "nodes": [
        {"id": "work", "type": "transform", "data": {"config": {"value": 1}}}]}


@pytest.mark.django_db
def test_the_api_takes_and_shows_priority_by_name(api):
    workflow = create_workflow(api, _one_step())
    started = api.post(f"/api/v1/workflows/{workflow['id']}/executions/",
                       {"priority": "high"}, format="json")
    assert started.status_code == 201, started.content
    assert started.json()["priority"] == "high"
    default = api.post(f"/api/v1/workflows/{workflow['id']}/executions/", {}, format="json")
    assert default.json()["priority"] == "normal"
    wrong = api.post(f"/api/v1/workflows/{workflow['id']}/executions/",
                     {"priority": "urgent"}, format="json")
    assert wrong.status_code == 400
    assert "priority" in wrong.json()["error"]["fields"]
    listed = api.get("/api/v1/executions/?page_size=5").json()["results"]
    assert {row["priority"] for row in listed} == {"high", "normal"}
    rerun = api.post(f"/api/v1/executions/{started.json()['execution_id']}/rerun/",
                     {"priority": "low"}, format="json")
    assert rerun.json()["priority"] == "low"
    schedule = api.post(f"/api/v1/workflows/{workflow['id']}/schedules/",
                        {"interval_seconds": 60, "priority": "low"}, format="json")
    assert schedule.status_code == 201 and schedule.json()["priority"] == "low"
    api.post(f"/api/v1/workflows/{workflow['id']}/webhook/")
    changed = api.patch(f"/api/v1/workflows/{workflow['id']}/webhook/", {"priority": "high"},
                        format="json")
    assert changed.status_code == 200 and changed.json()["priority"] == "high"
