"""The MCP server at /mcp/ of a running daphne, with a real worker, through the official SDK's
client over streamable HTTP: tools listed per owner (secret values never shown), a workflow
called as a tool with progress, secrets masked in what it answers, approvals listed and
answered, and no token or a bad one refused clearly."""

from __future__ import annotations

import json

import httpx
import httpx2
import pytest
from asgiref.sync import sync_to_async
from knox.models import AuthToken
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from apps.executions.models import Execution
from apps.workflows import services
from tests.conftest import load_example
from tests.factories import make_user

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow, pytest.mark.asyncio]

SECRET = "s3cr3t-value-for-the-test"
GREETER = {
    "name": "Greeter", "description": "Greets with a key",
    "input_schema": {"type": "object", "required": ["who"], "properties": {
        "who": {"type": "string"},
        "api_key": {"type": "string", "format": "password", "default": SECRET}}},
    "nodes": [
        {"id": "greet", "type": "transform", "position": {"x": 0, "y": 0},
         "data": {"config": {"value": {"text": "Hello, {{ inputs.who }}!",
                                       "key": "{{ inputs.api_key }}"}}}},
        {"id": "shout", "type": "transform", "position": {"x": 0, "y": 100},
         "data": {"config": {"value": "{{ steps.greet.output.text | upper }}"}}}],
    "edges": [{"id": "e1", "source": "greet", "target": "shout"}],
    "output": {"shout": "{{ steps.shout.output }}", "key": "{{ steps.greet.output.key }}"},
}


def _setup() -> dict:
    alice, bob = make_user(username="alice"), make_user(username="bob")
    services.workflow_create(owner=alice, definition=GREETER, slug="greeter")
    services.workflow_create(owner=alice, definition=load_example("deploy-with-approval"),
                             slug="deploy")
    broken = {**load_example("hello-transform"), "nodes": [{"id": "x", "type": "nope"}]}
    services.workflow_create(owner=alice, definition=broken, slug="broken")
    return {"alice": AuthToken.objects.create(user=alice, expiry=None)[1],
            "bob": AuthToken.objects.create(user=bob, expiry=None)[1]}


def _client(daphne, token: str) -> Client:  # type: ignore[no-untyped-def]
    http = httpx2.AsyncClient(headers={"Authorization": f"Bearer {token}"}, timeout=60)
    return Client(streamable_http_client(f"{daphne.url}/mcp/", http_client=http))


async def test_tools_are_the_owners_runnable_workflows_and_a_call_answers_the_output(
        worker, daphne):
    tokens = await sync_to_async(_setup)()
    async with _client(daphne, tokens["alice"]) as alice:
        # when
        listed = {tool.name: tool for tool in (await alice.list_tools()).tools}
        progress: list[tuple[float, float | None, str | None]] = []

        async def on_progress(done: float, total: float | None, message: str | None) -> None:
            progress.append((done, total, message))

        result = await alice.call_tool("greeter", {"who": "Ada", "api_key": "typed-by-hand"},
                                       progress_callback=on_progress)
    # then: runnable workflows only, and the built-in tools
    assert sorted(listed) == ["approvals.answer", "approvals.list", "deploy",
                              "executions.get", "greeter"]
    schema = listed["greeter"].input_schema
    assert schema["required"] == ["who"] and schema["properties"]["api_key"]["writeOnly"]
    assert SECRET not in json.dumps(schema) and "default" not in schema["properties"]["api_key"]
    assert listed["greeter"].description.startswith("Greets with a key")
    # the output, with the secret input masked wherever it would appear
    assert not result.is_error
    body = result.structured_content
    assert body["status"] == "succeeded"
    assert body["output"] == {"shout": "HELLO, ADA!", "key": "••••••"}
    assert body["inputs"]["api_key"] == "••••••"
    assert "typed-by-hand" not in json.dumps(body) + result.content[0].text
    assert [p[:2] for p in progress] == [(1, 2), (2, 2)]
    assert progress[-1][2] == "shout: completed"
    execution = await sync_to_async(Execution.objects.get)(pk=body["execution_id"])
    assert execution.trigger == "mcp"


async def test_an_approval_is_listed_and_answered_through_tools(worker, daphne):
    tokens = await sync_to_async(_setup)()
    async with _client(daphne, tokens["alice"]) as alice:
        # when: the run stops at its approval and the call answers at once with its id
        started = (await alice.call_tool("deploy", {"version": "1.2"})).structured_content
        waiting = (await alice.call_tool("approvals.list", {})).structured_content
        bad = await alice.call_tool("approvals.answer", {
            "execution_id": started["execution_id"], "step_id": "approve", "approve": True,
            "data": {}})
        answered = (await alice.call_tool("approvals.answer", {
            "execution_id": started["execution_id"], "step_id": "approve", "approve": True,
            "data": {"ticket": "CHG-42"}})).structured_content
        for _ in range(100):
            final = (await alice.call_tool("executions.get", {
                "execution_id": started["execution_id"]})).structured_content
            if final["status"] == "succeeded":
                break
    # then
    assert started["status"] == "running" and started["waiting_for_approval"] == ["approve"]
    assert [(a["execution_id"], a["step_id"]) for a in waiting["approvals"]] == [
        (started["execution_id"], "approve")]
    assert bad.is_error and "ticket" in json.dumps(bad.structured_content)
    assert answered["execution_id"] == started["execution_id"]
    assert final["output"]["ticket"] == "CHG-42" and final["output"]["approved_by"] == "alice"


async def test_another_owner_sees_none_and_cannot_call_or_read_them(worker, daphne):
    tokens = await sync_to_async(_setup)()
    async with _client(daphne, tokens["alice"]) as alice:
        run = (await alice.call_tool("greeter", {"who": "Ada"})).structured_content
    async with _client(daphne, tokens["bob"]) as bob:
        listed = [tool.name for tool in (await bob.list_tools()).tools]
        with pytest.raises(Exception, match="No tool named 'greeter'"):
            await bob.call_tool("greeter", {"who": "Eve"})
        read = await bob.call_tool("executions.get", {"execution_id": run["execution_id"]})
    assert listed == ["approvals.list", "approvals.answer", "executions.get"]
    assert read.is_error and read.structured_content["error"]["code"] == "not_found"


async def test_bad_inputs_are_a_tool_error_naming_the_field(worker, daphne):
    tokens = await sync_to_async(_setup)()
    async with _client(daphne, tokens["alice"]) as alice:
        result = await alice.call_tool("greeter", {"who": 42})
    assert result.is_error
    assert "who" in result.structured_content["error"]["fields"]


async def test_no_token_or_a_bad_one_is_refused_clearly(daphne):
    message = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
    headers = {"Accept": "application/json, text/event-stream"}
    async with httpx.AsyncClient(base_url=daphne.url) as http:
        missing = await http.post("/mcp/", json=message, headers=headers)
        wrong = await http.post("/mcp/", json=message, headers={
            **headers, "Authorization": "Bearer not-a-token"})
    for response in (missing, wrong):
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        error = response.json()["error"]
        assert error["code"] == "not_authenticated" and "Authorization: Bearer" in error[
            "suggestion"]
    assert "No API token" in missing.json()["error"]["message"]
    assert "not valid" in wrong.json()["error"]["message"]
