"""One warm sandbox server runs every python step of a worker process: a step's outcome comes
back as soon as its result does, yet the next step starts only after the server has killed
what the last one left behind, and no step sees another's state (each is a fresh fork of a
server that never runs user code)."""

from __future__ import annotations

import pytest

from worker.sandbox import Sandbox

LIMITS = {"memory_mb": 256, "cpu_seconds": 10, "processes": 32, "file_mb": 8}


def _request(code: str, step_id: str) -> dict:
    return {"code": code, "inputs": {}, "step_id": step_id, "execution_id": step_id,
            "attempt": 1, "debug": False, "isolate_network": True, "limits": LIMITS}


@pytest.fixture
def sandbox():  # type: ignore[no-untyped-def]
    box = Sandbox(network=False)
    yield box
    box.close()


def test_the_next_step_starts_after_the_last_ones_leftovers_are_gone(sandbox):
    logs: list[str] = []
    leave = ("import subprocess, builtins, os\n\n"
             "def run(inputs, ctx):\n"
             "    sleeper = subprocess.Popen(['sleep', '30'], start_new_session=True)\n"
             "    builtins.LEFT = 'tok-secret-of-step-a'\n"
             "    os.environ['LEFT'] = 'tok-secret-of-step-a'\n"
             "    open('/tmp/left', 'w').write('tok-secret-of-step-a')\n"
             "    print('left a sleeper behind')\n"
             "    return sleeper.pid\n")
    first = sandbox.run(_request(leave, "a"), timeout_s=10,
                        on_log=lambda _at, _level, message: logs.append(message))
    assert first.ok, first.error
    assert logs == ["left a sleeper behind"]  # its lines came before its result
    look = ("import builtins, os\n\n"
            "def run(inputs, ctx):\n"
            "    return {'alive': os.path.exists(f'/proc/{inputs[\"pid\"]}'),\n"
            "            'builtin': hasattr(builtins, 'LEFT'), 'env': 'LEFT' in os.environ,\n"
            "            'file': os.path.exists('/tmp/left')}\n")
    second = sandbox.run({**_request(look, "b"), "inputs": {"pid": first.output}},
                         timeout_s=10, on_log=lambda *_: None)
    assert second.ok, second.error
    assert second.output == {"alive": False, "builtin": False, "env": False, "file": False}


def test_a_step_killed_at_its_timeout_leaves_the_server_ready_for_the_next(sandbox):
    stuck = sandbox.run(_request("def run(inputs, ctx):\n    while True:\n        pass\n", "a"),
                        timeout_s=0.5, on_log=lambda *_: None)
    assert stuck.killed_for == "timeout" and not stuck.ok
    fine = sandbox.run(_request("def run(inputs, ctx):\n    return 'fine'\n", "b"),
                       timeout_s=10, on_log=lambda *_: None)
    assert fine.ok and fine.output == "fine"
