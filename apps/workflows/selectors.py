"""Reads of workflows and compilations, always scoped to an owner."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.db.models.functions import Lower

from apps.common.exceptions import ApplicationError
from apps.workflows import packages
from apps.workflows.models import Compilation, Workflow

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


def workflow_list(*, owner: AbstractBaseUser, search: str = "") -> QuerySet[Workflow]:
    """The owner's workflows by name, whatever its case; with `search`, those whose name,
    slug or description contains it (any case)."""
    workflows = Workflow.objects.filter(owner=owner).order_by(Lower("name"), "pk")
    search = search.strip()
    if search:
        workflows = workflows.filter(Q(name__icontains=search) | Q(slug__icontains=search)
                                     | Q(description__icontains=search))
    return workflows


def compilation_latest(*, workflow: Workflow) -> Compilation | None:
    """The newest compilation of the workflow's newest revision."""
    return workflow.compilations.order_by("-revision", "-id").first()


def compilation_of_revision(*, workflow_id: int, revision: int) -> Compilation:
    """The compilation of one revision of a workflow (fix and resume, re-run on a revision);
    an unknown revision, or one that is not a whole number, is the caller's bad input."""
    if isinstance(revision, bool) or not isinstance(revision, int):
        raise ApplicationError("revision must be a whole number.", code="invalid",
                               fields={"revision": "A revision number of this workflow."})
    compilation = Compilation.objects.filter(workflow_id=workflow_id,
                                             revision=revision).first()
    if compilation is None:
        raise ApplicationError(f"This workflow has no revision {revision}.", code="invalid",
                               fields={"revision": "A revision number of this workflow."})
    return compilation


def package_locks_kept() -> set[str]:
    """The package environments (lock digests) some kept compilation uses: worker hosts may
    remove the others (the retention task's broadcast)."""
    return packages.kept_digests()
