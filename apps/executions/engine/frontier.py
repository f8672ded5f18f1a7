"""The frontier: which steps run next. A pending step whose predecessors are done is queued
(its message sent after commit, or kept by the worker that opened the unit), one whose branch
was not taken is skipped, and when nothing is left the execution finishes. The rules are
compiler/semantics.py's, shared with the local runner; the database decides, Redis only
carries the next link."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from apps.executions import events
from apps.executions.engine import finishing
from apps.executions.engine.artifacts import artifact_for
from apps.executions.engine.unit import Unit
from apps.executions.models import TERMINAL_STEP, Execution, StepRun
from compiler.semantics import decide

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


def schedule_ready(unit: Unit, execution: Execution, *, after: str | None = None) -> None:
    """Queue every pending step whose predecessors are done; skip the ones whose branch was
    not taken (repeatedly, as skips propagate); finish the execution when nothing is left.

    `after` names the step that just finished: only its successors can have become ready,
    so only they and their predecessors are looked at, which keeps a step's cost flat however
    long the workflow is. Without it (start, resume, retry, skip) every step is considered.
    The unit holds the execution's row lock, which every writer of steps takes first, so the
    rows it holds or reads cannot change underneath."""
    if execution.status != E.RUNNING:
        return
    module = artifact_for(execution)
    incoming, position = module.INCOMING, module.POSITION
    frontier = list(module.ORDER) if after is None else list(module.SUCCESSORS[after])
    queued_any = False
    while frontier:
        frontier = sorted(set(frontier), key=position.__getitem__)
        rows = unit.steps(execution, {*frontier, *(e["source"] for c in frontier
                                                   for e in incoming[c])})
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
        unit.move_all(skipped, S.SKIPPED, finished_at=now)
        for step in skipped:
            events.step_skipped(unit, execution.pk, step.step_id, reason="branch not taken")
        unit.move_all(queued, S.QUEUED, queued_at=now)
        for step in queued:
            queued_any = True
            events.step_queued(unit, execution.pk, step.step_id)
            unit.send_step(execution, step)
        frontier = unlocked
    if queued_any:
        return  # a step was just queued: the execution is not over
    left = unit.unfinished(execution)
    if any(status not in TERMINAL_STEP for status in left.values()):
        return
    failed = [sid for sid, status in left.items()
              if status == S.FAILED and module.STEPS[sid].get("on_error") != "continue"]
    if failed:
        finishing.finish(unit, execution, E.FAILED,
                         error={"step_id": failed[0], "message": f"step {failed[0]!r} failed"})
    else:
        finishing.finish(unit, execution, E.SUCCEEDED)
