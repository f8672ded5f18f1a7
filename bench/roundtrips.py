"""Count what a block of code costs the database connection: Django's database calls (each
`execute` through the connection's wrappers: one round trip, several statements when the unit
of work sends them together) and, on PostgreSQL, the network round trips themselves, read
from libpq's own trace of the connection's messages (each Sync or simple Query the client
sends is one wait for the server: this includes the BEGIN psycopg sends before a
transaction's first statement, which no execute wrapper sees).

Used by bench/engine_bench.py ("round trips per python step") and the test that holds the
figure (tests/executions/test_round_trips.py)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any


@dataclass
class Count:
    calls: int = 0  # Django's database calls (execute / executemany, one batch each)
    statements: int = 0
    waits: int | None = None  # network round trips (PostgreSQL only)


@contextmanager
def counting(connection: Any) -> Iterator[Count]:
    """Count the block's database calls and (PostgreSQL) network round trips."""
    count = Count()

    def wrapper(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        count.calls += 1
        count.statements += len(params) if many and params else sql.count("; ") + 1
        return execute(sql, params, many, context)

    connection.ensure_connection()
    traced = connection.vendor == "postgresql"
    with tempfile.TemporaryFile() as trace, connection.execute_wrapper(wrapper):
        if traced:
            from psycopg.pq import Trace  # noqa: PLC0415 - PostgreSQL only

            pgconn = connection.connection.pgconn
            pgconn.trace(trace.fileno())
            pgconn.set_trace_flags(Trace.SUPPRESS_TIMESTAMPS | Trace.REGRESS_MODE)
        try:
            yield count
        finally:
            if traced:
                pgconn.untrace()
                trace.seek(0)
                count.waits = sum(1 for line in trace.read().decode(errors="replace")
                                  .splitlines()
                                  if line.startswith("F\t")
                                  and line.split("\t")[2].split(" ")[0] in ("Sync", "Query"))
