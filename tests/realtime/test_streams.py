"""WebSocket and SSE consumers with Channels' test tools, over the real Redis layer:
replay, resume, live relay, gap filling, the final close, and refusals."""

from __future__ import annotations

import asyncio
import json

import pytest
from asgiref.sync import sync_to_async
from channels.testing import HttpCommunicator, WebsocketCommunicator
from django.utils import timezone

from apps.executions.models import ExecutionEvent
from apps.workflows import services as workflow_services
from config.asgi import application
from tests.factories import make_execution, make_user, transform_definition
from tests.realtime.conftest import ORIGIN, emit, record_events, session_cookie, token_header

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


async def _ws(path: str, *headers) -> WebsocketCommunicator:  # type: ignore[no-untyped-def]
    communicator = WebsocketCommunicator(application, path, headers=[ORIGIN, *headers])
    connected, _ = await communicator.connect(timeout=10)
    assert connected
    return communicator


async def _receive_all(communicator: WebsocketCommunicator, timeout: float = 10) -> tuple[
        list[dict], int | None]:
    received = []
    while True:
        message = await communicator.receive_output(timeout)
        if message["type"] == "websocket.close":
            return received, message.get("code")
        received.append(json.loads(message["text"]))


async def test_finished_execution_replays_everything_then_closes(user):
    execution = await sync_to_async(make_execution)(owner=user, status="succeeded")
    for kind in ["execution_started", "step_started", "step_completed"]:
        await emit(execution.pk, kind)
    await emit(execution.pk, "execution_completed", status="succeeded")
    header = await sync_to_async(token_header)(user)
    communicator = await _ws(f"/ws/executions/{execution.pk}/", header)
    events, code = await _receive_all(communicator)
    assert [e["seq"] for e in events] == [1, 2, 3, 4] and code == 4000
    assert events[-1]["type"] == "execution_completed"
    assert set(events[0]) == {"seq", "execution_id", "timestamp", "type", "step_id", "data",
                              "duration"}
    communicator = await _ws(f"/ws/executions/{execution.pk}/?after=2", header)
    events, _ = await _receive_all(communicator)
    assert [e["seq"] for e in events] == [3, 4]


async def test_live_events_follow_the_replay_once_in_order_and_gaps_are_filled(client, user):
    execution = await sync_to_async(make_execution)(owner=user)
    await emit(execution.pk, "execution_started")
    await emit(execution.pk, "step_started")
    cookie = await sync_to_async(session_cookie)(client, user)
    communicator = await _ws(f"/ws/executions/{execution.pk}/", cookie)
    first = [json.loads((await communicator.receive_output(10))["text"]) for _ in range(2)]
    assert [e["seq"] for e in first] == [1, 2]
    await asyncio.sleep(0.3)  # the group subscription is live
    await emit(execution.pk, "logs", lines=[])
    # A frame lost on the way (e.g. Redis restarted): stored, never published.
    await sync_to_async(_store_silently)(execution, 4)
    await emit(execution.pk, "step_completed")  # seq 5 arrives; 4 must be read first
    await emit(execution.pk, "execution_completed", status="succeeded")
    events, code = await _receive_all(communicator)
    assert [e["seq"] for e in events] == [3, 4, 5, 6] and code == 4000
    assert events[1]["type"] == "metrics"


def _store_silently(execution, seq: int) -> None:  # type: ignore[no-untyped-def]
    type(execution).objects.filter(pk=execution.pk).update(last_event_seq=seq)
    ExecutionEvent.objects.create(execution=execution, seq=seq, type="metrics",
                                  timestamp=timezone.now(), data={})


async def test_refusals_close_with_codes(user):
    execution = await sync_to_async(make_execution)(owner=user)
    stranger = await sync_to_async(make_user)(username="mallory")
    header = await sync_to_async(token_header)(stranger)
    for path, headers, code in [
        (f"/ws/executions/{execution.pk}/", [header], 4404),
        (f"/ws/executions/{execution.pk}/", [], 4401),
        (f"/ws/executions/{execution.pk}/?after=x", [header], 4400),
        (f"/ws/workflows/{execution.workflow_id}/", [header], 4404),
        ("/ws/workflows/999999/", [], 4401),
    ]:
        communicator = await _ws(path, *headers)
        message = await communicator.receive_output(10)
        assert message == {"type": "websocket.close", "code": code}, path
    evil = WebsocketCommunicator(application, f"/ws/executions/{execution.pk}/",
                                 headers=[(b"origin", b"http://evil.example"), header])
    connected, _ = await evil.connect(timeout=10)
    assert not connected


async def test_workflow_socket_sends_state_then_compilations(user):
    execution = await sync_to_async(make_execution)(owner=user)
    header = await sync_to_async(token_header)(user)
    communicator = await _ws(f"/ws/workflows/{execution.workflow_id}/", header)
    state = await communicator.receive_json_from(10)
    assert state["type"] == "compilation_state" and state["data"]["status"] == "success"
    await asyncio.sleep(0.3)
    workflow = execution.workflow
    await sync_to_async(workflow_services.workflow_update)(
        workflow=workflow, definition=transform_definition("changed"))
    started = await communicator.receive_json_from(10)
    completed = await communicator.receive_json_from(10)
    assert [started["type"], completed["type"]] == ["compilation_started",
                                                    "compilation_completed"]
    assert completed["data"]["revision"] == 2
    await communicator.disconnect()


def _sse_frames(body: bytes) -> list[dict]:
    frames = []
    for block in body.decode().split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines()
                      if ": " in line and not line.startswith(":"))
        if "data" in fields:
            frames.append(fields)
    return frames


async def _sse(path: str, *headers) -> dict:  # type: ignore[no-untyped-def]
    communicator = HttpCommunicator(application, "GET", path,
                                    headers=[(b"host", b"127.0.0.1"), *headers])
    # Read the messages ourselves: Django ends a stream with a body-less message (valid ASGI),
    # which HttpCommunicator.get_response() does not accept.
    await communicator.send_input({"type": "http.request", "body": b""})
    response = await communicator.receive_output(20)
    response["body"] = b""
    while True:
        chunk = await communicator.receive_output(20)
        response["body"] += chunk.get("body", b"")
        if not chunk.get("more_body", False):
            return response


async def test_sse_replays_a_finished_execution_and_honours_last_event_id(user):
    execution = await sync_to_async(make_execution)(owner=user, status="failed")
    for kind in ["execution_started", "step_started", "step_failed"]:
        await emit(execution.pk, kind)
    await emit(execution.pk, "execution_completed", status="failed")
    header = await sync_to_async(token_header)(user)
    response = await _sse(f"/api/v1/executions/{execution.pk}/events/", header)
    assert response["status"] == 200
    assert dict(response["headers"])[b"Content-Type"] == b"text/event-stream"
    frames = _sse_frames(response["body"])
    assert [f.get("id") for f in frames] == ["1", "2", "3", "4", None]
    assert frames[0]["event"] == "execution_started" and frames[-1]["event"] == "end"
    assert json.loads(frames[3]["data"])["data"] == {"status": "failed"}
    response = await _sse(f"/api/v1/executions/{execution.pk}/events/", header,
                          (b"last-event-id", b"3"))
    assert [f.get("id") for f in _sse_frames(response["body"])] == ["4", None]


async def test_sse_refusals(user):
    execution = await sync_to_async(make_execution)(owner=user)
    stranger = await sync_to_async(make_user)(username="mallory")
    header = await sync_to_async(token_header)(stranger)
    path = f"/api/v1/executions/{execution.pk}/events/"
    assert (await _sse(path, header))["status"] == 404
    anonymous = await _sse(path)
    assert anonymous["status"] == 401
    assert json.loads(anonymous["body"])["error"]["code"] == "not_authenticated"
    own = await sync_to_async(token_header)(user)
    assert (await _sse(path + "?after=-4", own))["status"] == 400


@sync_to_async
def _commit_together(execution_id, *kinds: str) -> None:  # type: ignore[no-untyped-def]
    """Several events in one unit of work, as a step's commit records them: one pub/sub
    message for the execution (a `realtime.events` batch)."""
    record_events(execution_id, *((kind, {"status": "succeeded"} if kind ==
                                   "execution_completed" else {}) for kind in kinds))


async def test_a_commits_batch_reaches_websocket_and_sse_clients_once_in_order(user):
    execution = await sync_to_async(make_execution)(owner=user)
    await emit(execution.pk, "execution_started")
    header = await sync_to_async(token_header)(user)
    socket = await _ws(f"/ws/executions/{execution.pk}/", header)
    assert json.loads((await socket.receive_output(10))["text"])["seq"] == 1
    sse = asyncio.create_task(_sse(f"/api/v1/executions/{execution.pk}/events/", header))
    await asyncio.sleep(0.5)  # both group subscriptions are live
    await _commit_together(execution.pk, "step_started", "step_completed", "step_queued")
    await _commit_together(execution.pk, "step_started", "step_completed",
                           "execution_completed")
    events, code = await _receive_all(socket)
    assert [e["seq"] for e in events] == [2, 3, 4, 5, 6, 7] and code == 4000
    assert events[-1]["type"] == "execution_completed"
    frames = _sse_frames((await sse)["body"])
    assert [f.get("id") for f in frames] == ["1", "2", "3", "4", "5", "6", "7", None]
