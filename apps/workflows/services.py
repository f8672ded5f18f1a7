"""Writes to workflows: create, update, delete and compile. Every door that saves a workflow
(API, admin, web app, the examples loader) comes through here, so every save compiles."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils.text import slugify

from apps.common.exceptions import ApplicationError
from apps.runtime.models import Connection, EnvVar
from apps.workflows import events
from apps.workflows.models import Compilation, InputPreset, Workflow
from compiler import CompileContext, SubWorkflow, compile_definition

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


def compile_context_for(*, owner: AbstractBaseUser, slug: str | None) -> CompileContext:
    """The owner's env vars, connections and other workflows, as the compiler sees them."""
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


def workflow_compile(*, workflow: Workflow) -> Compilation:
    """Compile the workflow's current revision, store the result, announce both ends."""
    events.compilation_started(workflow)
    result = compile_definition(
        workflow.definition, compile_context_for(owner=workflow.owner, slug=workflow.slug)
    )
    compilation = Compilation.objects.create(
        workflow=workflow,
        revision=workflow.revision,
        status=result.status,
        duration_ms=result.duration_ms,
        compiler_version=result.compiler_version,
        definition=workflow.definition,
        generated_code=result.artifacts.generated_code,
        code_sha256=result.artifacts.code_sha256,
        source_map=result.artifacts.source_map,
        dependencies=result.artifacts.dependencies,
        issues=[issue.as_dict() for issue in result.issues],
    )
    events.compilation_completed(compilation)
    return compilation


@transaction.atomic
def workflow_create(*, owner: AbstractBaseUser, definition: Any, name: str | None = None,
                    slug: str | None = None, description: str | None = None) -> Workflow:
    """Save a new workflow and compile it. Name and description default from the definition."""
    name = name or (definition.get("name") if isinstance(definition, dict) else None) or ""
    slug = slug or slugify(name)[:100]
    if description is None:
        description = definition.get("description", "") if isinstance(definition, dict) else ""
    _validate_meta(name=name, slug=slug, definition=definition)
    if Workflow.objects.filter(owner=owner, slug=slug).exists():
        raise ApplicationError(f"A workflow with slug {slug!r} already exists.",
                               code="duplicate_slug", fields={"slug": "Already used."},
                               suggestion=f"Choose another slug, e.g. {slug}-2.")
    workflow = Workflow.objects.create(owner=owner, name=name, slug=slug,
                                       description=str(description or ""),
                                       definition=definition, revision=1)
    workflow_compile(workflow=workflow)
    return workflow


@transaction.atomic
def workflow_update(*, workflow: Workflow, definition: Any = None, name: str | None = None,
                    slug: str | None = None, description: str | None = None) -> Workflow:
    """Save changes; a changed definition is a new revision, and every save compiles."""
    workflow = Workflow.objects.select_for_update().get(pk=workflow.pk)
    new_definition = workflow.definition if definition is None else definition
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
    workflow_compile(workflow=workflow)
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
