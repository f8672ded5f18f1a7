"""Reads of executions shared by the API and the web app."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Q, QuerySet, Subquery

from apps.executions.events import event_payload
from apps.executions.models import Execution, ExecutionEvent, StepRun
from apps.workflows.models import Workflow


def execution_search(queryset: QuerySet[Execution], text: str) -> QuerySet[Execution]:
    """An execution id (or its start, 4+ hex digits), or part of the workflow's name/slug."""
    text = text.strip()
    if not text:
        return queryset
    try:
        return queryset.filter(pk=uuid.UUID(text))
    except ValueError:
        pass
    condition = Q(workflow__name__icontains=text) | Q(workflow__slug__icontains=text)
    hex_part = text.replace("-", "").lower()
    if 4 <= len(hex_part) <= 32 and all(c in "0123456789abcdef" for c in hex_part):
        condition |= Q(id__startswith=text.lower())
    return queryset.filter(condition)


def workflows_with_last_run(workflows: QuerySet[Workflow]) -> QuerySet[Workflow]:
    """Each workflow with its newest run started by a person or a trigger (a child run is
    its parent's): last_run_id, last_run_status, last_run_at; None when it never ran. One
    probe of the history's (owner, workflow, -created_at) index per workflow."""
    newest = (Execution.objects.filter(owner_id=OuterRef("owner_id"), workflow_id=OuterRef("pk"),
                                       parent__isnull=True).order_by("-created_at"))
    return workflows.annotate(
        last_run_id=Subquery(newest.values("pk")[:1]),
        last_run_status=Subquery(newest.values("status")[:1]),
        last_run_at=Subquery(newest.values("created_at")[:1]))


def step_type_of(step_pk: int) -> str | None:
    """The `node.type` of a step row (None when it is gone)."""
    return StepRun.objects.filter(pk=step_pk).values_list("step_type", flat=True).first()


def execution_owned(*, execution_id: Any, user_id: Any) -> Execution | None:
    """The execution if this user owns it; None for anybody else's or a bad id."""
    try:
        return Execution.objects.filter(pk=execution_id, owner_id=user_id).only("id").first()
    except (ValueError, ValidationError):
        return None


def events_after(*, execution_id: Any, after: int, upto: int | None = None,
                 limit: int = 500) -> list[dict[str, Any]]:
    """Stored events numbered after `after` (and before `upto`), in order, as clients get
    them (the catalogue's shapes)."""
    query = ExecutionEvent.objects.filter(execution_id=execution_id, seq__gt=after)
    if upto is not None:
        query = query.filter(seq__lt=upto)
    return [event_payload(e) for e in query.order_by("seq")[:limit]]


def queue_unblocked_by(owner_id: int, group: tuple[int, str] | None) -> QuerySet[Execution]:
    """The owner's queued executions that a run of `group` (workflow id, concurrency key)
    ending can let in: those waiting for a slot, and those held by that group's limit (a
    key "" is a limit without a key: the whole workflow). None: every queued one."""
    queued = Execution.objects.filter(owner_id=owner_id, status=Execution.Status.QUEUED)
    if group is None:
        return queued
    workflow_id, key = group
    return queued.filter(Q(waiting_on_limit=False) | Q(workflow_id=workflow_id,
                                                       concurrency_key=key))
