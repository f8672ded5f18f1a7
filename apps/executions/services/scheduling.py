"""The step lifecycle: schedule what is ready, claim under a lease, commit a result, retry or
fail, and finish the execution. The database decides; Redis only carries the next link."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from functools import partial
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from apps.common import rowsql
from apps.executions import events
from apps.executions.errors import describe
from apps.executions.models import TERMINAL_STEP, Execution, StepAttempt, StepRun
from apps.executions.services.artifacts import (
    artifact_for,
    incoming_edges,
    loaded_artifact,
    neighbourhood,
)
from apps.executions.services.insights import error_signature
from apps.runtime.selectors import runtime_config_get
from compiler import expressions
from compiler.semantics import decide
from worker import dispatch

S = StepRun.Status
E = Execution.Status
PREVIEW_CHARS = 2000
NOT_RETRIED = {"input_validation", "expression_error", "cancelled", "output_error"}


def _state(step: StepRun, spec: dict[str, Any]) -> str:
    if step.status == S.FAILED and spec.get("on_error") == "continue":
        return "continued"
    if step.status == S.SKIPPED and step.overrides.get("substituted"):
        return "succeeded"
    return step.status


def step_timeout_s(execution: Execution, step: StepRun, spec: dict[str, Any],
                   config: dict[str, Any] | None = None) -> float:
    explicit = step.overrides.get("timeout_seconds") or spec.get("timeout_seconds")
    if explicit:
        return float(explicit)
    config = config or runtime_config_get(owner=execution.owner_id)
    return float(config["default_timeout_seconds"])


def preview(value: Any) -> tuple[Any, bool]:
    text = json.dumps(value, default=str)
    if len(text) <= PREVIEW_CHARS:
        return value, False
    return text[:PREVIEW_CHARS] + "…", True


def schedule_ready(execution: Execution, *, after: str | None = None,
                   config: dict[str, Any] | None = None,
                   known: dict[str, StepRun] | None = None) -> None:
    """Queue every pending step whose predecessors are done; skip the ones whose branch was
    not taken (repeatedly, as skips propagate); finish the execution when nothing is left.

    `after` names the step that just finished: only its successors can have become ready,
    so only they (and their predecessors' states) are read, which keeps a step's cost flat
    however long the workflow is. Without it (start, resume, retry, skip) every step is
    considered. The caller holds the execution's row lock, which every writer of steps
    takes first, so the rows read here cannot change underneath. `known`: rows read under
    that same lock in this transaction (and kept current), which saves reading them again.
    """
    if execution.status != E.RUNNING:
        return
    module = artifact_for(execution)
    incoming = incoming_edges(module)
    position = module.POSITION
    everything = after is None
    frontier = list(module.ORDER) if everything else list(module.SUCCESSORS[after])
    queued_any = False
    while frontier:
        frontier = sorted(set(frontier), key=position.__getitem__)
        needed = set(frontier) | {e["source"] for c in frontier for e in incoming[c]}
        if known is not None and needed <= known.keys():
            rows = {step_id: known[step_id] for step_id in needed}
        else:
            query = StepRun.objects.filter(execution=execution).order_by()
            if not everything:
                query = query.filter(step_id__in=needed)
            rows = {s.step_id: s for s in query}
        everything, known = False, None  # skips unlock only their successors
        states = {sid: _state(s, module.STEPS[sid]) for sid, s in rows.items()}
        outputs = {sid: s.output for sid, s in rows.items()}
        unlocked: list[str] = []
        skipped, queued = [], []
        for step_id in frontier:
            step = rows[step_id]
            if step.status != S.PENDING:
                continue
            decision = decide(incoming[step_id], states, outputs)
            if decision == "skip":
                skipped.append(step)
                states[step_id] = S.SKIPPED
                unlocked.extend(module.SUCCESSORS[step_id])
            elif decision == "run":
                queued.append(step)
                states[step_id] = S.QUEUED
        now = timezone.now()
        if skipped:
            rowsql.update_many(StepRun, [s.pk for s in skipped], status=S.SKIPPED,
                               finished_at=now)
            for step in skipped:
                events.emit(execution.pk, "step_skipped", step_id=step.step_id,
                            data={"reason": "branch not taken"})
        if queued:
            rowsql.update_many(StepRun, [s.pk for s in queued], status=S.QUEUED,
                               queued_at=now)
            config = config or runtime_config_get(owner=execution.owner_id)
            for step in queued:
                queued_any = True
                events.emit(execution.pk, "step_queued", step_id=step.step_id)
                timeout = step_timeout_s(execution, step, module.STEPS[step.step_id], config)
                transaction.on_commit(partial(dispatch.enqueue_step, execution.pk, step.step_id,
                                              timeout_s=timeout, step_type=step.step_type,
                                              artifact=execution.code_sha256))
        frontier = unlocked
    if queued_any:
        return  # a step was just queued: the execution is not over (saves a query a step)
    # One query: the steps that did not succeed or skip decide whether the execution is over.
    unfinished = list(StepRun.objects.filter(execution=execution).exclude(
        status__in=[S.SUCCEEDED, S.SKIPPED]).values_list("step_id", "status"))
    if any(status not in TERMINAL_STEP for _, status in unfinished):
        return
    failed = [sid for sid, status in unfinished
              if status == S.FAILED and module.STEPS[sid].get("on_error") != "continue"]
    if failed:
        finish(execution, E.FAILED, error={"step_id": failed[0],
                                           "message": f"step {failed[0]!r} failed"})
    else:
        finish(execution, E.SUCCEEDED)


@events.together()  # inside its caller's transaction
def finish(execution: Execution, status: str, *, error: dict[str, Any] | None = None) -> None:
    """Close the execution: output, timing, the completion event; then notify a parent and
    admit whoever was queued behind it."""
    from apps.executions.services import children, start  # noqa: PLC0415 - mutual recursion

    execution.refresh_from_db()
    if execution.status in (E.SUCCEEDED, E.FAILED, E.CANCELLED):
        return
    now = timezone.now()
    execution.status = status
    execution.finished_at = now
    execution.current_step = ""
    if execution.started_at:
        execution.duration_ms = round((now - execution.started_at).total_seconds() * 1000, 3)
    if status == E.SUCCEEDED:
        execution.output, error = _render_output(execution)
        if error:
            execution.status = status = E.FAILED
    execution.error = error
    # Named fields only: the sequence counters are changed by atomic increments alone.
    execution.save(update_fields=["status", "finished_at", "current_step", "duration_ms",
                                  "output", "error"])
    if status != E.SUCCEEDED:
        StepRun.objects.filter(execution=execution,
                               status__in=[S.PENDING, S.QUEUED, S.RETRYING]).update(
            status=S.CANCELLED, finished_at=now)
    data: dict[str, Any] = {"status": status}
    if execution.output is not None:
        data["output"] = preview(execution.output)[0]
    if error:
        data["error"] = error
    events.emit(execution.pk, "execution_completed", data=data,
                duration_ms=execution.duration_ms)
    if execution.parent_id:
        children.child_finished(execution)
    transaction.on_commit(partial(start.admit, owner_id=execution.owner_id))


def _render_output(execution: Execution) -> tuple[Any, dict[str, Any] | None]:
    from apps.executions.services.runcontext import build_scope  # noqa: PLC0415

    module = artifact_for(execution)
    scope = build_scope(execution)
    try:
        return scope.mask(expressions.render(module.OUTPUT, scope.as_scope())), None
    except expressions.ExpressionError as exc:
        return None, {"type": "expression_error", "message": scope.mask(str(exc))}


# ---- claim, heartbeat, commit ------------------------------------------------------------

class Claim:
    def __init__(self, step: StepRun, execution: Execution, spec: dict[str, Any],
                 attempt_row: StepAttempt, *, stored: bool, rows: dict[str, StepRun]) -> None:
        self.step = step
        self.rows = rows  # this step's and its neighbours' rows, read with the claim
        self.execution = execution
        self.spec = spec
        self.token = step.lease_token
        self.attempt = step.attempts
        self.attempt_row = attempt_row
        # False for an in-process step: the claim lives in memory until its commit writes
        # claim and result in one UPDATE (nobody can see the lease inside the transaction).
        self.stored = stored


_CLAIM_FIELDS = ["status", "attempts", "lease_token", "lease_owner", "heartbeat_at", "wake_at",
                 "started_at"]  # not the JSON columns: unchanged


# savepoint=False here and in the commits below: a step that runs in-process (transform,
# condition) is claimed, run and committed in one transaction by the runner, and savepoints
# would only add round trips. Any error fails the whole transaction, as it should.
@transaction.atomic(savepoint=False)
def step_claim(*, execution_id: Any, step_id: str, worker: str, inline: bool = False,
               artifact: str | None = None) -> Claim | None:
    """Take the lease on a queued step; None means "not yours": duplicate, early or stopped.
    `inline`: the caller runs and commits the step in this same transaction; then, when
    `artifact` (the hash the message carried) names a module already loaded here, the rows
    that decide what runs next are read along with the step's."""
    wanted = {step_id}
    module = loaded_artifact(artifact) if inline else None
    if module is not None and step_id in module.SUCCESSORS:
        wanted = neighbourhood(module, step_id)
    # Lock the execution's row: every writer of a step's status holds that lock first, so
    # the step rows need no lock of their own.
    key = Execution._meta.pk.get_db_prep_value(execution_id, connection)
    wanted_ids = sorted(wanted)
    executions, steps = rowsql.run(  # one round trip, the lock first
        rowsql.selecting(Execution, "id = %s", [key], lock=True),
        rowsql.selecting(StepRun, f"execution_id = %s AND step_id IN "
                                  f"({', '.join(['%s'] * len(wanted_ids))})",
                         [key, *wanted_ids]))
    execution = executions[0] if executions else None
    if execution is None or execution.status != E.RUNNING:
        return None
    rows = {row.step_id: row for row in steps}
    step = rows.get(step_id)
    for row in rows.values():
        row.execution = execution
    if step is None or step.status not in (S.QUEUED, S.RETRYING):
        return None
    now = timezone.now()
    if step.wake_at and step.wake_at > now + timedelta(milliseconds=200):
        return None  # a backoff not yet over: the due message or the sweeper brings it back
    module = artifact_for(execution)
    step.status = S.RUNNING
    step.attempts += 1
    step.lease_token = uuid.uuid4().hex
    step.lease_owner = worker
    step.heartbeat_at = now
    step.wake_at = None
    step.started_at = step.started_at or now
    attempt_row = StepAttempt(step_run=step, number=step.attempts, status=S.RUNNING,
                              worker=worker, started_at=now)
    if not inline:
        rowsql.run(rowsql.updating(step, _CLAIM_FIELDS), rowsql.inserting(attempt_row))
    execution.current_step = step_id
    events.emit(execution.pk, "step_started", step_id=step_id, current_step=step_id,
                data={"attempt": step.attempts, "worker": worker})
    return Claim(step, execution, module.STEPS[step_id], attempt_row, stored=not inline,
                 rows=rows if inline else {})


def claim_store(claim: Claim) -> None:
    """Write an in-process claim before anything but its own commit handles the step (a
    failure goes through the same path as every other step's)."""
    if not claim.stored:
        rowsql.run(rowsql.updating(claim.step, _CLAIM_FIELDS),
                   rowsql.inserting(claim.attempt_row))
        claim.stored = True


def step_heartbeat(*, step_pk: int, token: str) -> str:
    """Renew the lease; returns what the runner should do: "run", "cancel" or "lost"."""
    updated = StepRun.objects.filter(pk=step_pk, lease_token=token, status=S.RUNNING).update(
        heartbeat_at=timezone.now())
    if not updated:
        return "lost"
    status = Execution.objects.filter(steps__pk=step_pk).values_list("status", flat=True).first()
    return "cancel" if status in (E.CANCELLED, E.FAILED) else "run"


def lock_step(step_pk: int, execution_id: Any = None) -> tuple[Execution | None,
                                                              StepRun | None]:
    """Lock the execution row, then the step row: the one lock order of every writer
    (claim, commit, sweeper, controls), so concurrent writers cannot deadlock."""
    if execution_id is None:
        execution_id = StepRun.objects.filter(pk=step_pk).values_list("execution_id",
                                                                      flat=True).first()
    if execution_id is None:
        return None, None
    key = Execution._meta.pk.get_db_prep_value(execution_id, connection)
    executions, steps = rowsql.run(  # one round trip, in the lock order
        rowsql.selecting(Execution, "id = %s", [key], lock=True),
        rowsql.selecting(StepRun, "id = %s", [step_pk], lock=True))
    if not executions:
        return None, None
    return executions[0], (steps[0] if steps else None)


def _locked_owned(step_pk: int, token: str,
                  execution_id: Any = None) -> tuple[Execution | None, StepRun | None]:
    execution, step = lock_step(step_pk, execution_id)
    if step is None or step.lease_token != token or step.status != S.RUNNING:
        return None, None  # the lease moved on: a late or duplicate attempt commits nothing
    return execution, step


def _closing_attempt(step: StepRun, status: str, *, error: dict[str, Any] | None,
                     metrics: dict[str, Any], attempt: StepAttempt | None = None,
                     stored: bool = True) -> rowsql.Statement | None:
    """The statement that records the attempt's end (None if its row cannot be found)."""
    now = timezone.now()
    attempt = attempt or StepAttempt.objects.filter(step_run=step, number=step.attempts).first()
    if attempt is None:
        return None
    attempt.status = status
    attempt.finished_at = now
    if attempt.started_at:
        attempt.duration_ms = round((now - attempt.started_at).total_seconds() * 1000, 3)
    attempt.error = error
    attempt.metrics = {k: v for k, v in metrics.items() if k != "samples"}
    if stored:
        return rowsql.updating(attempt, ["status", "finished_at", "duration_ms", "error",
                                         "metrics"])
    return rowsql.inserting(attempt)


def _close_attempt(step: StepRun, status: str, *, error: dict[str, Any] | None,
                   metrics: dict[str, Any]) -> None:
    statement = _closing_attempt(step, status, error=error, metrics=metrics)
    if statement is not None:
        rowsql.run(statement)


@transaction.atomic(savepoint=False)
@events.together()
def step_succeed(*, step_pk: int, token: str, output: Any, metrics: dict[str, Any],
                 debug: dict[str, Any] | None = None, max_bytes: int = 1_048_576,
                 config: dict[str, Any] | None = None, execution_id: Any = None,
                 claim: Claim | None = None) -> bool:
    """Commit a result. `claim`: the runner's claim of this attempt (its attempt row is
    closed without reading it again); when made in this same transaction, its rows are still
    locked and current, and an in-process claim not yet written is written here, with the
    result, in one UPDATE."""
    attempt, stored = None, True
    if claim is not None and claim.step.pk == step_pk and claim.token == token:
        if claim.rows:  # claimed in this transaction: its rows are locked and current
            execution, step = claim.execution, claim.step
            stored = claim.stored
        else:
            execution, step = _locked_owned(step_pk, token, execution_id)
        attempt = claim.attempt_row
    else:
        execution, step = _locked_owned(step_pk, token, execution_id)
    if step is None or execution is None:
        return False
    now = timezone.now()
    text = json.dumps(output, default=str)
    if len(text) > max_bytes:
        step.output = {"truncated": True, "bytes": len(text),
                       "preview": text[:PREVIEW_CHARS]}
        step.output_truncated = True
    else:
        step.output = output
    step.status = S.SUCCEEDED
    step.error = None
    step.finished_at = now
    step.duration_ms = round((now - step.started_at).total_seconds() * 1000, 3)
    step.metrics = metrics
    step.debug = debug or {}
    step.lease_token = ""
    rowsql.run(*filter(None, [  # one round trip: the step's row and its attempt's
        rowsql.updating(step, sorted({
            "output", "output_truncated", "status", "error", "finished_at", "duration_ms",
            "metrics", "debug", *([] if stored else _CLAIM_FIELDS)})),
        _closing_attempt(step, S.SUCCEEDED, error=None, metrics=metrics, attempt=attempt,
                         stored=stored)]))
    if claim is not None:
        claim.stored = True
    shown, truncated = preview(step.output)
    events.emit(execution.pk, "step_completed", step_id=step.step_id,
                duration_ms=step.duration_ms,
                data={"output": shown, "output_truncated": truncated or step.output_truncated,
                      "attempt": step.attempts,
                      "metrics": {k: v for k, v in metrics.items() if k != "samples"}})
    schedule_ready(execution, after=step.step_id, config=config,
                   known=claim.rows if claim is not None and claim.rows else None)
    return True


@transaction.atomic(savepoint=False)
@events.together()
def step_fail(*, step_pk: int, token: str | None, error: dict[str, Any],
              metrics: dict[str, Any] | None = None, debug: dict[str, Any] | None = None,
              final: bool = False) -> bool:
    """Record a failed attempt; retry with backoff when the policy allows, else fail the step
    (and the execution, unless the step continues on error)."""
    metrics = metrics or {}
    execution, step = _locked_owned(step_pk, token) if token is not None else lock_step(
        step_pk)
    if step is None or execution is None:
        return False
    module = artifact_for(execution)
    spec = module.STEPS[step.step_id]
    error = describe(error, node_id=step.step_id)
    _close_attempt(step, S.FAILED, error=error, metrics=metrics)
    retry = spec.get("retry") or {}
    max_attempts = int(step.overrides.get("max_attempts") or retry.get("max_attempts") or 1)
    now = timezone.now()
    step.metrics = metrics or step.metrics
    step.debug = debug or step.debug
    step.lease_token = ""
    if (not final and step.attempts < max_attempts and error["type"] not in NOT_RETRIED
            and execution.status == E.RUNNING):
        backoff = float(retry.get("backoff_seconds", 1)) * float(
            retry.get("backoff_factor", 1)) ** (step.attempts - 1)
        step.status = S.RETRYING
        step.error = error
        step.wake_at = now + timedelta(seconds=backoff)
        step.save()
        events.emit(execution.pk, "step_retrying", step_id=step.step_id, data={
            "attempt": step.attempts, "next_attempt": step.attempts + 1,
            "backoff_seconds": backoff, "error": error})
        timeout = step_timeout_s(execution, step, spec)
        transaction.on_commit(partial(dispatch.enqueue_step, execution.pk, step.step_id,
                                      timeout_s=timeout, countdown=backoff))
        return True
    step.status = S.FAILED
    step.error = error
    step.error_signature = error_signature(step.step_id, error)
    step.finished_at = now
    if step.started_at:
        step.duration_ms = round((now - step.started_at).total_seconds() * 1000, 3)
    step.save()
    events.emit(execution.pk, "step_failed", step_id=step.step_id,
                duration_ms=step.duration_ms,
                data={"error": error, "attempt": step.attempts,
                      "continues": spec.get("on_error") == "continue"})
    if execution.status != E.RUNNING:
        return True
    if spec.get("on_error") == "continue":
        schedule_ready(execution, after=step.step_id)
    else:
        finish(execution, E.FAILED, error={"step_id": step.step_id, **error})
    return True


@transaction.atomic
def step_cancelled(*, step_pk: int, token: str) -> None:
    _, step = _locked_owned(step_pk, token)
    if step is None:
        return
    _close_attempt(step, S.CANCELLED, error={"type": "cancelled", "message": "cancelled"},
                   metrics={})
    step.status = S.CANCELLED
    step.finished_at = timezone.now()
    step.lease_token = ""
    step.save()
    events.emit(step.execution_id, "step_failed", step_id=step.step_id,
                data={"error": {"type": "cancelled", "message": "the execution was stopped"}})


@transaction.atomic
def step_defer(*, step_pk: int, token: str, wake_at: Any = None, lease_owner: str) -> bool:
    """Release the worker while the step waits (a delay, or a child execution)."""
    _, step = _locked_owned(step_pk, token)
    if step is None:
        return False
    step.lease_owner = lease_owner
    step.wake_at = wake_at
    step.save(update_fields=["lease_owner", "wake_at"])
    return True


@transaction.atomic
def delay_elapsed(*, step_pk: int) -> bool:
    _, step = lock_step(step_pk)
    if step is None or step.status != S.RUNNING or step.lease_owner != "delay" or (
            step.wake_at and step.wake_at > timezone.now()):
        return False
    return step_succeed(step_pk=step.pk, token=step.lease_token, output=None, metrics={})
