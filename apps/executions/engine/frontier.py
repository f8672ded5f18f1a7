"""The frontier: which steps run next. A pending step whose predecessors are done is queued
(its message sent after commit), one whose branch was not taken is skipped, and when nothing
is left the execution finishes. The rules are compiler/semantics.py's, shared with the
local runner; the database decides, Redis only carries the next link."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.common import rowsql
from apps.executions import events, sql
from apps.executions.engine import finishing, transitions
from apps.executions.engine.artifacts import artifact_for
from apps.executions.models import TERMINAL_STEP, Execution, StepRun
from apps.runtime.selectors import runtime_config_get
from compiler.semantics import decide
from worker import dispatch

S = StepRun.Status
E = Execution.Status


def _state(step: StepRun, spec: dict[str, Any]) -> str:
    """The step's state as the semantics read it: a failure that continues produced output
    (null), and a user's skip with a substitute output counts as succeeded."""
    if step.status == S.FAILED and spec.get("on_error") == "continue":
        return "continued"
    if step.status == S.SKIPPED and step.overrides.get("substituted"):
        return "succeeded"
    return step.status


def step_timeout_s(execution: Execution, step: StepRun, spec: dict[str, Any],
                   config: dict[str, Any] | None = None) -> float:
    """The step's time limit: a retry's override, the step's own, else the owner's default."""
    explicit = step.overrides.get("timeout_seconds") or spec.get("timeout_seconds")
    if explicit:
        return float(explicit)
    config = config or runtime_config_get(owner=execution.owner_id)
    return float(config["default_timeout_seconds"])


class Keep:
    """A worker that finished a step may keep one successor that becomes ready to run it
    next itself, in its own transaction or task, instead of sending it through the broker
    (worker/runner.py): the hop of a chain costs no broker round trip. `eligible(step type,
    its timeout in seconds)` is the worker's rule. The kept step is queued and committed like
    any other; if the worker dies before running it, the sweeper sends it (a queued step
    whose message never started)."""

    def __init__(self, eligible: Callable[[str, float], bool]) -> None:
        self.eligible = eligible
        self.kept: tuple[Any, str, str, str] | None = None  # execution, step, artifact, type


_keeping = threading.local()


@contextmanager
def keeping_one(eligible: Callable[[str, float], bool]) -> Iterator[Keep]:
    """Within this block, the first ready step `eligible` accepts is kept (`Keep.kept`:
    execution id, step id, artifact hash, step type) rather than sent."""
    keep = Keep(eligible)
    _keeping.slot = keep
    try:
        yield keep
    finally:
        _keeping.slot = None


def send(execution: Execution, step: StepRun, *, config: dict[str, Any] | None = None,
         countdown: float | None = None, hints: bool = False) -> None:
    """Send the step's message after commit, with its time limit. `hints` (the step type
    and artifact hash) let an expression-only step run in one transaction."""
    spec = artifact_for(execution).STEPS[step.step_id]
    timeout = step_timeout_s(execution, step, spec, config)
    keep = getattr(_keeping, "slot", None)
    if (keep is not None and keep.kept is None and hints and countdown is None
            and keep.eligible(step.step_type, timeout)):
        keep.kept = (execution.pk, step.step_id, execution.code_sha256, step.step_type)
        return
    extra = {"step_type": step.step_type, "artifact": execution.code_sha256} if hints else {}
    transaction.on_commit(partial(dispatch.enqueue_step, execution.pk, step.step_id,
                                  timeout_s=timeout, countdown=countdown,
                                  priority=execution.priority, **extra))


# A pending step is the only kind the frontier queues or skips (checked at import).
_READY_FROM = transitions.bulk(StepRun, transitions.bulk(StepRun, [S.PENDING], S.QUEUED),
                               S.SKIPPED)


def schedule_ready(execution: Execution, *, after: str | None = None,
                   config: dict[str, Any] | None = None,
                   known: dict[str, StepRun] | None = None,
                   unfinished: dict[str, str] | None = None, current: bool = False) -> None:
    """Queue every pending step whose predecessors are done; skip the ones whose branch was
    not taken (repeatedly, as skips propagate); finish the execution when nothing is left.

    `after` names the step that just finished: only its successors can have become ready,
    so only they (and their predecessors' states) are read, which keeps a step's cost flat
    however long the workflow is. Without it (start, resume, retry, skip) every step is
    considered. The caller holds the execution's row lock, which every writer of steps
    takes first, so the rows read here cannot change underneath. `known`: rows read under
    that same lock in this transaction (and kept current), which saves reading them again;
    `unfinished`: the statuses of the steps not succeeded or skipped, read under the lock
    when `after` has no successors (so nothing here changes them but `after`'s own, in
    `known`). `current`: the execution's row was read under the lock in this transaction,
    so finishing need not read it again.
    """
    if execution.status != E.RUNNING:
        return
    module = artifact_for(execution)
    incoming, position = module.INCOMING, module.POSITION
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
            if step.status not in _READY_FROM:
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
            rowsql.later(rowsql.updating_many(StepRun, [s.pk for s in skipped],
                                              status=S.SKIPPED, finished_at=now))
            for step in skipped:
                events.step_skipped(execution.pk, step.step_id, reason="branch not taken")
        if queued:
            rowsql.later(rowsql.updating_many(StepRun, [s.pk for s in queued],
                                              status=S.QUEUED, queued_at=now))
            config = config or runtime_config_get(owner=execution.owner_id)
            for step in queued:
                queued_any = True
                events.step_queued(execution.pk, step.step_id)
                send(execution, step, config=config, hints=True)
        frontier = unlocked
    if queued_any:
        return  # a step was just queued: the execution is not over (saves a query a step)
    # The steps that did not succeed or skip decide whether the execution is over: read with
    # the last step's claim (before that step itself ended), or here.
    if unfinished is not None and known is not None and after in known:
        unfinished = {**unfinished, after: known[after].status}
    else:
        (unfinished,) = rowsql.run(sql.unfinished_steps(execution.pk))
    left = [(sid, status) for sid, status in unfinished.items()
            if status not in (S.SUCCEEDED, S.SKIPPED)]
    if any(status not in TERMINAL_STEP for _, status in left):
        return
    failed = [sid for sid, status in left
              if status == S.FAILED and module.STEPS[sid].get("on_error") != "continue"]
    if failed:
        finishing.finish(execution, E.FAILED, current=current,
                         error={"step_id": failed[0], "message": f"step {failed[0]!r} failed"})
    else:
        finishing.finish(execution, E.SUCCEEDED, current=current)
