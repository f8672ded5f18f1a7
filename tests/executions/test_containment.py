"""Hostile user code is contained; a worker killed mid-step does not lose the execution;
secrets never appear in plaintext anywhere the platform stores or sends data."""

from __future__ import annotations

import base64
import json
import os
import signal
import urllib.parse
import uuid

import pytest
import redis
from django.conf import settings
from django.db import connection

from apps.runtime import services as runtime_services
from tests.conftest import wait_until
from tests.executions.helpers import finished, py_node, start, steps_by_id

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def single(code: str, **data):  # type: ignore[no-untyped-def]
    return {"name": f"x-{uuid.uuid4().hex[:6]}", "nodes": [py_node("s", code, **data)],
            "edges": [], "output": "{{ steps.s.output }}"}


def test_infinite_loop_is_stopped_at_its_timeout(worker, user):
    execution = finished(start(user, single("def run(i, c):\n    while True:\n        pass\n",
                                            timeout_seconds=1)))
    step = steps_by_id(execution)["s"]
    assert step.error["type"] == "step_timeout"
    assert step.duration_ms < 5000
    again = finished(start(user, single("def run(i, c):\n    return 'fine'\n")))
    assert again.status == "succeeded"


def test_fork_bomb_hits_the_process_limit_and_the_worker_survives(worker, user):
    pids = worker.pool_pids()
    code = "import os\n\ndef run(i, c):\n    while True:\n        os.fork()\n"
    execution = finished(start(user, single(code, timeout_seconds=5)))
    error = steps_by_id(execution)["s"].error
    assert error["type"] in ("resource_limit", "step_timeout"), error
    assert worker.pool_pids() == pids
    assert finished(start(user, single("def run(i, c):\n    return 1\n"))).status == "succeeded"


def test_user_code_sees_no_worker_environment_files_or_network(worker, user):
    code = (
        "import os, socket\n\n"
        "def probe(action):\n    try:\n        return action()\n"
        "    except Exception as exc:\n        return type(exc).__name__\n\n"
        "def run(inputs, ctx):\n"
        "    return {\n"
        "        'env': sorted(os.environ),\n"
        "        'proc1': probe(lambda: open('/proc/1/environ').read()[:20]),\n"
        "        'self_environ': probe(lambda: open('/proc/self/environ').read()),\n"
        "        'parent': probe(lambda: open(f'/proc/{os.getppid()}/environ').read()[:20]),\n"
        f"        'settings': probe(lambda: open({str(settings.BASE_DIR / 'config/settings/base.py')!r}).read()[:5]),\n"
        f"        'db': probe(lambda: open({str(connection.settings_dict['NAME'])!r}, 'rb').read(5)),\n"
        "        'redis': probe(lambda: socket.create_connection(('127.0.0.1', 6379), 1)),\n"
        "        'uid': os.getuid(),\n"
        "        'big_file': probe(lambda: open('/tmp/f', 'wb').write(b'x' * 200 * 1024 * 1024)),\n"
        "    }\n")
    execution = finished(start(user, single(code)))
    assert execution.status == "succeeded", steps_by_id(execution)["s"].error
    seen = execution.output
    assert not {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"} & set(
        seen["env"])
    assert seen["proc1"] in ("PermissionError", "FileNotFoundError")
    assert not any(name in seen["self_environ"] for name in (
        "SECRET_KEY", "DATABASE_URL", "REDIS_URL", "FERNET", "DJANGO"))
    assert seen["parent"] in ("PermissionError", "FileNotFoundError")
    assert seen["settings"] in ("FileNotFoundError", "PermissionError")
    assert seen["db"] in ("FileNotFoundError", "PermissionError", "IsADirectoryError")
    assert seen["redis"] in ("ConnectionRefusedError", "OSError", "PermissionError")
    assert seen["uid"] != 0
    assert seen["big_file"] == "OSError"


def test_worker_killed_mid_step_the_step_runs_again(worker, user):
    marker = uuid.uuid4().hex
    code = ("import time\n\ndef run(inputs, ctx):\n    ctx.log.info('attempt %d', ctx.attempt)\n"
            "    if ctx.attempt == 1:\n        time.sleep(30)\n    return 'survived'\n")
    execution = start(user, single(code, timeout_seconds=60) | {"name": marker})
    step = wait_until(lambda: execution.steps.filter(step_id="s", status="running").first())
    pid = int(step.lease_owner.rsplit(":", 1)[1])
    os.kill(pid, signal.SIGKILL)  # the pool process running the step
    execution = finished(execution, timeout=60)
    assert execution.status == "succeeded" and execution.output == "survived"
    step = steps_by_id(execution)["s"]
    assert step.attempts == 2 and step.lost_count == 1
    first = step.attempt_rows.get(number=1)
    assert first.error["type"] == "worker_lost"
    assert execution.events.filter(type="step_retrying", data__reason="worker_lost").exists()


def test_secrets_never_appear_in_plaintext(worker, user):
    canary = "cnry-" + uuid.uuid4().hex
    env_canary = "envc-" + uuid.uuid4().hex
    runtime_services.env_var_upsert(owner=user, name="TOKEN", value=env_canary, is_secret=True)
    code = ("import base64, urllib.parse\n\ndef run(inputs, ctx):\n"
            "    s = inputs['secret']\n    print(s, inputs['token'])\n"
            "    print(base64.b64encode(s.encode()).decode())\n"
            "    ctx.log.warning('quoted %s', urllib.parse.quote(s, safe=''))\n"
            "    return {'v': s, 't': inputs['token']}\n")
    fail = "def run(inputs, ctx):\n    raise Exception(inputs['secret'])\n"
    definition = {
        "name": "secrets",
        "input_schema": {"type": "object", "properties": {
            "secret": {"type": "string", "format": "password"}}},
        "nodes": [py_node("leak", code, inputs={"secret": "{{ inputs.secret }}",
                                                "token": "{{ env.TOKEN }}"}),
                  py_node("boom", fail, inputs={"secret": "{{ inputs.secret }}"},
                          on_error="continue")],
        "edges": [], "output": "{{ steps.leak.output }}",
    }
    execution = finished(start(user, definition, {"secret": canary}))
    assert execution.status == "succeeded", execution.error
    assert execution.output == {"v": "••••••", "t": "••••••"}
    encodings = [canary, env_canary, base64.b64encode(canary.encode()).decode(),
                 urllib.parse.quote(canary, safe="")]
    dump = _database_text()
    for text in encodings:
        assert text not in dump, text
    broker = _redis_text()
    for text in encodings:
        assert text not in broker, text
    assert "••••••" in json.dumps(list(execution.log_lines.values_list("message", flat=True)),
                                  ensure_ascii=False)


def _database_text() -> str:
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - names from introspection
            chunks.append(json.dumps(cursor.fetchall(), default=str, ensure_ascii=False))
    return "\n".join(chunks)


def _redis_text() -> str:
    client = redis.Redis.from_url(settings.REDIS_URL)
    chunks = []
    for key in client.scan_iter(count=1000):
        kind = client.type(key)
        if kind == b"list":
            chunks.extend(map(repr, client.lrange(key, 0, -1)))
        elif kind == b"string":
            chunks.append(repr(client.get(key)))
        elif kind == b"hash":
            chunks.append(repr(client.hgetall(key)))
        elif kind == b"zset":
            chunks.append(repr(client.zrange(key, 0, -1)))
        elif kind == b"set":
            chunks.append(repr(client.smembers(key)))
    return "\n".join(chunks)


def test_text_the_database_cannot_hold_is_escaped_not_fatal(worker, user):
    """NUL characters and lone surrogates from user code (prints, logs, output, errors)."""
    code = ("import logging\n\ndef run(inputs, ctx):\n    print('nul\\x00here')\n"
            "    ctx.log.info('lone \\ud800 surrogate')\n"
            "    logging.getLogger('x').warning('bad \\x00 \\udfff')\n"
            "    return {'k\\x00': 'v\\x00', 'lone': '\\ud83d'}\n")
    execution = finished(start(user, single(code)))
    assert execution.status == "succeeded", steps_by_id(execution)["s"].error
    assert execution.output == {"k\\u0000": "v\\u0000", "lone": "\\ud83d"}
    messages = list(execution.log_lines.order_by("seq").values_list("message", flat=True))
    assert messages == ["nul\\u0000here", "lone \\ud800 surrogate", "bad \\u0000 \\udfff"]
    failing = "def run(inputs, ctx):\n    raise ValueError('broken \\x00 \\ud800')\n"
    execution = finished(start(user, single(failing)))
    error = steps_by_id(execution)["s"].error
    assert error["type"] == "code_error" and "broken \\u0000 \\ud800" in error["message"]
