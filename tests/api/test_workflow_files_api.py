"""Workflows as files over the API (what CI calls with a token): export, apply with a plan,
dry runs, refusals in the error shape with the whole plan, and ownership."""

from __future__ import annotations

import json

import pytest

from apps.workflows.models import Workflow
from tests.api.conftest import create_workflow

pytestmark = pytest.mark.django_db


def test_export_then_apply_the_same_files_changes_nothing(api):
    # given
    create_workflow(api)
    exported = api.get("/api/v1/workflows/export/").json()["files"]
    # when
    response = api.post("/api/v1/workflows/apply/", {"files": exported}, format="json")
    # then
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["applied"] and body["ok"] and not body["dry_run"]
    assert [(w["slug"], w["action"]) for w in body["workflows"]] == [
        ("hello-transform", "unchanged")]


def test_apply_answers_the_plan_and_a_dry_run_keeps_nothing(api):
    # given
    exported = api.get("/api/v1/workflows/export/").json()["files"]
    assert exported == {}
    created = create_workflow(api)
    files = api.get("/api/v1/workflows/export/").json()["files"]
    body = json.loads(files["hello-transform.json"])
    body["description"] = "Greets, from Git"
    files["hello-transform.json"] = json.dumps(body)
    # when
    dry = api.post("/api/v1/workflows/apply/", {"files": files, "dry_run": True},
                   format="json").json()
    # then
    assert not dry["applied"] and dry["dry_run"] and dry["ok"]
    change = dry["workflows"][0]
    assert change["action"] == "update" and change["changes"] == ["~ description"]
    assert change["status"] == "success" and change["revision"] == 1  # same definition
    assert Workflow.objects.get(pk=created["id"]).revision == 1
    applied = api.post("/api/v1/workflows/apply/", {"files": files}, format="json").json()
    assert applied["applied"] and Workflow.objects.get(pk=created["id"]).description == \
        "Greets, from Git"


def test_a_refused_apply_is_a_400_with_the_plan(api):
    # given
    create_workflow(api)
    broken = {"definition": {"nodes": [{"id": "x", "type": "nope"}], "edges": []}}
    # when
    response = api.post("/api/v1/workflows/apply/", {"files": {"broken.json": json.dumps(
        broken)}, "prune": True}, format="json")
    # then
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "apply_refused" and "broken.json" in error["fields"]
    actions = {w["slug"]: (w["action"], w["status"]) for w in error["plan"]["workflows"]}
    assert actions == {"broken": ("create", "error"), "hello-transform": ("delete", None)}
    assert Workflow.objects.filter(slug="hello-transform").exists()
    assert not Workflow.objects.filter(slug="broken").exists()


def test_unreadable_files_and_bad_bodies_are_400s(api):
    response = api.post("/api/v1/workflows/apply/", {"files": {"a.json": "{"}}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_files"
    assert "a.json" in response.json()["error"]["fields"]
    response = api.post("/api/v1/workflows/apply/", {"files": ["a.json"]}, format="json")
    assert response.status_code == 400 and "files" in response.json()["error"]["fields"]


def test_apply_sees_only_your_own_workflows(api, other_api):
    # given: bob has a workflow; alice prunes everything she has no file for
    theirs = create_workflow(other_api)
    # when
    response = api.post("/api/v1/workflows/apply/", {"files": {}, "prune": True},
                        format="json")
    # then
    assert response.status_code == 200 and response.json()["workflows"] == []
    assert Workflow.objects.filter(pk=theirs["id"]).exists()
    assert other_api.get("/api/v1/workflows/export/").json()["files"].keys() == {
        "hello-transform.json"}
    assert api.get("/api/v1/workflows/export/").json()["files"] == {}
