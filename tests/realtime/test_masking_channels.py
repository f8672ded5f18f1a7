"""A secret transformed by user code is masked on every channel it could leave by: a table of
transformation x channel, with a fresh random secret each run, against a real worker and a
real daphne (output, log lines in the API, log downloads as text and JSON lines, the step's
error, and the events over SSE and WebSocket)."""

from __future__ import annotations

import asyncio
import base64
import json
import secrets
import time
import urllib.parse
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from asgiref.sync import sync_to_async
from knox.models import AuthToken

from apps.runtime import services as runtime_services
from tests.executions.helpers import py_node
from tests.faults.streams import follow_sse, follow_ws

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow, pytest.mark.asyncio]

# Each transformation: the code the step runs on the secret `s`, and the same in this test.
TRANSFORMATIONS: dict[str, tuple[str, Callable[[str], str]]] = {
    "exact": ("s", lambda s: s),
    "upper": ("s.upper()", str.upper),
    "lower": ("s.lower()", str.lower),
    "title": ("s.title()", str.title),
    "reversed": ("s[::-1]", lambda s: s[::-1]),
    "base64": ("base64.b64encode(s.encode()).decode()",
               lambda s: base64.b64encode(s.encode()).decode()),
    "base64url": ("base64.urlsafe_b64encode(s.encode()).decode().rstrip('=')",
                  lambda s: base64.urlsafe_b64encode(s.encode()).decode().rstrip("=")),
    "hex": ("s.encode().hex()", lambda s: s.encode().hex()),
    "url-encoded": ("urllib.parse.quote(s, safe='')",
                    lambda s: urllib.parse.quote(s, safe="")),
    "json-escaped": ("json.dumps(s)[1:-1]", lambda s: json.dumps(s)[1:-1]),
    "first 10 characters": ("s[:10]", lambda s: s[:10]),
    "12 from the middle": ("s[7:19]", lambda s: s[7:19]),
    "spaced out": ("' '.join(s)", " ".join),
    "first half (of a split)": ("s[:len(s) // 2]", lambda s: s[:len(s) // 2]),
    "second half (of a split)": ("s[len(s) // 2:]", lambda s: s[len(s) // 2:]),
}
CODE = (
    "import base64, json, urllib.parse\n\n"
    "def run(inputs, ctx):\n"
    "    s = inputs['secret']\n"
    "    forms = {\n"
    + "".join(f"        {name!r}: {expr},\n" for name, (expr, _) in TRANSFORMATIONS.items())
    + "    }\n"
    "    for name, form in forms.items():\n"
    "        print(name, '=', form)\n"
    "    ctx.log.warning('warned %s', forms['upper'])\n"
    "    print(forms['first half (of a split)'])  # one secret over two lines\n"
    "    print(forms['second half (of a split)'])\n"
    "    return forms\n"
)
FAILING = ("import base64\n\ndef run(inputs, ctx):\n    s = inputs['secret']\n"
           "    raise ValueError(' | '.join([s.upper(), s[::-1], s[:10], ' '.join(s),\n"
           "                                base64.b64encode(s.encode()).decode()]))\n")


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _leaks(found: Any, forms: dict[str, str]) -> set[str]:
    texts = [found] if isinstance(found, str) else list(_strings(found))
    return {name for name, form in forms.items() if any(form in text for text in texts)}


async def test_a_transformed_secret_is_masked_on_every_channel(user, worker, daphne):
    # given: a fresh secret with characters JSON and URLs escape
    secret = f"sk-{secrets.token_hex(12)}/é\"{secrets.token_hex(6)}"
    forms = {name: transform(secret) for name, (_, transform) in TRANSFORMATIONS.items()}
    await sync_to_async(runtime_services.env_var_upsert)(owner=user, name="TOKEN",
                                                         value=secret, is_secret=True)
    token = (await sync_to_async(AuthToken.objects.create)(user=user, expiry=None))[1]
    definition = {"name": f"masking-{secrets.token_hex(3)}", "nodes": [
        py_node("leak", CODE, inputs={"secret": "{{ env.TOKEN }}"}),
        py_node("boom", FAILING, inputs={"secret": "{{ env.TOKEN }}"}, on_error="continue")],
        "edges": [{"source": "leak", "target": "boom"}], "output": "{{ steps.leak.output }}"}
    headers = {"Authorization": f"Token {token}"}
    async with httpx.AsyncClient(base_url=daphne.url, headers=headers, timeout=30) as api:
        created = await api.post("/api/v1/workflows/", json={"definition": definition})
        assert created.status_code == 201, created.text
        started = await api.post(f"/api/v1/workflows/{created.json()['id']}/executions/",
                                 json={"inputs": {}})
        execution_id = started.json()["execution_id"]
        # when: followed live over both streams to the end
        ws_events: list[dict] = []
        sse_events: list[dict] = []
        deadline = time.monotonic() + 60
        await asyncio.gather(follow_ws(daphne.url, execution_id, token, ws_events, deadline),
                             follow_sse(daphne.url, execution_id, token, sse_events, deadline))
        base = f"/api/v1/executions/{execution_id}"
        execution = (await api.get(f"{base}/")).json()
        channels: dict[str, Any] = {
            "output": execution["output"],
            "step output": (await api.get(f"{base}/steps/leak/")).json()["output"],
            "log lines (API)": (await api.get(f"{base}/logs/?page_size=500")).json(),
            "log download (text)": (await api.get(f"{base}/logs/?format=text")).text,
            "log download (jsonl)": [json.loads(line) for line in (await api.get(
                f"{base}/logs/?format=jsonl")).text.splitlines() if line],
            "error": (await api.get(f"{base}/steps/boom/")).json()["error"],
            "events over SSE": sse_events,
            "events over WebSocket": ws_events,
        }
    # then: the run worked, and nothing leaked anywhere
    assert execution["status"] == "succeeded", execution.get("error")
    assert channels["error"]["type"] == "code_error"
    assert "warned ••••••" in channels["log download (text)"]
    assert sum(e["type"] == "logs" for e in ws_events) >= 1
    table = {channel: sorted(_leaks(found, forms)) for channel, found in channels.items()}
    assert {channel: leaked for channel, leaked in table.items() if leaked} == {}, secret
