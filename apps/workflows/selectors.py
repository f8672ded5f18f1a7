"""Reads of workflows and compilations, always scoped to an owner."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from apps.common.exceptions import NotFound
from apps.workflows.models import Compilation, Workflow

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


def workflow_list(*, owner: AbstractBaseUser) -> QuerySet[Workflow]:
    """The owner's workflows, by name."""
    return Workflow.objects.filter(owner=owner).order_by("name")


def workflow_get(*, owner: AbstractBaseUser, workflow_id: int | None = None,
                 slug: str | None = None) -> Workflow:
    """One of the owner's workflows by id or slug; anybody else's is NotFound."""
    query = Workflow.objects.filter(owner=owner)
    query = query.filter(pk=workflow_id) if workflow_id is not None else query.filter(slug=slug)
    workflow = query.first()
    if workflow is None:
        raise NotFound(f"workflow {workflow_id or slug!r} not found")
    return workflow


def compilation_latest(*, workflow: Workflow) -> Compilation | None:
    """The newest compilation of the workflow's newest revision."""
    return workflow.compilations.order_by("-revision", "-id").first()
