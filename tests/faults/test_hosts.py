"""Faults across hosts (docs/scaling.md, "Proved on one machine"): two worker hosts and a web
host in their own network namespaces (tests/netns.py), each reaching PostgreSQL and Redis over
its own link; the session's worker is stopped meanwhile, so only the hosts run steps. A host
cut off for 30 s and healed, a host killed, the web host restarted with clients following: in
each, every execution finishes, no step's result is committed twice, no event is lost, and the
attempts say what happened."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter
from urllib.parse import urlsplit

import httpx
import pytest
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import connection
from knox.models import AuthToken

from apps.executions.models import ExecutionEvent, LogLine, StepAttempt, StepRun
from apps.executions.services import execution_start
from apps.workflows import services as workflow_services
from apps.workflows.models import Workflow
from tests.conftest import wait_until
from tests.executions.helpers import finished, py_node
from tests.faults.streams import follow_ws
from tests.netns import Network, unavailable
from tests.workers import BeatProcess, DaphneProcess, WorkerProcess

pytestmark = [
    pytest.mark.django_db(transaction=True), pytest.mark.slow,
    pytest.mark.skipif("unavailable() is not None", reason=str(unavailable())),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="a host reaches the database "
                       "over its link: PostgreSQL (CI runs it), not a SQLite file"),
]

STEPS = ("a", "b", "c")
EXECUTIONS = 6
LINES = 20


def _ticks(step: str) -> str:
    return ("import time\ndef run(inputs, ctx):\n"
            f"    for i in range({LINES}):\n        print('{step}', i)\n        time.sleep(0.1)\n"
            f"    return '{step}'\n")


CHAIN = {"name": "across-hosts", "output": "{{ steps.c.output }}",
         "nodes": [py_node(s, _ticks(s), timeout_seconds=60, retry={"max_attempts": 1})
                   for s in STEPS],
         "edges": [{"id": "ab", "source": "a", "target": "b"},
                   {"id": "bc", "source": "b", "target": "c"}]}


@pytest.fixture
def hosts(worker, tmp_path):  # type: ignore[no-untyped-def]
    """Two worker hosts and a web host; beat (the sweeper's clock) on the services host."""
    database = urlsplit(f"postgres://{connection.settings_dict.get('HOST') or '127.0.0.1'}:"
                        f"{connection.settings_dict.get('PORT') or 5432}")
    ports = [database.port or 5432, urlsplit(settings.REDIS_URL).port or 6379]
    worker.stop()
    network = Network(ports)
    processes: list = []
    try:
        machines = {name: network.host(name) for name in ("hosta", "hostb", "web")}
        workers = {name: WorkerProcess(tmp_path, name=name, beat=False, host=machines[name])
                   for name in ("hosta", "hostb")}
        for process in workers.values():
            processes.append(process.start())
        processes.append(BeatProcess(tmp_path).start())
        yield network, machines, workers
    finally:
        for process in processes:
            process.stop()
        network.close()
        worker.start()


def _start(user, count: int) -> list:  # type: ignore[no-untyped-def]
    workflow = Workflow.objects.filter(owner=user, slug="across-hosts").first() or \
        workflow_services.workflow_create(owner=user, definition=CHAIN)
    return [execution_start(workflow=workflow, owner=user, inputs={}) for _ in range(count)]


def _busy_on(host: str) -> bool:
    return StepRun.objects.filter(status="running", lease_owner__startswith=f"{host}:").exists()


def _check_the_record(executions) -> Counter[str]:  # type: ignore[no-untyped-def]
    """Every execution succeeded, each step committed once, the story whole; returns the
    hosts of the attempts lost."""
    lost: Counter[str] = Counter()
    for execution in executions:
        execution = finished(execution, timeout=240)
        assert execution.status == "succeeded", (execution.status, execution.error)
        assert execution.output == "c"
        seqs = list(execution.events.order_by("seq").values_list("seq", flat=True))
        assert seqs == list(range(1, len(seqs) + 1))  # no event lost from the stored story
        committed = Counter(execution.events.filter(type="step_completed")
                            .values_list("step_id", flat=True))
        assert committed == Counter(STEPS)  # each step's result committed exactly once
        for step in execution.steps.all():
            attempts = list(step.attempt_rows.order_by("number"))
            assert [a.status for a in attempts].count("succeeded") == 1
            assert attempts[-1].status == "succeeded" and step.attempts == len(attempts)
            for attempt in attempts[:-1]:
                assert attempt.error["type"] == "worker_lost", attempt.error
                lost[attempt.worker.split(":")[0]] += 1
            lines = list(LogLine.objects.filter(execution=execution, step_id=step.step_id,
                                                attempt=step.attempts).order_by("seq")
                         .values_list("message", flat=True))
            assert lines == [f"{step.step_id} {i}" for i in range(LINES)]
    return lost


def test_a_host_cut_off_for_30_s_then_healed(hosts, user):
    _, machines, _ = hosts
    executions = _start(user, EXECUTIONS)
    wait_until(lambda: _busy_on("hosta"), timeout=60)
    cut = time.monotonic()
    machines["hosta"].partition()
    # hostb goes on alone meanwhile: the sweeper takes hosta's steps for lost and retries them
    wait_until(lambda: StepAttempt.objects.filter(error__type="worker_lost").exists(), timeout=60)
    time.sleep(max(0.0, 30 - (time.monotonic() - cut)))
    machines["hosta"].heal()
    lost = _check_the_record(executions)
    assert lost["hosta"] >= 1 and lost["hostb"] == 0
    # hosta's late results were refused (its lease was gone) and it rejoins: once its
    # connections come back (TCP retransmits, up to ~25 s after the heal) it runs steps again.
    later: list = []
    deadline = time.monotonic() + 120
    while not _busy_on("hosta"):
        assert time.monotonic() < deadline, "hosta never ran a step again after the heal"
        later += _start(user, 4)
        with contextlib.suppress(AssertionError):
            wait_until(lambda: _busy_on("hosta"), timeout=10)
    _check_the_record(later)


def test_a_host_killed(hosts, user):
    _, machines, workers = hosts
    executions = _start(user, EXECUTIONS)
    wait_until(lambda: _busy_on("hosta"), timeout=60)
    machines["hosta"].kill()  # every process on the host, at once
    workers["hosta"].proc.wait(timeout=10)
    lost = _check_the_record(executions)
    assert lost["hosta"] >= 1 and lost["hostb"] == 0
    assert not StepAttempt.objects.filter(status="running").exists()


@pytest.mark.asyncio
async def test_the_web_host_restarted_while_clients_follow(hosts, user, tmp_path):
    _, machines, _ = hosts
    daphne = DaphneProcess(tmp_path, host=machines["web"])
    await sync_to_async(daphne.start)()
    try:
        token = await sync_to_async(
            lambda: AuthToken.objects.create(user=user, expiry=None)[1])()
        (execution,) = await sync_to_async(_start)(user, 1)
        deadline = time.monotonic() + 180
        streams: list[list[dict]] = [[], []]
        followers = [asyncio.create_task(follow_ws(daphne.url, str(execution.pk), token, s,
                                                   deadline)) for s in streams]
        while not all(any(e["type"] == "logs" for e in s) for s in streams):
            assert time.monotonic() < deadline
            await asyncio.sleep(0.1)
        await sync_to_async(daphne.stop)()
        await asyncio.sleep(2)  # the hosts go on storing events while nobody serves them
        await sync_to_async(daphne.start)()
        async with httpx.AsyncClient(base_url=daphne.url,
                                     headers={"Authorization": f"Token {token}"}) as api:
            assert (await api.get("/api/v1/executions/")).status_code == 200
        reconnects = await asyncio.gather(*followers)
    finally:
        await sync_to_async(daphne.stop)()
    await sync_to_async(_check_the_record)([execution])
    stored = await sync_to_async(lambda: list(ExecutionEvent.objects.filter(
        execution=execution).order_by("seq").values_list("seq", flat=True)))()
    for stream, times in zip(streams, reconnects, strict=True):
        assert times >= 1 and [e["seq"] for e in stream] == stored
