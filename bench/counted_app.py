"""The engine's Celery app with its database calls counted, for the per-step breakdown of
bench/engine_bench.py: every execute through Django (one round trip each; several statements
when rowsql sends them together) is counted per worker process, written to COUNT_DIR when the
process ends. Only the bench starts workers with it (`-A bench.counted_app`)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from celery.signals import worker_process_init, worker_process_shutdown
from django.db.backends.signals import connection_created

from config.celery_app import app  # noqa: F401 - the app celery -A finds here

COUNTS = {"executes": 0, "statements": 0}


def _count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
    COUNTS["executes"] += 1
    COUNTS["statements"] += len(params) if many and params else sql.count("; ") + 1
    return execute(sql, params, many, context)


def _install(sender, connection, **kwargs) -> None:  # type: ignore[no-untyped-def]
    if _count not in connection.execute_wrappers:
        connection.execute_wrappers.append(_count)


@worker_process_init.connect
def _start(**kwargs) -> None:  # type: ignore[no-untyped-def]
    connection_created.connect(_install)
    from django.db import connections  # noqa: PLC0415 - once Django is set up

    for conn in connections.all(initialized_only=True):
        _install(None, conn)


@worker_process_shutdown.connect
def _write(**kwargs) -> None:  # type: ignore[no-untyped-def]
    folder = Path(os.environ["COUNT_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{os.getpid()}.json").write_text(json.dumps(COUNTS))
