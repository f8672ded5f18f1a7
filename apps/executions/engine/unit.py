"""The engine's unit of work: one transaction of the engine, and everything it does, held in
one object that every engine function takes as its first argument.

A door opens a unit (a step's claim or commit, a group of expression-only steps, a control, a
sweep, a start) and passes it down. The unit holds:

- the rows locked in it: an execution's row FOR UPDATE (the one lock order: the execution,
  then its steps, whose rows that lock guards), and the step rows read under it. What the unit
  already holds is never read again, and what it changed is what later reads of it see;
- every write (a row's changed fields, a new row, an UPDATE over many rows): sent with the
  unit's next round trip, a read or the commit, never alone;
- every event recorded (the catalogue, apps/executions/events/, hands its record to it):
  numbered and stored in one statement per execution with the commit, published after it;
- the messages to send after commit, and the keep rule given when it is opened: a worker that
  committed a step may keep one successor that became ready and run it itself (`kept`);
- the one COMMIT: writes, events and COMMIT in one round trip on PostgreSQL.

Nothing else decides when a write goes: no mode flipped somewhere up the stack, no hook on the
connection. Engine code reads and writes the engine's tables only through its unit.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.db import connection, transaction
from django.db.models import Model, QuerySet

from apps.common import rowsql
from apps.executions import sql
from apps.executions.engine import limits, transitions
from apps.executions.engine.artifacts import artifact_for
from apps.executions.engine.scope import cached_config
from apps.executions.events.store import event_payload, insert_events
from apps.executions.models import Execution, ExecutionEvent, StepRun
from apps.realtime import broadcast
from apps.realtime.groups import group_for_execution
from apps.runtime.selectors import runtime_config_get
from worker import dispatch


@dataclass(frozen=True)
class StepRef:
    """A queued step as its message names it: the execution, the step, its type and the
    artifact (code hash) it was queued to run."""

    execution_id: str
    step_id: str
    step_type: str = ""
    artifact: str = ""


class _Write:
    """One row's pending write: an INSERT of the whole row, or an UPDATE of named fields;
    built from the row's values when it is sent, so later changes of the same row join it."""

    __slots__ = ("fields", "insert", "row")

    def __init__(self, row: Model, *, insert: bool, fields: Iterable[str] = ()) -> None:
        self.row, self.insert, self.fields = row, insert, set(fields)

    def statement(self) -> rowsql.Statement:
        if self.insert:
            return rowsql.inserting(self.row)
        return rowsql.updating(self.row, sorted(self.fields))


def _key(execution_id: Any) -> str:
    return str(uuid.UUID(str(execution_id)))


class Unit:
    """One transaction of the engine (see the module's docstring). Open it with `with`:
    leaving the block sends what is left, with the COMMIT; an error rolls everything back,
    events and messages included."""

    def __init__(self, *, keep: Callable[[str, float], bool] | None = None) -> None:
        # keep(step type, its timeout in seconds): whether this worker runs that ready step
        # itself rather than through the broker (worker/runner.py decides).
        self._keep = keep
        self.kept: StepRef | None = None
        self._executions: dict[str, Execution] = {}  # locked in this unit
        self._steps: dict[str, dict[str, StepRun]] = {}  # read under their execution's lock
        self._unfinished: dict[str, dict[str, str]] = {}  # as read, before this unit's changes
        self._writes: list[_Write | rowsql.Statement] = []
        self._written: dict[int, _Write] = {}  # id(row) -> its pending write
        self._events: list[tuple[ExecutionEvent, str | None]] = []
        self._asks: list[rowsql.Statement] = []
        self._configs: dict[Any, dict[str, Any]] = {}
        self._atomic: Any = None

    # ---- the transaction -------------------------------------------------------------------

    def __enter__(self) -> Unit:
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        return self

    def __exit__(self, kind: Any, error: Any, trace: Any) -> bool | None:
        if kind is None:
            try:
                self._finish()
            except BaseException as failure:
                self._atomic.__exit__(type(failure), failure, failure.__traceback__)
                raise
        return self._atomic.__exit__(kind, error, trace)

    def _outermost(self) -> bool:
        """Whether leaving this unit ends the database transaction: the COMMIT may then go
        with the last statements (nothing outside this unit is in the transaction)."""
        return (connection.in_atomic_block and len(connection.atomic_blocks) == 1
                and not connection.savepoint_ids and not connection.needs_rollback)

    def _finish(self) -> None:
        """The writes left, the events (one numbered insert per execution) and the questions
        asked for the commit, in one round trip with the COMMIT on PostgreSQL; the events are
        published after the commit."""
        groups: dict[Any, list[ExecutionEvent]] = {}  # in order of first record: lock order
        current: dict[Any, str] = {}
        for event, step in self._events:
            groups.setdefault(event.execution_id, []).append(event)
            if step is not None:
                current[event.execution_id] = step
        if connection.vendor == "postgresql":
            self._send([*(sql.inserting_numbered_events(execution_id, events,
                                                        current.get(execution_id))
                          for execution_id, events in groups.items()), *self._asks],
                       commit=self._outermost())
        else:
            self._send([])
            for execution_id, events in groups.items():
                insert_events(execution_id, events, current.get(execution_id))
            rowsql.run(*self._asks)
        if self._events:
            published = [(group_for_execution(event.execution_id), event_payload(event))
                         for event, _ in self._events]
            transaction.on_commit(partial(broadcast.publish_many, published))
        self._events, self._asks = [], []

    def _send(self, statements: Sequence[rowsql.Statement], *,
              commit: bool = False) -> list[Any]:
        """The pending writes, then `statements`, in one round trip; `statements`' results."""
        writes = [w.statement() if isinstance(w, _Write) else w for w in self._writes]
        self._writes, self._written = [], {}
        return rowsql.run(*writes, *statements, commit=commit)[len(writes):]

    def flush(self) -> None:
        """Send the pending writes now: before a read or write that does not go through the
        unit's own statements (the ORM), so it sees them and comes after them."""
        if self._writes:
            self._send([])

    def run(self, *statements: rowsql.Statement) -> list[Any]:
        """Statements of sql.py's, now, after the pending writes (in the same round trip)."""
        return self._send(statements)

    # ---- reads -----------------------------------------------------------------------------

    def lock(self, execution_id: Any, steps: Iterable[str] = (), *,
             unfinished: bool = False) -> Execution | None:
        """The execution's row, locked until the commit, with these step rows read under that
        lock (and, with `unfinished`, which of its steps have not succeeded or been skipped:
        what decides whether a step that ends ends the execution). What this unit already
        holds is not read again; the rest is read in one round trip, with the pending writes.
        None: no such execution."""
        key = _key(execution_id)
        execution = self._executions.get(key)
        held = self._steps.get(key, {})
        wanted = sorted(set(steps) - held.keys())
        read_unfinished = unfinished and key not in self._unfinished
        if execution is not None and not wanted and not read_unfinished:
            return execution
        statements = [] if execution is not None else [sql.locking_execution(key)]
        if wanted:
            statements.append(sql.selecting_steps(key, wanted))
        if read_unfinished:
            statements.append(sql.unfinished_steps(key))
        results = self._send(statements)
        if execution is None:
            found = results.pop(0)
            if not found:
                return None
            execution = self._executions[key] = found[0]
        rows = self._steps.setdefault(key, {})
        if wanted:
            for row in results.pop(0):
                row.execution = execution
                rows.setdefault(row.step_id, row)
        if read_unfinished:
            self._unfinished[key] = results.pop(0)
        return execution

    def lock_step(self, step_pk: int,
                  execution_id: Any = None) -> tuple[Execution | None, StepRun | None]:
        """The step's execution locked, then the step's row: the lock order of every writer
        of a step when only the step is known (the sweeper, a wake-up, a decision)."""
        if execution_id is None:
            execution_id = (self.fetch(StepRun.objects.filter(pk=step_pk)
                                       .values_list("execution_id", flat=True)) or [None])[0]
            if execution_id is None:
                return None, None
        key = _key(execution_id)
        execution = self._executions.get(key)
        statements = [] if execution is not None else [sql.locking_execution(key)]
        statements.append(sql.locking_step(step_pk))
        results = self._send(statements)
        if execution is None:
            found = results.pop(0)
            if not found:
                return None, None
            execution = self._executions[key] = found[0]
        steps = results.pop(0)
        if not steps or _key(steps[0].execution_id) != key:
            return execution, None
        row = self._steps.setdefault(key, {}).setdefault(steps[0].step_id, steps[0])
        row.execution = execution
        return execution, row

    def hold(self, execution: Execution, steps: Iterable[StepRun] = ()) -> None:
        """Rows this unit made (a new execution and its steps): nobody else can see them
        before the commit, so they are as good as locked."""
        key = _key(execution.pk)
        self._executions[key] = execution
        rows = self._steps.setdefault(key, {})
        for step in steps:
            step.execution = execution
            rows[step.step_id] = step

    def steps(self, execution: Execution, step_ids: Iterable[str]) -> dict[str, StepRun]:
        """These steps' rows: the ones this unit holds, the others read (under the
        execution's lock, which this unit must hold)."""
        key = _key(execution.pk)
        if key not in self._executions:
            raise RuntimeError("lock the execution in this unit before reading its steps")
        self.lock(key, step_ids)
        held = self._steps[key]
        return {step_id: held[step_id] for step_id in step_ids if step_id in held}

    def unfinished(self, execution: Execution) -> dict[str, str]:
        """{step id: status} of the execution's steps that have not succeeded or been
        skipped, as of now (this unit's own changes included)."""
        key = _key(execution.pk)
        self.lock(key, unfinished=True)
        statuses = dict(self._unfinished[key])
        for step_id, row in self._steps.get(key, {}).items():
            statuses[step_id] = row.status
        return {step_id: status for step_id, status in statuses.items()
                if status not in (StepRun.Status.SUCCEEDED, StepRun.Status.SKIPPED)}

    def step(self, execution: Execution, step_id: str) -> StepRun | None:
        """One step's row to read from (not to write: it is not locked unless this unit
        holds it): the unit's own when it holds it, else as stored."""
        held = self._steps.get(_key(execution.pk), {}).get(step_id)
        if held is not None:
            return held
        found = self.fetch(StepRun.objects.filter(execution_id=execution.pk, step_id=step_id)
                           .only("status", "output", "overrides"))
        return found[0] if found else None

    def fetch(self, queryset: QuerySet[Any]) -> list[Any]:
        """An ORM read, after the pending writes (so it sees them)."""
        self.flush()
        return list(queryset)

    def exists(self, queryset: QuerySet[Any]) -> bool:
        """Whether the ORM query matches a row, after the pending writes."""
        self.flush()
        return queryset.exists()

    def count(self, queryset: QuerySet[Any]) -> int:
        """How many rows the ORM query matches, after the pending writes."""
        self.flush()
        return queryset.count()

    def config(self, execution: Execution) -> dict[str, Any]:
        """The owner's runtime settings for this execution (the process' recent snapshot when
        there is one: engine/scope.py), read once per unit otherwise."""
        found = cached_config(execution) or self._configs.get(execution.owner_id)
        if found is None:
            found = self._configs[execution.owner_id] = runtime_config_get(
                owner=execution.owner_id)
        return found

    # ---- writes ----------------------------------------------------------------------------

    def create(self, row: Model) -> None:
        """Insert a new row now, through the ORM (its defaults and auto fields applied),
        after the pending writes; the unit holds it as locked (nobody else can see it)."""
        self.flush()
        row.save(force_insert=True)
        if isinstance(row, Execution):
            self.hold(row)

    def create_all(self, steps: list[StepRun]) -> None:
        """Insert a new execution's step rows now, in one statement; held by the unit."""
        if not steps:
            return
        self.flush()
        StepRun.objects.bulk_create(steps)
        self.hold(steps[0].execution, steps)

    def save(self, row: Model, *fields: str) -> None:
        """Write these fields of the row with the next round trip (joined with its other
        pending changes)."""
        pending = self._written.get(id(row))
        if pending is None and fields:
            pending = self._written[id(row)] = _Write(row, insert=False, fields=fields)
            self._writes.append(pending)
        elif not pending.insert:
            pending.fields.update(fields)

    def add(self, row: Model) -> None:
        """Insert the row with the next round trip (its primary key is set then); changes
        made to it before that go in the same INSERT."""
        pending = self._written[id(row)] = _Write(row, insert=True)
        self._writes.append(pending)

    def move(self, row: Execution | StepRun | Model, status: str, *fields: str) -> None:
        """A status change, checked against the transition table, written with these other
        fields: the one route of every status change of an execution, a step or an attempt."""
        transitions.move(row, status)
        self.save(row, "status", *fields)

    def move_all(self, rows: Sequence[StepRun], status: str, **values: Any) -> None:
        """The same status change (and values) for many steps, each checked against the
        transition table, in one UPDATE."""
        if not rows:
            return
        for row in rows:
            transitions.move(row, status)
            for name, value in values.items():
                setattr(row, name, value)
        # After any pending write of the same rows: those carry the same values by then.
        self._writes.append(rowsql.updating_many(StepRun, [row.pk for row in rows],
                                                 status=status, **values))

    def update(self, queryset: QuerySet[Any], **values: Any) -> int:
        """An ORM UPDATE of fields that are not a status, now, after the pending writes."""
        self.flush()
        return queryset.update(**values)

    def ask(self, build: Callable[..., QuerySet[Any]], *args: Any,
            found: Callable[[bool], None]) -> None:
        """Whether `build(*args)` matches any row, asked with the commit's round trip; the
        answer goes to `found` before the commit (which may then schedule what follows)."""
        self._asks.append(rowsql.existing_of(build, *args, found=found))

    def with_commit(self, *statements: rowsql.Statement) -> list[Any]:
        """Statements of sql.py's sent in the commit's round trip, after everything else;
        their results fill the returned list then (read it once the unit has ended)."""
        answers: list[Any] = []
        for statement in statements:
            self._asks.append(rowsql.Statement(
                statement.sql, statement.params,
                lambda cursor, read=statement.read: answers.append(read(cursor))))
        return answers

    # ---- events and messages ---------------------------------------------------------------

    def record(self, event: ExecutionEvent, *, current_step: str | None = None
               ) -> ExecutionEvent:
        """Store the event with the commit (its `seq` is set then) and publish it after; with
        `current_step`, the execution's current step is set in the same statement."""
        self._events.append((event, current_step))
        return event

    def after_commit(self, call: Callable[[], Any]) -> None:
        """Run `call` once the transaction has committed (never if it rolls back)."""
        transaction.on_commit(call)

    def send_step(self, execution: Execution, step: StepRun, *,
                  countdown: float | None = None) -> None:
        """The step's message after the commit, with its time limit; or, when the keep rule
        takes it, nothing: the worker that opened this unit runs it next itself. Either way
        the step is queued in the database, and the sweeper sends it if its message or its
        keeper is lost."""
        spec = artifact_for(execution).STEPS[step.step_id]
        timeout = limits.step_timeout_s(step, spec, self.config(execution))
        ref = StepRef(str(execution.pk), step.step_id, step.step_type, execution.code_sha256)
        if (self._keep is not None and self.kept is None and countdown is None
                and self._keep(step.step_type, timeout)):
            self.kept = ref
            return
        self.after_commit(partial(dispatch.enqueue_step, ref.execution_id, ref.step_id,
                                  timeout_s=timeout, countdown=countdown,
                                  step_type=ref.step_type, artifact=ref.artifact,
                                  priority=execution.priority))
