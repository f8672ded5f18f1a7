"""Starting executions: validate inputs, persist the ExecutionContext, admit within the cap."""

from __future__ import annotations

import copy
from functools import partial
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from jsonschema import Draft202012Validator

from apps.audit.context import current_request
from apps.audit.services import audit_record
from apps.common.crypto import encrypt_json
from apps.common.exceptions import ApplicationError, Conflict
from apps.common.masking import MASK
from apps.executions import events, metrics, tracing
from apps.executions.engine import admission
from apps.executions.engine.artifacts import artifact_module
from apps.executions.engine.scope import real_inputs
from apps.executions.engine.unit import Unit
from apps.executions.models import Execution, Priority, StepRun
from apps.executions.services import files
from apps.runtime.selectors import runtime_config_get
from apps.workflows.models import Compilation, Workflow
from apps.workflows.selectors import compilation_of_revision

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


def _apply_defaults(schema: dict[str, Any], inputs: dict[str, Any]) -> dict[str, Any]:
    result = copy.deepcopy(inputs)
    for name, spec in (schema.get("properties") or {}).items():
        if isinstance(spec, dict) and "default" in spec and name not in result:
            result[name] = copy.deepcopy(spec["default"])
    return result


def validate_inputs(schema: dict[str, Any], inputs: Any) -> dict[str, Any]:
    """Inputs with defaults applied; ApplicationError(input_validation) lists every bad field."""
    if not isinstance(inputs, dict):
        raise ApplicationError("Invalid input data provided: inputs must be a JSON object.",
                               code="input_validation", fields={"inputs": "Expected an object."})
    completed = _apply_defaults(schema or {}, inputs)
    if not schema:
        return completed
    fields: dict[str, str] = {}
    for error in Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER
                                      ).iter_errors(completed):
        path = ".".join(str(p) for p in error.absolute_path)
        if error.validator == "required":
            missing = error.message.split("'")[1] if "'" in error.message else error.message
            fields[missing] = "This input is required."
        else:
            fields[path or "inputs"] = error.message if "password" not in str(
                error.schema.get("format", "")) else "Invalid value."
    if fields:
        raise ApplicationError("Invalid input data provided.", code="input_validation",
                               fields=fields,
                               suggestion="Fix the fields listed and run again.")
    return completed


def _secret_names(schema: dict[str, Any]) -> set[str]:
    return {name for name, spec in (schema.get("properties") or {}).items()
            if isinstance(spec, dict) and spec.get("format") == "password"}


def runnable_compilation(workflow: Workflow) -> Compilation:
    compilation = workflow.latest_compilation
    if compilation is not None and compilation.status == Compilation.Status.RESOLVING:
        raise Conflict("This workflow's python packages are still being resolved; it can run "
                       "once its compilation finishes.", code="not_runnable",
                       extra={"issues": []}, suggestion="Wait for the compilation to finish "
                       "(it is announced live on the workflow's channel), then run it.")
    if compilation is None or not compilation.runnable:
        issues = compilation.issues if compilation else []
        raise Conflict("This workflow cannot run until its compilation errors are fixed.",
                       code="not_runnable", extra={"issues": issues},
                       suggestion="Open the workflow, fix the issues listed and save it.")
    return compilation


def execution_start(*, workflow: Workflow, owner: AbstractBaseUser | None = None,
                    inputs: dict[str, Any] | None = None, trigger: str = "manual",
                    compilation: Compilation | None = None, parent: Execution | None = None,
                    parent_step_id: str = "", rerun_of: Execution | None = None,
                    environment: str = "default", idempotency_key: str = "",
                    source: dict[str, Any] | None = None,
                    priority: Priority | None = None) -> Execution:
    """Validate, then persist the ExecutionContext with its steps and start it when a slot is
    free, in one unit of work (else it waits `queued` for an admission). A repeated
    idempotency key returns the execution the first call started. A child runs at its
    parent's priority unless told otherwise."""
    owner_id = owner.pk if owner is not None else workflow.owner_id
    if idempotency_key:
        earlier = Execution.objects.filter(owner_id=owner_id, workflow=workflow,
                                           idempotency_key=idempotency_key).first()
        if earlier is not None:
            return earlier
    compilation = compilation or runnable_compilation(workflow)
    module = artifact_module(compilation)
    schema = module.INPUT_SCHEMA or {}
    values = validate_inputs(schema, files.unwrap_references(
        schema, inputs if inputs is not None else {}))
    values = files.resolve_references(owner_id=owner_id, schema=schema, values=values)
    secret_names = _secret_names(schema)
    secrets = {k: v for k, v in values.items() if k in secret_names}
    shown = {k: (MASK if k in secret_names else v) for k, v in values.items()}
    execution = Execution(
        owner_id=owner_id, workflow=workflow, compilation=compilation, parent=parent,
        parent_step_id=parent_step_id, rerun_of=rerun_of, trigger=trigger,
        environment=environment, inputs=shown, idempotency_key=idempotency_key,
        source=source or {},
        priority=priority if priority is not None else (
            parent.priority if parent is not None else Priority.NORMAL),
        code_sha256=compilation.code_sha256,
        encrypted_secret_inputs=encrypt_json(secrets) if secrets else "",
        concurrency_key=admission.concurrency_key(module, values, secrets.values()),
    )
    # With a free slot and nobody waiting, start in this same transaction (the common case:
    # one transaction instead of two); otherwise it waits as `queued` for admit().
    with Unit() as unit:
        config = runtime_config_get(owner=owner_id)
        wait = admission.why_wait(unit, execution, module,
                                  cap=config["max_concurrent_executions"],
                                  child=parent is not None)
        if wait is None:
            admission.mark_started(execution)
        else:
            execution.waiting_reason, execution.waiting_on_limit = wait
        unit.create(execution)
        unit.create_all([
            StepRun(execution=execution, step_id=step_id,
                    step_type=module.STEPS[step_id]["type"])
            for step_id in module.ORDER
        ])
        if parent is not None:  # the parent's `workflow` step waits on this child
            unit.update(StepRun.objects.filter(execution=parent, step_id=parent_step_id),
                        child_execution=execution)
        unit.after_commit(partial(metrics.execution_started, trigger))
        if tracing.enabled():
            request = current_request()
            unit.after_commit(partial(
                tracing.start_call, execution.pk, execution.created_at, timezone.now(),
                trigger, tracing.caller(request.headers.get("traceparent") if request
                                        else None)))
        if parent is None:  # a child is its parent's doing, already recorded
            audit_record("execution.start", owner_id=owner_id,
                         target=f"execution:{execution.pk}",
                         detail={"workflow": workflow.pk, "trigger": trigger,
                                 "priority": Priority(execution.priority).label,
                                 **({"rerun_of": str(rerun_of.pk)} if rerun_of else {})})
        events.execution_queued(unit, execution.pk, workflow_id=workflow.pk,
                                revision=compilation.revision, trigger=trigger,
                                steps=list(module.ORDER))
        if wait is None:
            admission.begin(unit, execution)
        elif not wait.on_limit:  # held by its own limit: nothing to admit
            unit.after_commit(partial(execution_admit, owner_id=owner_id,
                                      group=(workflow.pk, execution.concurrency_key)))
    return execution


def execution_admit(*, owner_id: int, group: tuple[int, str] | None = None) -> list[str]:
    """Admit the owner's queued executions into free slots (a run of `group`, the (workflow
    id, concurrency key), ended; None: look at every queued one). Returns the ids started."""
    with Unit() as unit:
        return admission.admit(unit, owner_id, group)


def execution_rerun(*, execution: Execution, inputs: dict[str, Any] | None = None,
                    trigger: str = "manual", priority: Priority | None = None,
                    revision: int | None = None) -> Execution:
    """Run the same compiled revision (or `revision`) again with the same inputs (secrets
    included) or edited ones; masked values in edited inputs keep their original secret."""
    compilation = execution.compilation if revision is None else compilation_of_revision(
        workflow_id=execution.workflow_id, revision=revision)
    original = real_inputs(execution)
    if inputs is None:
        new_inputs = original
    else:
        new_inputs = {k: (original.get(k) if v == MASK else v) for k, v in inputs.items()}
    return execution_start(workflow=execution.workflow, owner=execution.owner,
                           inputs=new_inputs, trigger=trigger,
                           compilation=compilation, rerun_of=execution,
                           priority=execution.priority if priority is None else priority)
