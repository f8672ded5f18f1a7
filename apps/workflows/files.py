"""Workflows as files, for a Git repository: one JSON file per workflow, named by its slug.

`workflows_export` writes each of an owner's workflows with sorted keys and fixed indentation,
so a change in the builder is a small diff in a pull request. `workflows_apply` takes such files
back: it creates or updates each workflow by slug (through apps/workflows/services.py, so each
save compiles), removes the owner's workflows that have no file when asked to prune, and says
what changed per workflow. It is all or nothing: a file that cannot be read refuses the whole
set before anything is written, and a workflow that compiles to `error` (or cannot be pruned)
rolls every change back. A dry run goes through the same steps and always rolls back, so its
plan carries the compile results too. `manage.py workflows` and `POST /api/v1/workflows/apply/`
both call this module (docs/integrating.md).
"""

from __future__ import annotations

import graphlib
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import ProtectedError

from apps.common.exceptions import ApplicationError
from apps.workflows import services
from apps.workflows.models import Compilation, Workflow

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

SUFFIX = ".json"
KEYS = frozenset({"name", "description", "definition"})
MAX_CHANGES_SHOWN = 50


@dataclass(frozen=True)
class WorkflowFile:
    """One file read back: the slug is the file's name; a bare definition (a file with
    `nodes` and no `definition`) is accepted too, its name and description taken from it."""

    slug: str
    definition: dict[str, Any]
    name: str | None = None
    description: str | None = None

    @property
    def calls(self) -> list[str]:
        return services.called_slugs(self.definition)


@dataclass
class WorkflowChange:
    """What apply did (or would do) to one workflow."""

    slug: str
    action: str  # create | update | unchanged | delete
    changes: list[str] = field(default_factory=list)
    revision: int | None = None
    status: str | None = None  # the compilation's; "error" also for a prune that failed
    issues: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status != Compilation.Status.ERROR


@dataclass
class ApplyResult:
    applied: bool
    dry_run: bool
    prune: bool
    workflows: list[WorkflowChange]

    @property
    def ok(self) -> bool:
        return all(change.ok for change in self.workflows)

    def as_dict(self) -> dict[str, Any]:
        return {"applied": self.applied, "dry_run": self.dry_run, "prune": self.prune,
                "ok": self.ok, "workflows": [asdict(change) for change in self.workflows]}


class ApplyRefused(ApplicationError):
    """Some workflow compiles to error (or cannot be pruned): nothing was applied. The
    error carries the whole plan, so the reader sees every problem at once."""

    code = "apply_refused"

    def __init__(self, result: ApplyResult) -> None:
        failed = [change for change in result.workflows if not change.ok]
        names = ", ".join(change.slug for change in failed)
        super().__init__(
            f"Nothing was applied: {len(failed)} workflow(s) would fail ({names}).",
            fields={f"{change.slug}{SUFFIX}": _first_problem(change) for change in failed},
            suggestion="Fix the files listed (each issue names its node and field) and apply "
                       "again.", extra={"plan": result.as_dict()})
        self.result = result


def _first_problem(change: WorkflowChange) -> str:
    errors = [issue for issue in change.issues if issue.get("type", "error") == "error"]
    if not errors:
        return "It does not compile."
    issue = errors[0]
    where = f"node {issue['node_id']}: " if issue.get("node_id") else ""
    return f"{where}{issue.get('message', '')}"


# ---- writing files ---------------------------------------------------------------------------

def workflow_file_text(workflow: Workflow) -> str:
    """The file of one workflow: sorted keys, two-space indentation, a final newline."""
    body = {"name": workflow.name, "description": workflow.description,
            "definition": workflow.definition}
    return json.dumps(body, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def workflows_export(*, owner: AbstractBaseUser) -> dict[str, str]:
    """Every workflow of the owner as {file name: text}, by slug."""
    return {f"{workflow.slug}{SUFFIX}": workflow_file_text(workflow)
            for workflow in Workflow.objects.filter(owner=owner).order_by("slug")}


# ---- reading files ---------------------------------------------------------------------------

def workflow_files_parse(files: Mapping[str, str]) -> list[WorkflowFile]:
    """Read every file, or refuse them all with each file's problem (nothing written yet)."""
    problems: dict[str, str] = {}
    parsed: list[WorkflowFile] = []
    for file_name in sorted(files):
        try:
            parsed.append(_parse_one(file_name, files[file_name]))
        except ValueError as error:
            problems[file_name] = str(error)
    if problems:
        raise ApplicationError(
            f"{len(problems)} file(s) cannot be read; nothing was applied.",
            code="invalid_files", fields=problems,
            suggestion="Each file is a workflow as `workflows export` writes it: a JSON object "
                       "with `definition` (and optionally `name` and `description`), named "
                       "<slug>.json.")
    return parsed


def _parse_one(file_name: str, text: str) -> WorkflowFile:
    if not isinstance(file_name, str) or not file_name.endswith(SUFFIX):
        raise ValueError(f"Name the file <slug>{SUFFIX}.")
    slug = file_name.removesuffix(SUFFIX)
    if "/" in slug or not services.SLUG_PATTERN.match(slug) or len(slug) > 100:
        raise ValueError("The file name is the workflow's slug: letters, digits, '-' and '_' "
                         "only (at most 100), then .json.")
    if not isinstance(text, str):
        raise ValueError("The file's content must be text.")
    try:
        body = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"Not valid JSON: {error.msg} at line {error.lineno}, column "
                         f"{error.colno}.") from None
    if not isinstance(body, dict):
        raise ValueError("The file must hold a JSON object.")
    if "definition" not in body and "nodes" in body:  # a bare definition, as in examples/
        return WorkflowFile(slug=slug, definition=body)
    unknown = sorted(set(body) - KEYS)
    if unknown:
        raise ValueError(f"Unknown key(s) {', '.join(unknown)}: a workflow file has "
                         f"definition, name and description.")
    if not isinstance(body.get("definition"), dict):
        raise ValueError("`definition` must be the workflow's JSON object.")
    for key in ("name", "description"):
        if body.get(key) is not None and not isinstance(body[key], str):
            raise ValueError(f"`{key}` must be text.")
    return WorkflowFile(slug=slug, definition=body["definition"], name=body.get("name"),
                        description=body.get("description"))


# ---- applying --------------------------------------------------------------------------------

def workflows_apply(*, owner: AbstractBaseUser, files: Mapping[str, str], prune: bool = False,
                    dry_run: bool = False) -> ApplyResult:
    """Create or update a workflow per file, prune the rest when asked; all or nothing.
    Raises ApplyRefused (with the plan) when anything would fail: nothing is kept then."""
    wanted = workflow_files_parse(files)
    with transaction.atomic():
        changes = _apply(owner, wanted, prune)
        result = ApplyResult(applied=False, dry_run=dry_run, prune=prune, workflows=changes)
        if dry_run or not result.ok:
            transaction.set_rollback(True)  # the compilations and on-commit news go too
    if not result.ok:
        raise ApplyRefused(result)
    result.applied = not dry_run
    return result


def _apply(owner: AbstractBaseUser, wanted: list[WorkflowFile],
           prune: bool) -> list[WorkflowChange]:
    existing = {workflow.slug: workflow for workflow in
                Workflow.objects.select_for_update().filter(owner=owner).order_by("slug")}
    changes = [_save(existing.get(item.slug), owner, item) for item in _callees_first(wanted)]
    if prune:
        kept = {item.slug for item in wanted}
        changes += [_prune(workflow) for slug, workflow in existing.items() if slug not in kept]
    return sorted(changes, key=lambda change: change.slug)


def _callees_first(wanted: list[WorkflowFile]) -> list[WorkflowFile]:
    """A workflow step compiles cleanly only when its callee exists: save callees first. A
    cycle of calls keeps the files' order (the compiler reports the cycle)."""
    by_slug = {item.slug: item for item in wanted}
    graph = {item.slug: {slug for slug in item.calls if slug in by_slug} for item in wanted}
    try:
        order = list(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError:
        return wanted
    return [by_slug[slug] for slug in order]


def _save(workflow: Workflow | None, owner: AbstractBaseUser,
          item: WorkflowFile) -> WorkflowChange:
    name = item.name if item.name is not None else item.definition.get("name")
    description = (item.description if item.description is not None
                   else item.definition.get("description"))
    action = "create" if workflow is None else "update"
    try:
        if workflow is None:
            workflow = services.workflow_create(owner=owner, definition=item.definition,
                                                name=name or item.slug, slug=item.slug,
                                                description=description)
            found = [f"+ {len(item.definition.get('nodes') or [])} node(s)"]
        else:
            found = _differences(workflow, item.definition, name, description)
            if not found:
                return _unchanged(workflow)
            workflow = services.workflow_update(workflow=workflow, definition=item.definition,
                                                name=name or workflow.name,
                                                description=description)
    except ApplicationError as error:  # a name or slug the services refuse
        problems = "; ".join(f"{key}: {value}" for key, value in error.fields.items())
        return WorkflowChange(item.slug, action, status=Compilation.Status.ERROR,
                              issues=[{"type": "error", "code": error.code,
                                       "message": f"{error.message} {problems}".strip()}])
    compilation = workflow.latest_compilation
    return WorkflowChange(item.slug, action, found, revision=workflow.revision,
                          status=compilation.status if compilation else None,
                          issues=list(compilation.issues) if compilation else [])


def _unchanged(workflow: Workflow) -> WorkflowChange:
    compilation = workflow.latest_compilation
    return WorkflowChange(workflow.slug, "unchanged", revision=workflow.revision,
                          status=compilation.status if compilation else None,
                          issues=list(compilation.issues) if compilation and
                          compilation.status == Compilation.Status.ERROR else [])


def _prune(workflow: Workflow) -> WorkflowChange:
    runs = workflow.executions.count()
    found = [f"- {runs} execution(s) in its history" if runs else "- no executions"]
    try:
        services.workflow_delete(workflow=workflow)
    except ProtectedError:
        # The workflows service cannot yet delete a workflow whose executions must stay
        # (their history); refuse the whole apply rather than lose or half-apply anything.
        return WorkflowChange(workflow.slug, "delete", found, status=Compilation.Status.ERROR,
                              issues=[{"type": "error", "code": "has_history", "message": (
                                  f"It has {runs} execution(s), and a workflow with history "
                                  f"cannot be deleted here yet. Keep its file, or apply "
                                  f"without prune.")}])
    return WorkflowChange(workflow.slug, "delete", found)


# ---- what changed ----------------------------------------------------------------------------

def _differences(workflow: Workflow, definition: dict[str, Any], name: str | None,
                 description: str | None) -> list[str]:
    found = []
    if name is not None and name != workflow.name:
        found.append(f"~ name: {workflow.name!r} -> {name!r}")
    if description is not None and description != workflow.description:
        found.append("~ description")
    found += _diff(workflow.definition, definition, "definition")
    if len(found) > MAX_CHANGES_SHOWN:
        found = [*found[:MAX_CHANGES_SHOWN], f"… and {len(found) - MAX_CHANGES_SHOWN} more"]
    return found


def _diff(old: Any, new: Any, path: str) -> list[str]:
    """Changed places as `~ path`, `+ path`, `- path`; nodes and edges matched by id."""
    if isinstance(old, dict) and isinstance(new, dict):
        out = []
        for key in sorted(set(old) | set(new)):
            where = f"{path}.{key}"
            if key not in old:
                out.append(f"+ {where}")
            elif key not in new:
                out.append(f"- {where}")
            else:
                out += _diff(old[key], new[key], where)
        return out
    if _by_id(old) is not None and _by_id(new) is not None:
        return _diff_items(_by_id(old), _by_id(new), path)
    return [] if old == new else [f"~ {path}"]


def _by_id(value: Any) -> dict[str, Any] | None:
    if not isinstance(value, list) or not all(
            isinstance(item, dict) and isinstance(item.get("id"), str) for item in value):
        return None
    items = {item["id"]: item for item in value}
    return items if len(items) == len(value) else None


def _diff_items(old: dict[str, Any], new: dict[str, Any], path: str) -> list[str]:
    out = []
    for item_id in [*old, *(key for key in new if key not in old)]:
        where = f"{path}[{item_id}]"
        if item_id not in old:
            out.append(f"+ {where}")
        elif item_id not in new:
            out.append(f"- {where}")
        else:
            out += _diff(old[item_id], new[item_id], where)
    if not out and list(old) != list(new):
        out.append(f"~ {path} (order)")
    return out
