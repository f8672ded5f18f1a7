"""Clients that follow an execution's stream the way a careful integration does: on any lost
connection they reconnect from the last sequence they hold (`?after=` / `Last-Event-ID`)."""

from __future__ import annotations

import asyncio
import json
import time

import httpx
import websockets


async def follow_ws(base: str, execution_id: str, token: str,
                     received: list[dict], deadline: float) -> int:
    """Follow the stream, reconnecting with ?after= whenever the server goes away; returns
    how many times it had to reconnect."""
    reconnects = -1
    while time.monotonic() < deadline:
        after = received[-1]["seq"] if received else 0
        url = (f"{base.replace('http', 'ws')}/ws/executions/{execution_id}/?after={after}")
        reconnects += 1
        try:
            async with websockets.connect(url, origin=base, open_timeout=5, additional_headers={
                    "Authorization": f"Token {token}"}) as socket:
                try:
                    async for message in socket:
                        event = json.loads(message)
                        event["_received"] = time.time()  # for latency figures (bench/soak)
                        received.append(event)
                except websockets.ConnectionClosed:
                    pass
                if socket.close_code == 4000:
                    return reconnects
        except (OSError, websockets.InvalidHandshake, TimeoutError):
            pass
        await asyncio.sleep(0.2)
    raise AssertionError(f"websocket client did not reach the end ({len(received)} events)")


async def follow_sse(base: str, execution_id: str, token: str,
                      received: list[dict], deadline: float) -> int:
    reconnects = -1
    async with httpx.AsyncClient(base_url=base,
                                 headers={"Authorization": f"Token {token}"}) as client:
        while time.monotonic() < deadline:
            headers = {"Last-Event-ID": str(received[-1]["seq"])} if received else {}
            reconnects += 1
            try:
                async with client.stream("GET", f"/api/v1/executions/{execution_id}/events/",
                                         headers=headers, timeout=30) as response:
                    assert response.status_code == 200
                    fields: dict[str, str] = {}
                    async for line in response.aiter_lines():
                        if line == "":
                            if fields.get("event") == "end":
                                return reconnects
                            if "data" in fields:
                                received.append(json.loads(fields["data"]))
                            fields = {}
                        elif not line.startswith(":") and ": " in line:
                            key, value = line.split(": ", 1)
                            fields[key] = value
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.2)
    raise AssertionError(f"SSE client did not reach the end ({len(received)} events)")
