"""Against a running daphne while a real worker runs workflows: a real WebSocket client and a
real SSE client each receive every event exactly once, in order, across a forced disconnect
and reconnect; and an integration's whole journey over HTTP with a token."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
import websockets
from asgiref.sync import sync_to_async
from knox.models import AuthToken

from apps.executions.models import ExecutionEvent
from tests.executions.helpers import py_node

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow, pytest.mark.asyncio]

CHATTY = ("import time\ndef run(inputs, ctx):\n    for i in range(40):\n"
          "        print(f'tick {i}')\n        time.sleep(0.05)\n    return 40\n")
FAILING_ONCE = ("def run(inputs, ctx):\n    print('checking', inputs['ok'])\n"
                "    if not inputs['ok']:\n        raise ValueError('ok is false')\n"
                "    return 'done'\n")


def _definition(slug: str, code: str, **node) -> dict:
    return {"name": slug, "nodes": [py_node("work", code, **node)], "edges": [],
            "output": "{{ steps.work.output }}"}


def _token(user) -> str:  # type: ignore[no-untyped-def]
    return AuthToken.objects.create(user=user, expiry=None)[1]


async def _sse_events(client: httpx.AsyncClient, url: str, last_id: int | None,
                      stop_after: int | None) -> tuple[list[dict], bool]:
    """Read frames until the end event (True) or `stop_after` events (False: we hang up)."""
    headers = {"Last-Event-ID": str(last_id)} if last_id is not None else {}
    received: list[dict] = []
    async with client.stream("GET", url, headers=headers, timeout=60) as response:
        assert response.status_code == 200
        fields: dict[str, str] = {}
        async for line in response.aiter_lines():
            if line == "":
                if fields.get("event") == "end":
                    return received, True
                if "data" in fields:
                    event = json.loads(fields["data"])
                    assert int(fields["id"]) == event["seq"]
                    received.append(event)
                    if stop_after is not None and len(received) >= stop_after:
                        return received, False
                fields = {}
            elif not line.startswith(":") and ": " in line:
                key, value = line.split(": ", 1)
                fields[key] = value
    return received, False


async def _ws_events(base: str, execution_id: str, token: str, after: int,
                     stop_after: int | None) -> tuple[list[dict], bool]:
    url = f"{base.replace('http', 'ws')}/ws/executions/{execution_id}/?after={after}"
    received: list[dict] = []
    async with websockets.connect(url, origin=base, additional_headers={
            "Authorization": f"Token {token}"}) as socket:
        try:
            async for message in socket:
                received.append(json.loads(message))
                if stop_after is not None and len(received) >= stop_after:
                    return received, False
        except websockets.ConnectionClosed:
            pass
        return received, socket.close_code == 4000


async def test_every_event_exactly_once_across_reconnects(user, worker, daphne):
    token = await sync_to_async(_token)(user)
    headers = {"Authorization": f"Token {token}"}
    async with httpx.AsyncClient(base_url=daphne.url, headers=headers) as client:
        created = await client.post("/api/v1/workflows/", json={
            "definition": _definition("chatty", CHATTY)})
        assert created.status_code == 201, created.text
        started = await client.post(f"/api/v1/workflows/{created.json()['id']}/executions/",
                                    json={"inputs": {}})
        execution_id = started.json()["execution_id"]
        events_url = f"/api/v1/executions/{execution_id}/events/"

        async def sse_client() -> list[dict]:
            first, ended = await _sse_events(client, events_url, None, stop_after=4)
            assert not ended
            rest, ended = await _sse_events(client, events_url, first[-1]["seq"], None)
            assert ended
            return first + rest

        async def ws_client() -> list[dict]:
            first, ended = await _ws_events(daphne.url, execution_id, token, 0, stop_after=3)
            assert not ended
            await asyncio.sleep(0.3)  # events keep coming while we are away
            rest, ended = await _ws_events(daphne.url, execution_id, token,
                                           first[-1]["seq"], None)
            assert ended
            return first + rest

        sse, ws = await asyncio.gather(sse_client(), ws_client())
    stored = await sync_to_async(lambda: list(
        ExecutionEvent.objects.filter(execution_id=execution_id).order_by("seq")
        .values_list("seq", flat=True)))()
    assert len(stored) > 10 and stored[-1] == len(stored)
    assert [e["seq"] for e in sse] == stored
    assert [e["seq"] for e in ws] == stored
    assert sse[-1]["type"] == "execution_completed"
    assert sse[-1]["data"]["status"] == "succeeded"
    lines = [line for e in sse if e["type"] == "logs" for line in e["data"]["lines"]]
    assert [line["message"] for line in lines] == [f"tick {i}" for i in range(40)]


async def test_integration_journey_over_http(user, worker, daphne):
    token = await sync_to_async(_token)(user)
    async with httpx.AsyncClient(base_url=daphne.url,
                                 headers={"Authorization": f"Token {token}"}) as api:
        definition = _definition("journey", FAILING_ONCE, inputs={"ok": "{{ inputs.ok }}"})
        definition["input_schema"] = {"type": "object", "required": ["ok"],
                                      "properties": {"ok": {"type": "boolean"}}}
        workflow = (await api.post("/api/v1/workflows/", json={"definition": definition})).json()
        compilation = (await api.get(f"/api/v1/workflows/{workflow['id']}/compilations/")
                       ).json()["results"][0]
        assert compilation["status"] == "success" and compilation["artifacts"]["generated_code"]
        bad = await api.post(f"/api/v1/workflows/{workflow['id']}/executions/",
                             json={"inputs": {"ok": "maybe"}})
        assert bad.status_code == 400 and "ok" in bad.json()["error"]["fields"]
        started = await api.post(f"/api/v1/workflows/{workflow['id']}/executions/",
                                 json={"inputs": {"ok": False}})
        execution_id = started.json()["execution_id"]
        events, ended = await _sse_events(api, f"/api/v1/executions/{execution_id}/events/",
                                          None, None)
        assert ended and events[-1]["data"]["status"] == "failed"
        assert "step_failed" in [e["type"] for e in events]
        step = (await api.get(f"/api/v1/executions/{execution_id}/steps/work/")).json()
        assert step["error"]["type"] == "code_error" and "ok is false" in step["error"][
            "message"]
        logs = (await api.get(f"/api/v1/executions/{execution_id}/logs/")).json()["results"]
        assert logs[0]["message"] == "checking False"
        retried = await api.post(f"/api/v1/executions/{execution_id}/steps/work/retry/",
                                 json={"inputs": {"ok": True}})
        assert retried.status_code == 200
        events, ended = await _sse_events(api, f"/api/v1/executions/{execution_id}/events/",
                                          events[-1]["seq"], None)
        assert ended and events[-1]["data"]["status"] == "succeeded"
        final = (await api.get(f"/api/v1/executions/{execution_id}/")).json()
        assert final["status"] == "succeeded" and final["output"] == "done"
        download = await api.get(f"/api/v1/executions/{execution_id}/logs/",
                                 params={"format": "text"})
        assert download.status_code == 200
        assert "filename=" in download.headers["content-disposition"]
        assert "checking False" in download.text and "checking True" in download.text
