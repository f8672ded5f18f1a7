"""Writes to workflows: create, update, delete and compile. Every door that saves a workflow
(API, admin, web app, the examples loader) comes through here, so every save compiles."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils.text import slugify

from apps.common.exceptions import ApplicationError
from apps.runtime.models import Connection, EnvVar
from apps.workflows import events, packages
from apps.workflows.models import Compilation, InputPreset, Workflow
from compiler import COMPILER_VERSION, CompileContext, SubWorkflow, compile_definition
from worker import dispatch

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

MAX_DEFINITION_BYTES = 5 * 1024 * 1024
SLUG_PATTERN = re.compile(r"^[-a-zA-Z0-9_]+$")


class DefinitionTooLarge(ApplicationError):
    """A definition over MAX_DEFINITION_BYTES: refused before it is compiled or stored."""

    status = 413
    code = "definition_too_large"


def check_definition_size(size: int) -> None:
    """Refuse a definition whose JSON text is `size` bytes, when that is over the limit."""
    if size > MAX_DEFINITION_BYTES:
        raise DefinitionTooLarge(
            f"The workflow definition is {size:,} bytes of JSON; the limit is "
            f"{MAX_DEFINITION_BYTES:,} bytes (5 MB).",
            suggestion="Split the workflow into sub-workflows, or pass large data as inputs "
                       "instead of writing it into the definition.")


def _definition_size(definition: Any) -> int:
    return len(json.dumps(definition, separators=(",", ":"), ensure_ascii=False,
                          default=str).encode())


def _validate_meta(*, name: str, slug: str, definition: Any) -> None:
    check_definition_size(_definition_size(definition))
    fields: dict[str, str] = {}
    if not isinstance(name, str) or not name.strip():
        fields["name"] = "Give the workflow a name."
    elif len(name) > 200:
        fields["name"] = "Keep the name under 200 characters."
    if not isinstance(slug, str) or not SLUG_PATTERN.match(slug) or len(slug) > 100:
        fields["slug"] = "Use letters, digits, '-' and '_' only (at most 100)."
    if not isinstance(definition, dict):
        fields["definition"] = "The definition is a JSON object with nodes and edges."
    if fields:
        raise ApplicationError("The workflow cannot be saved.", code="invalid_workflow",
                               fields=fields)


def compile_context_for(*, owner: AbstractBaseUser, slug: str | None,
                        resolution: packages.Resolution | None = None) -> CompileContext:
    """The owner's env vars, connections and other workflows, and the python steps' resolved
    requirements, as the compiler sees them."""
    workflows = {
        wf_slug: SubWorkflow(
            input_schema=(definition or {}).get("input_schema") or {}
            if isinstance(definition, dict) else {},
            calls=tuple(called_slugs(definition)),
        )
        for wf_slug, definition in Workflow.objects.filter(owner=owner)
        .values_list("slug", "definition")
    }
    return CompileContext(
        env_vars=frozenset(EnvVar.objects.filter(owner=owner).values_list("name", flat=True)),
        connections=frozenset(
            Connection.objects.filter(owner=owner).values_list("name", flat=True)
        ),
        workflows=workflows,
        self_slug=slug,
        timeout_ceiling_s=settings.STEP_TIMEOUT_CEILING_S,
        python_locks=resolution.locks if resolution is not None else {},
    )


def called_slugs(definition: Any) -> list[str]:
    """The slugs of the workflows a definition's `workflow` steps call."""
    if not isinstance(definition, dict) or not isinstance(definition.get("nodes"), list):
        return []
    slugs = []
    for node in definition["nodes"]:
        if isinstance(node, dict) and node.get("type") == "workflow":
            config = (node.get("data") or {}).get("config") if isinstance(node.get("data"),
                                                                            dict) else None
            if isinstance(config, dict) and isinstance(config.get("workflow"), str):
                slugs.append(config["workflow"])
    return slugs


RESOLVING_MESSAGE = "resolving packages…"


def workflow_resolve(*, definition: Any, retry_failed: bool = False) -> packages.Resolution:
    """Resolve the python steps' requirements for a save, within the web process's budget
    (PACKAGES_RESOLVE_WAIT_S). Call it before the save's transaction: it may take a moment,
    and no row lock (nor SQLite's one writer) is held meanwhile."""
    return packages.resolve_definition(definition, budget_s=settings.PACKAGES_RESOLVE_WAIT_S,
                                       retry_failed=retry_failed)


def workflow_compile(*, workflow: Workflow,
                     resolution: packages.Resolution | None = None) -> Compilation:
    """Compile the workflow's current revision, store the result, announce both ends. When
    some requirements are still being resolved, the compilation is stored `resolving` (not
    runnable), said so live, and a worker finishes it (compilation_finish)."""
    events.compilation_started(workflow)
    if resolution is None:
        resolution = workflow_resolve(definition=workflow.definition)
    if resolution.pending:
        compilation = Compilation.objects.create(
            workflow=workflow, revision=workflow.revision, status=Compilation.Status.RESOLVING,
            compiler_version=COMPILER_VERSION, definition=workflow.definition)
        events.compilation_resolving(compilation, message=RESOLVING_MESSAGE)
        transaction.on_commit(lambda: dispatch.enqueue_compilation_finish(compilation.pk))
        return compilation
    stored = _store_result(workflow=workflow, definition=workflow.definition,
                           revision=workflow.revision, resolution=resolution)
    assert stored is not None  # noqa: S101 - a new compilation is always stored
    return stored


def _store_result(*, workflow: Workflow, definition: Any, revision: int,
                  resolution: packages.Resolution,
                  resolving: Compilation | None = None) -> Compilation | None:
    """Compile and store the result: a new compilation, or the `resolving` one finished
    (only while it is still resolving: None when another delivery finished it first)."""
    result = compile_definition(definition, compile_context_for(
        owner=workflow.owner, slug=workflow.slug, resolution=resolution))
    fields = {"status": result.status, "duration_ms": result.duration_ms,
              "compiler_version": result.compiler_version, "definition": definition,
              "generated_code": result.artifacts.generated_code,
              "code_sha256": result.artifacts.code_sha256,
              "source_map": result.artifacts.source_map,
              "dependencies": result.artifacts.dependencies,
              "issues": [issue.as_dict() for issue in result.issues]}
    if resolving is None:
        compilation = Compilation.objects.create(workflow=workflow, revision=revision, **fields)
    elif Compilation.objects.filter(pk=resolving.pk, status=Compilation.Status.RESOLVING) \
            .update(**fields):
        compilation = Compilation.objects.get(pk=resolving.pk)
    else:
        return None
    used = {lock.digest for lock in resolution.locks.values() if lock.ok}
    compilation.package_locks.set([row for row in resolution.rows if row.digest in used])
    events.compilation_completed(compilation)
    return compilation


def compilations_resend_stuck(*, now: Any) -> int:
    """Compilations left `resolving` past the resolver's limit (their message was lost, or
    their worker killed mid-way) are sent to a worker again: a save never stays unrunnable.
    Their `compiled_at` moves on, so one is sent again once per limit, not every sweep."""
    stale = now - timedelta(seconds=settings.PACKAGES_RESOLVE_TIMEOUT_S + 60)
    stuck = list(Compilation.objects.filter(status=Compilation.Status.RESOLVING,
                                            compiled_at__lt=stale).values_list("pk", flat=True))
    for pk in stuck:
        Compilation.objects.filter(pk=pk, status=Compilation.Status.RESOLVING).update(
            compiled_at=now)
        dispatch.enqueue_compilation_finish(pk)
    return len(stuck)


def workflow_recompile(*, workflow: Workflow) -> Compilation:
    """Compile the current revision again on demand: failed resolutions are tried again
    (a package published since), resolved ones come from the cache."""
    resolution = workflow_resolve(definition=workflow.definition, retry_failed=True)
    with transaction.atomic():
        return workflow_compile(workflow=workflow, resolution=resolution)


def compilation_finish(*, compilation_id: int) -> str:
    """Finish a compilation stored `resolving` (the worker task of that name): resolve its
    requirements without the web's budget (each set up to PACKAGES_RESOLVE_TIMEOUT_S), then
    compile and announce it. Runs once: another delivery finds it finished."""
    waiting = (Compilation.objects.select_related("workflow")
               .filter(pk=compilation_id, status=Compilation.Status.RESOLVING).first())
    if waiting is None:
        return "finished already"
    resolution = packages.resolve_definition(waiting.definition, budget_s=None)
    with transaction.atomic():
        finished = _store_result(workflow=waiting.workflow, definition=waiting.definition,
                                 revision=waiting.revision, resolution=resolution,
                                 resolving=waiting)
    return finished.status if finished is not None else "finished already"


def workflow_create(*, owner: AbstractBaseUser, definition: Any, name: str | None = None,
                    slug: str | None = None, description: str | None = None) -> Workflow:
    """Save a new workflow and compile it. Name and description default from the definition."""
    name = name or (definition.get("name") if isinstance(definition, dict) else None) or ""
    slug = slug or slugify(name)[:100]
    if description is None:
        description = definition.get("description", "") if isinstance(definition, dict) else ""
    _validate_meta(name=name, slug=slug, definition=definition)
    resolution = workflow_resolve(definition=definition)  # before the transaction
    with transaction.atomic():
        if Workflow.objects.filter(owner=owner, slug=slug).exists():
            raise ApplicationError(f"A workflow with slug {slug!r} already exists.",
                                   code="duplicate_slug", fields={"slug": "Already used."},
                                   suggestion=f"Choose another slug, e.g. {slug}-2.")
        workflow = Workflow.objects.create(owner=owner, name=name, slug=slug,
                                           description=str(description or ""),
                                           definition=definition, revision=1)
        workflow_compile(workflow=workflow, resolution=resolution)
    return workflow


def workflow_update(*, workflow: Workflow, definition: Any = None, name: str | None = None,
                    slug: str | None = None, description: str | None = None) -> Workflow:
    """Save changes; a changed definition is a new revision, and every save compiles."""
    if definition is not None:
        _validate_meta(name=workflow.name if name is None else name,
                       slug=workflow.slug if slug is None else slug, definition=definition)
    resolved_for = workflow.definition if definition is None else definition
    resolution = workflow_resolve(definition=resolved_for)  # before the transaction
    with transaction.atomic():
        workflow = Workflow.objects.select_for_update().get(pk=workflow.pk)
        new_definition = workflow.definition if definition is None else definition
        if new_definition != resolved_for:  # saved by someone else meanwhile (rare)
            resolution = workflow_resolve(definition=new_definition)
        new_name = workflow.name if name is None else name
        new_slug = workflow.slug if slug is None else slug
        _validate_meta(name=new_name, slug=new_slug, definition=new_definition)
        if new_slug != workflow.slug and Workflow.objects.filter(
                owner=workflow.owner, slug=new_slug).exclude(pk=workflow.pk).exists():
            raise ApplicationError(f"A workflow with slug {new_slug!r} already exists.",
                                   code="duplicate_slug", fields={"slug": "Already used."})
        if new_definition != workflow.definition:
            workflow.revision += 1
        workflow.definition = new_definition
        workflow.name, workflow.slug = new_name, new_slug
        if description is not None:
            workflow.description = description
        workflow.save()
        workflow_compile(workflow=workflow, resolution=resolution)
    return workflow


@transaction.atomic
def workflow_delete(*, workflow: Workflow) -> None:
    """Remove a workflow with its compilations, presets and executions."""
    workflow.delete()


@transaction.atomic
def preset_save(*, workflow: Workflow, owner: AbstractBaseUser, name: str,
                inputs: dict[str, Any]) -> InputPreset:
    """Save inputs under a name; secret (password) inputs are dropped, never stored."""
    props = (workflow.definition.get("input_schema") or {}).get("properties") or {}
    kept = {key: value for key, value in inputs.items()
            if not (isinstance(props.get(key), dict) and props[key].get("format") == "password")}
    preset, _ = InputPreset.objects.update_or_create(
        workflow=workflow, name=name, defaults={"owner": owner, "inputs": kept})
    return preset
