"""Controls on a live or finished execution: cancel, pause, resume, retry or skip a step.
Each is safe to call twice: a repeated call leaves things as they are. `step_actions` says
which of retry and skip a step allows now, and why not, from the same rules."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.utils import timezone

from apps.audit.services import audit_record
from apps.common.exceptions import ApplicationError, Conflict, NotFound
from apps.executions import events
from apps.executions.engine import finishing, frontier, transitions
from apps.executions.engine.artifacts import artifact_for
from apps.executions.engine.unit import Unit
from apps.executions.models import TERMINAL_EXECUTION, Execution, StepRun
from apps.runtime.params import PARAMS
from apps.workflows.models import Compilation
from apps.workflows.selectors import compilation_of_revision

S = StepRun.Status
E = Execution.Status

RETRYABLE = frozenset({S.FAILED})
SKIPPABLE = frozenset({S.FAILED, S.PENDING, S.QUEUED, S.CANCELLED})
# "This step …", for saying why an action does not apply to it.
_STEP_IS = {S.SUCCEEDED: "succeeded", S.SKIPPED: "was skipped", S.RUNNING: "is running",
            S.RETRYING: "is about to run again", S.QUEUED: "is queued to run",
            S.PENDING: "has not run yet", S.CANCELLED: "was cancelled",
            S.WAITING: "waits for a person's decision (approve or reject it)"}


def step_actions(*, step: StepRun, execution_status: str) -> dict[str, dict[str, Any]]:
    """Whether retry and skip apply to this step now, and in words why not: the rules of
    step_retry and step_skip, for pages and clients that offer only what applies."""
    def verdict(allowed: frozenset[str], what: str) -> dict[str, Any]:
        if step.status not in allowed:
            state = _STEP_IS.get(step.status, step.status)
            return {"applies": False, "why": f"This step {state}; {what}."}
        if execution_status != E.RUNNING and not transitions.allowed(
                Execution, execution_status, E.RUNNING):
            state = _STEP_IS.get(execution_status, execution_status)
            return {"applies": False,
                    "why": f"This run {state} and cannot go on; re-run it instead."}
        return {"applies": True, "why": ""}

    return {"retry": verdict(RETRYABLE, "retry applies to failed steps"),
            "skip": verdict(SKIPPABLE, "skip applies to failed steps and to steps that have "
                                       "not run yet")}


def _audit(action: str, execution: Execution, **detail: Any) -> None:
    audit_record(action, owner_id=execution.owner_id, target=f"execution:{execution.pk}",
                 detail=detail)


def _locked(unit: Unit, execution: Execution) -> Execution:
    locked = unit.lock(execution.pk)
    if locked is None:
        raise NotFound("No such execution.")
    return locked


def execution_cancel(*, execution: Execution) -> Execution:
    """Stop now: no new step starts; steps not started and steps that wait are cancelled;
    running steps are stopped by their runner within a heartbeat, and the execution's story
    ends (execution_completed) once they have; children are cancelled too."""
    with Unit() as unit:
        execution = _locked(unit, execution)
        if execution.status in TERMINAL_EXECUTION:
            return execution
        finishing.finish(unit, execution, E.CANCELLED,
                         error={"type": "cancelled", "message": "cancelled by the user"})
        _audit("execution.cancel", execution)
        # Children are cancelled after this commits, each in its own unit: a child that
        # finishes locks itself and then its parent, so holding the parent while locking a
        # child here would be the opposite order (a deadlock).
        unit.after_commit(partial(_cancel_children, execution.pk))
    return execution


def _cancel_children(execution_id: Any) -> None:
    for child in Execution.objects.filter(parent_id=execution_id).exclude(
            status__in=list(TERMINAL_EXECUTION)):
        execution_cancel(execution=child)


def execution_pause(*, execution: Execution) -> Execution:
    """No new step starts until resumed; running steps finish."""
    with Unit() as unit:
        execution = _locked(unit, execution)
        if execution.status == E.PAUSED:
            return execution
        if not transitions.allowed(Execution, execution.status, E.PAUSED):
            raise Conflict(f"Only a running execution can be paused; this one is "
                           f"{execution.status}.", code="invalid_transition")
        unit.move(execution, E.PAUSED)
        events.execution_paused(unit, execution.pk)
        _audit("execution.pause", execution)
    return execution


def execution_resume(*, execution: Execution) -> Execution:
    """Go on: steps queued meanwhile are sent again, and whatever became ready is queued."""
    with Unit() as unit:
        execution = _locked(unit, execution)
        if execution.status == E.RUNNING:
            return execution
        if execution.status != E.PAUSED:
            raise Conflict(f"Only a paused execution can be resumed; this one is "
                           f"{execution.status}.", code="invalid_transition")
        unit.move(execution, E.RUNNING)
        events.execution_resumed(unit, execution.pk)
        rows = unit.steps(execution, artifact_for(execution).ORDER)
        for step in rows.values():
            if step.status in (S.QUEUED, S.RETRYING):
                unit.send_step(execution, step)  # refused while paused: send again
        frontier.schedule_ready(unit, execution)
        _audit("execution.resume", execution)
    return execution


def _check_continuable(execution: Execution) -> None:
    if not transitions.allowed(Execution, execution.status, E.RUNNING):
        raise Conflict(f"A {execution.status} execution cannot continue; re-run it instead.",
                       code="invalid_transition")


def _reopen(unit: Unit, execution: Execution, from_step: str) -> None:
    """Put a failed execution back to running and re-open the steps that were cancelled when
    it failed; `from_step` is the step the user retried or skipped."""
    rows = unit.steps(execution, artifact_for(execution).ORDER)
    unit.move_all([step for step in rows.values() if step.status == S.CANCELLED], S.PENDING,
                  finished_at=None)
    if execution.status == E.FAILED:  # a paused or queued one goes on when it resumes
        execution.finished_at = None
        execution.duration_ms = None
        execution.error = None
        unit.move(execution, E.RUNNING, "finished_at", "duration_ms", "error")
        events.execution_resumed(unit, execution.pk, reason="continued", from_step=from_step)


def _step(unit: Unit, execution: Execution, step_id: str) -> StepRun:
    step = unit.steps(execution, [step_id]).get(step_id)
    if step is None:
        raise ApplicationError(f"No step {step_id!r} in this execution.", code="not_found")
    return step


def _check_overrides(timeout_seconds: Any, memory_limit_mb: Any) -> dict[str, Any]:
    overrides: dict[str, Any] = {}
    fields: dict[str, str] = {}
    for key, value, param in (("timeout_seconds", timeout_seconds, "default_timeout_seconds"),
                              ("memory_limit_mb", memory_limit_mb, "default_memory_limit_mb")):
        if value is None:
            continue
        problem = PARAMS[param].validate(value)
        if problem:
            fields[key] = problem
        overrides[key] = value
    if fields:
        raise ApplicationError("Invalid limits.", code="invalid_limits", fields=fields)
    return overrides


def _shape(definition: dict[str, Any]) -> tuple[set[tuple[Any, Any]], set[tuple[Any, ...]]]:
    nodes = {(n.get("id"), n.get("type")) for n in definition.get("nodes", [])
             if isinstance(n, dict)}
    edges = {(e.get("source"), e.get("target"), e.get("sourceHandle"))
             for e in definition.get("edges", []) if isinstance(e, dict)}
    return nodes, edges


def _revision(execution: Execution, revision: int) -> Compilation:
    """The workflow's compiled `revision`, if this execution can go on with it: it compiled
    and keeps every node (id and type) and edge, so the steps already done stay meaningful.
    Anything else is a new workflow: re-run it instead."""
    compilation = compilation_of_revision(workflow_id=execution.workflow_id, revision=revision)
    if compilation.status == Compilation.Status.ERROR or not compilation.code_sha256:
        raise Conflict(f"Revision {revision} did not compile; fix its errors first.",
                       code="not_runnable")
    if _shape(compilation.definition) != _shape(execution.compilation.definition):
        raise Conflict(f"Revision {revision} changes the workflow's nodes or edges, so this "
                       f"execution cannot continue with it; re-run it on revision "
                       f"{revision} instead.", code="revision_incompatible")
    return compilation


def step_retry(*, execution: Execution, step_id: str, inputs: dict[str, Any] | None = None,
               timeout_seconds: int | None = None, memory_limit_mb: int | None = None,
               revision: int | None = None) -> StepRun:
    """Run a failed step again, optionally with new inputs or limits, and continue from it;
    with `revision`, this step and every step after it run that revision's code (fix and
    resume: the steps already done keep their results)."""
    with Unit() as unit:
        execution = _locked(unit, execution)
        step = _step(unit, execution, step_id)
        if step.status == S.PENDING or (step.status in (S.QUEUED, S.RUNNING, S.RETRYING)):
            return step  # already going again
        if step.status not in RETRYABLE:
            raise Conflict(f"Only a failed step can be retried; {step_id!r} is "
                           f"{step.status}.", code="invalid_transition")
        if execution.status != E.RUNNING:
            _check_continuable(execution)
        overrides = dict(step.overrides)
        overrides.update(_check_overrides(timeout_seconds, memory_limit_mb))
        if inputs is not None:
            if not isinstance(inputs, dict):
                raise ApplicationError("inputs must be an object.", code="invalid",
                                       fields={"inputs": "Expected an object."})
            overrides["inputs"] = inputs
        new = _revision(execution, revision) if revision is not None else None
        if new is not None and new.pk != execution.compilation_id:
            history = [*(execution.source or {}).get("revisions", []), {
                "from": execution.compilation.revision, "to": new.revision,
                "step_id": step_id, "at": timezone.now().isoformat()}]
            execution.source = {**(execution.source or {}), "revisions": history}
            execution.compilation, execution.code_sha256 = new, new.code_sha256
            unit.save(execution, "compilation", "code_sha256", "source")
        overrides["max_attempts"] = step.attempts + 1
        step.overrides = overrides
        step.finished_at = None
        unit.move(step, S.PENDING, "overrides", "finished_at")
        _reopen(unit, execution, step_id)
        events.step_queued(unit, execution.pk, step_id, retry=True,
                           overrides={k: v for k, v in overrides.items() if k != "inputs"},
                           revision=new.revision if new is not None else None)
        frontier.schedule_ready(unit, execution)
        _audit("step.retry", execution, step=step_id, revision=new.revision if new else None,
               changed=sorted(k for k in ("inputs", "timeout_seconds", "memory_limit_mb")
                              if k in overrides))
    return step


def step_skip(*, execution: Execution, step_id: str, output: Any = None) -> StepRun:
    """Mark a failed or pending step skipped with a substitute output, and continue."""
    with Unit() as unit:
        execution = _locked(unit, execution)
        step = _step(unit, execution, step_id)
        if step.status == S.SKIPPED and step.overrides.get("substituted"):
            return step
        if step.status not in SKIPPABLE:
            raise Conflict(f"Only a failed or pending step can be skipped; {step_id!r} is "
                           f"{step.status}.", code="invalid_transition")
        if execution.status not in (E.RUNNING, E.PAUSED, E.QUEUED):
            _check_continuable(execution)
        step.output = output
        step.overrides = {**step.overrides, "substituted": True}
        step.finished_at = timezone.now()
        unit.move(step, S.SKIPPED, "output", "overrides", "finished_at")
        events.step_skipped(unit, execution.pk, step_id, reason="skipped by the user",
                            output=output)
        _reopen(unit, execution, step_id)
        frontier.schedule_ready(unit, execution)
        _audit("step.skip", execution, step=step_id)
    return step
