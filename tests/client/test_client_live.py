"""The Python client (clients/python, installed in the environment) against a running daphne
and a real worker: start → wait → output, a failing run's typed error with the mapped
traceback, a stream cut mid-run and resumed with nothing lost or repeated, every control,
logs, history, tokens, workflows as files; no answer is a 5xx."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from pathlib import Path

import pytest
import runtime_engine_client
from knox.models import AuthToken
from runtime_engine_client import AsyncClient, Client, errors

from apps.executions.models import ExecutionEvent
from tests.conftest import load_example, wait_until
from tests.executions.helpers import py_node
from tests.factories import make_user

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

TICKS = ("import time\ndef run(inputs, ctx):\n    for i in range(30):\n"
         "        print(f'tick {i}')\n        time.sleep(0.05)\n    return {'ticks': 30}\n")
FAILING = ("def run(inputs, ctx):\n    print('about to fail')\n"
           "    value = inputs['n'] * 2\n    raise ValueError(f'bad value {value}')\n")
SLOW = "import time\ndef run(inputs, ctx):\n    time.sleep(inputs.get('s', 0.5))\n    return 'slow'\n"


def _definition(name: str, code: str, **extra) -> dict:  # type: ignore[no-untyped-def]
    return {"name": name, "nodes": [py_node("work", code, **extra)], "edges": [],
            "output": "{{ steps.work.output }}"}


class Recorder:
    """Every status the server answered, through httpx's response hook."""

    def __init__(self) -> None:
        self.statuses: list[int] = []

    def __call__(self, response) -> None:  # type: ignore[no-untyped-def]
        self.statuses.append(response.status_code)


@pytest.fixture
def engine(daphne):  # type: ignore[no-untyped-def]
    user = make_user(username="alice")
    token = AuthToken.objects.create(user=user, expiry=None)[1]
    recorder = Recorder()
    with Client(daphne.url, token, httpx_args={"event_hooks": {"response": [recorder]}}) as c:
        c.recorder = recorder  # type: ignore[attr-defined]
        yield c
    assert [s for s in recorder.statuses if s >= 500] == []


def test_the_installed_client_is_used():
    assert "clients/python/src" in runtime_engine_client.__file__ or "site-packages" in \
        runtime_engine_client.__file__
    assert Path(runtime_engine_client.__file__).with_name("py.typed").exists()


def test_start_wait_output(engine, worker):
    # given
    workflow = engine.create_workflow(load_example("hello-transform"), slug="hello")
    assert workflow.runnable and workflow.compilation.status.value == "success"
    seen: list[dict] = []
    # when
    execution = engine.start(workflow.id, {"who": "Ada", "times": 2}, priority="high")
    output = engine.wait(execution.execution_id, on_event=seen.append)
    # then
    assert output == {"greeting": "Hello, Ada!", "times": 2}
    assert execution.priority.value == "high" and execution.trigger.value == "api"
    assert seen[0]["type"] == "execution_queued" and seen[-1]["type"] == "execution_completed"
    assert [e["seq"] for e in seen] == list(range(1, len(seen) + 1))


def test_a_failing_run_raises_a_typed_error_mapped_to_the_node(engine, worker):
    # given
    definition = _definition("failing", FAILING, inputs={"n": "{{ inputs.n }}"})
    workflow = engine.create_workflow(definition, slug="failing")
    # when
    with pytest.raises(errors.ExecutionFailed) as failed:
        engine.run(workflow.id, {"n": 21})
    # then
    error = failed.value
    assert error.step_id == "work" and error.error_type == "code_error"
    assert "bad value 42" in error.message and error.line == 4
    assert error.frames and error.frames[-1]["line"] == 4
    assert "raise ValueError" in error.frames[-1]["code"]
    assert "at step 'work', line 4" in str(error)


class CuttingProxy:
    """A TCP proxy to daphne that can cut every connection it carries, as a network would."""

    def __init__(self, port: int) -> None:
        self.target = port
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.sockets: list[socket.socket] = []
        self.connections = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.target))
            self.connections += 1
            self.sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass

    def cut(self) -> None:
        for sock in self.sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        self.sockets = []

    def close(self) -> None:
        self.cut()
        self.server.close()


def test_a_stream_cut_mid_run_is_resumed_with_nothing_lost_or_repeated(engine, worker, daphne):
    # given: the client talks to daphne through a proxy that will cut it mid-run
    workflow = engine.create_workflow(_definition("ticks", TICKS), slug="ticks")
    proxy = CuttingProxy(daphne.port)
    seen: list[dict] = []

    def on_event(event: dict) -> None:
        seen.append(event)
        if len(seen) == 4:
            proxy.cut()

    try:
        with Client(f"http://127.0.0.1:{proxy.port}", engine.token) as through_proxy:
            execution = through_proxy.start(workflow.id)
            # when
            output = through_proxy.wait(execution.execution_id, on_event=on_event)
    finally:
        proxy.close()
    # then
    stored = list(ExecutionEvent.objects.filter(execution_id=execution.execution_id)
                  .order_by("seq").values_list("seq", flat=True))
    assert output == {"ticks": 30}
    assert proxy.connections >= 3  # the start, the first stream, the resumed one (at least)
    assert [e["seq"] for e in seen] == stored
    lines = [line["message"] for e in seen if e["type"] == "logs" for line in e["data"]["lines"]]
    assert lines == [f"tick {i}" for i in range(30)]


def test_every_control(engine, worker):
    # given
    slow = engine.create_workflow({**_definition("slow", SLOW, inputs={"s": "{{ inputs.s }}"}),
                                   "input_schema": {"type": "object", "properties": {
                                       "s": {"type": "number"}}}}, slug="slow")
    # cancel
    running = engine.start(slow.id, {"s": 5})
    wait_until(lambda: engine.execution(running.execution_id).status.value == "running")
    assert engine.cancel(running.execution_id).status.value == "cancelled"
    with pytest.raises(errors.ExecutionCancelled):
        engine.wait(running.execution_id)
    # pause and resume
    two = engine.create_workflow({"name": "two", "nodes": [
        py_node("a", SLOW, inputs={"s": 1}), py_node("b", SLOW, inputs={"s": 0})],
        "edges": [{"id": "e", "source": "a", "target": "b"}],
        "output": "{{ steps.b.output }}"}, slug="two")
    paused = engine.start(two.id)
    wait_until(lambda: engine.execution(paused.execution_id).status.value == "running")
    assert engine.pause(paused.execution_id).status.value == "paused"
    assert engine.resume(paused.execution_id).status.value == "running"
    assert engine.wait(paused.execution_id) == "slow"
    # rerun with edited inputs
    again = engine.rerun(paused.execution_id, priority="low")
    assert again.execution_id != paused.execution_id and engine.wait(again.execution_id) == "slow"
    # retry a failed step with new inputs, then skip one with a substitute output
    failing = engine.create_workflow(_definition("f", FAILING, inputs={"n": 1}), slug="f")
    failed = engine.start(failing.id)
    with pytest.raises(errors.ExecutionFailed):
        engine.wait(failed.execution_id)
    retried = engine.retry_step(failed.execution_id, "work", inputs={"n": 2},
                                timeout_seconds=20)
    assert retried.step_id == "work"
    with pytest.raises(errors.ExecutionFailed) as again_failed:
        engine.wait(failed.execution_id)
    assert "bad value 4" in again_failed.value.message
    skipped = engine.skip_step(failed.execution_id, "work", output={"substitute": True})
    assert skipped.status.value == "skipped"
    assert engine.wait(failed.execution_id) == {"substitute": True}
    assert len(engine.step(failed.execution_id, "work").attempt_list) == 2
    # approve and reject
    deploy = engine.create_workflow(load_example("deploy-with-approval"), slug="deploy")
    approved, rejected = (engine.start(deploy.id, {"version": v}) for v in ("1", "2"))
    wait_until(lambda: len(engine.approvals()) == 2)
    with pytest.raises(errors.BadRequest) as bad:
        engine.approve(approved.execution_id, "approve", {})
    assert "ticket" in bad.value.fields["data"] and bad.value.code == "input_validation"
    engine.approve(approved.execution_id, "approve", {"ticket": "CHG-1"})
    assert engine.wait(approved.execution_id)["ticket"] == "CHG-1"
    engine.reject(rejected.execution_id, "approve", "not today")
    with pytest.raises(errors.ExecutionFailed) as refused:
        engine.wait(rejected.execution_id)
    assert refused.value.error_type == "approval_rejected" and refused.value.step_id == \
        "approve"
    # a control that does not fit the state is a typed 409
    with pytest.raises(errors.InvalidTransition):
        engine.pause(approved.execution_id)
    assert [s for s in engine.recorder.statuses if s >= 500] == []


def test_logs_history_tokens_and_errors(engine, worker):
    # given
    workflow = engine.create_workflow(_definition("ticks", TICKS), slug="ticks")
    first = engine.start(workflow.id)
    engine.wait(first.execution_id)
    second = engine.start(workflow.id)
    engine.wait(second.execution_id)
    # logs: every line, in order, and a server-side search
    lines = list(engine.logs(first.execution_id, page_size=7))
    assert [line.message for line in lines] == [f"tick {i}" for i in range(30)]
    assert [line.message for line in engine.logs(first.execution_id, search="tick 2")] == [
        "tick 2", *(f"tick {i}" for i in range(20, 30))]
    # history with filters, across cursor pages
    history = list(engine.executions(workflow=workflow.id, status="succeeded", page_size=1))
    assert [str(e.execution_id) for e in history] == [str(second.execution_id),
                                                      str(first.execution_id)]
    assert list(engine.executions(trigger="manual")) == []
    # workflows: list, update (a new revision), compile, compilations
    assert [w.slug for w in engine.workflows(search="tick")] == ["ticks"]
    updated = engine.update_workflow(workflow.id, description="Ticks thirty times")
    assert updated.description == "Ticks thirty times"
    assert engine.compile(workflow.id).status.value == "success"
    assert len(list(engine.compilations(workflow.id))) == 3  # create, update, compile
    # tokens: a password swapped for one, created, listed, revoked
    with Client.login(engine.api._base_url, "alice", "pw-for-tests-1") as logged_in:
        assert logged_in.token and [w.slug for w in logged_in.workflows()] == ["ticks"]
    with pytest.raises(errors.NotAuthenticated):
        Client.login(engine.api._base_url, "alice", "wrong")
    created = engine.create_token()
    assert created.token_key in [t.token_key for t in engine.tokens()]
    engine.revoke_token(created.token_key)
    with pytest.raises(errors.NotAuthenticated), Client(engine.api._base_url,
                                                        created.token) as revoked:
        revoked.tokens()
    # typed errors
    with pytest.raises(errors.NotFound):
        engine.execution("00000000-0000-0000-0000-000000000000")
    broken = engine.create_workflow({**load_example("hello-transform"), "nodes": []},
                                    slug="broken")
    with pytest.raises(errors.NotRunnable) as not_runnable:
        engine.start(broken.id, {"who": "x"})
    assert not_runnable.value.issues
    with pytest.raises(errors.BadRequest) as invalid:
        engine.start(engine.create_workflow(load_example("hello-transform")).id, {"who": 3})
    assert "who" in invalid.value.fields


def test_workflows_as_files_through_the_client(engine, tmp_path):
    # given
    engine.create_workflow(load_example("hello-transform"), slug="hello")
    files = engine.export_workflows(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hello.json"] == sorted(files)
    body = json.loads((tmp_path / "hello.json").read_text())
    body["name"] = "Hello from Git"
    (tmp_path / "hello.json").write_text(json.dumps(body))
    (tmp_path / "new.json").write_text(json.dumps(load_example("conditional-branches")))
    # when: a dry run, then the apply
    plan = engine.apply_workflows(tmp_path, dry_run=True)
    applied = engine.apply_workflows(tmp_path)
    # then
    assert not plan.applied and [(w.slug, w.action.value) for w in plan.workflows] == [
        ("hello", "update"), ("new", "create")]
    assert applied.applied and engine.workflow(
        next(w.id for w in engine.workflows(search="hello"))).name == "Hello from Git"
    (tmp_path / "new.json").write_text('{"definition": {"nodes": [{"id": "x", "type": "no"}]}}')
    with pytest.raises(errors.ApplyRefused) as refused:
        engine.apply_workflows(tmp_path, prune=True)
    assert refused.value.plan["ok"] is False and "new.json" in refused.value.fields


@pytest.mark.asyncio
async def test_the_async_client_runs_and_waits(daphne, worker):
    # given
    from asgiref.sync import sync_to_async

    user = await sync_to_async(make_user)(username="carol")
    token = (await sync_to_async(AuthToken.objects.create)(user=user, expiry=None))[1]
    events: list[dict] = []

    async def on_event(event: dict) -> None:
        events.append(event)

    async with AsyncClient(daphne.url, token) as engine:
        workflow = await engine.create_workflow(load_example("hello-transform"))
        # when
        execution = await engine.start(workflow.id, {"who": "Async"})
        output = await engine.wait(execution.execution_id, on_event=on_event)
        history = [e async for e in engine.executions(workflow=workflow.id)]
        with pytest.raises(errors.NotFound):
            await engine.workflow(10**9)
    # then
    assert output["greeting"] == "Hello, Async!"
    assert events[-1]["type"] == "execution_completed"
    assert [str(e.execution_id) for e in history] == [str(execution.execution_id)]


def test_wait_timeout_leaves_the_run_going(engine, worker):
    slow = engine.create_workflow(_definition("slow", SLOW, inputs={"s": 3}), slug="slow3")
    execution = engine.start(slow.id)
    started = time.monotonic()
    with pytest.raises(errors.WaitTimeout):
        engine.wait(execution.execution_id, timeout=0.5)
    assert time.monotonic() - started < 30
    assert engine.wait(execution.execution_id) == "slow"
