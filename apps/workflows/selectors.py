"""Reads of workflows and compilations, always scoped to an owner."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from apps.workflows.models import Compilation, Workflow

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


def workflow_list(*, owner: AbstractBaseUser) -> QuerySet[Workflow]:
    """The owner's workflows, by name."""
    return Workflow.objects.filter(owner=owner).order_by("name")


def compilation_latest(*, workflow: Workflow) -> Compilation | None:
    """The newest compilation of the workflow's newest revision."""
    return workflow.compilations.order_by("-revision", "-id").first()
