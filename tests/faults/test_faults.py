"""Faults on one machine with the real services (docs/operations.md, "Faults"): a worker killed while another
runs, database connections terminated mid-execution. In every case the execution finishes
and nothing is lost."""

from __future__ import annotations

import time

import psutil
import pytest
from django.db import connection

from apps.executions.models import LogLine
from tests.conftest import wait_until
from tests.executions.helpers import finished, py_node, start, steps_by_id
from tests.workers import WorkerProcess

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

SLOW_FIRST = ("import time\n\ndef run(inputs, ctx):\n    ctx.log.info('attempt %d', ctx.attempt)\n"
              "    if ctx.attempt == 1:\n        time.sleep(20)\n    return 'survived'\n")
CHATTY = ("import time\ndef run(inputs, ctx):\n    for i in range(40):\n"
          "        print(f'tick {i}')\n        time.sleep(0.1)\n    return 40\n")


def _one(code: str, name: str, timeout: int = 60) -> dict:
    return {"name": name, "nodes": [py_node("s", code, timeout_seconds=timeout)], "edges": []}


def test_two_workers_one_killed_the_other_takes_over(worker, user, tmp_path):
    second = WorkerProcess(tmp_path, name="w2", beat=True).start()
    try:
        execution = start(user, _one(SLOW_FIRST, "takeover"))
        step = wait_until(lambda: execution.steps.filter(status="running").first(), timeout=30)
        pid = int(step.lease_owner.rsplit(":", 1)[1])
        victim = worker if pid in worker.pool_pids() else second
        survivor = second if victim is worker else worker
        victim.kill_hard()  # the whole worker: main process and pool
        execution = finished(execution, timeout=90)
        assert execution.status == "succeeded"
        assert steps_by_id(execution)["s"].output == "survived"
        step = steps_by_id(execution)["s"]
        assert step.attempts == 2 and step.attempt_rows.get(number=1).error["type"] == \
            "worker_lost"
        assert int(step.lease_owner.rsplit(":", 1)[1]) in survivor.pool_pids() or \
            step.lease_owner == ""
    finally:
        if worker.proc is not None and worker.proc.poll() is not None:
            worker.start()  # the session's worker, for the tests after this one
        second.stop()


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="terminates PostgreSQL "
                    "backends (CI runs PostgreSQL)")
def test_database_connections_terminated_mid_execution(worker, user):
    execution = start(user, _one(CHATTY, "pg-terminate"))
    wait_until(lambda: execution.steps.filter(status="running").exists(), timeout=30)
    time.sleep(1)
    # Every backend of the platform's processes; the test runner's own (other threads'
    # connections, found by their local ports) stay, they are not under test.
    ours = [c.laddr.port for c in psutil.Process().net_connections("tcp") if c.laddr] or [0]
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE "
                       "datname = current_database() AND pid <> pg_backend_pid() AND "
                       "NOT (client_port = ANY(%s))", [ours])
        assert cursor.fetchone()[0] > 0
    execution = finished(execution, timeout=90)
    assert execution.status == "succeeded"
    seqs = list(execution.events.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))  # no gap in the stored story
    messages = list(LogLine.objects.filter(execution=execution, attempt=steps_by_id(
        execution)["s"].attempts).order_by("seq").values_list("message", flat=True))
    assert messages == [f"tick {i}" for i in range(40)]
