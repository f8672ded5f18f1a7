"""Workflow definitions as the canvas saves them, and every compilation of every revision."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from apps.common.models import TimestampedModel


class Workflow(TimestampedModel):
    """A saved definition; `revision` increases on every save that changes it."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                              related_name="workflows")
    slug = models.SlugField(max_length=100)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, default="")
    definition = models.JSONField(default=dict)
    revision = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner", "slug"], name="uniq_wf_slug")]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def latest_compilation(self) -> Compilation | None:
        return self.compilations.order_by("-revision", "-id").first()


class Compilation(models.Model):
    """The CompilationResult (docs/workflow-format.md) for one revision of a workflow."""

    class Status(models.TextChoices):
        SUCCESS = "success"
        WARNING = "warning"
        ERROR = "error"
        # Its python steps' requirements are being resolved in the background (a Celery
        # task finishes the compilation): not runnable yet (docs/workflow-format.md).
        RESOLVING = "resolving"

    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="compilations")
    revision = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=Status.choices)
    compiled_at = models.DateTimeField(auto_now_add=True)
    duration_ms = models.FloatField(default=0)
    compiler_version = models.CharField(max_length=32)
    definition = models.JSONField(default=dict)  # the exact input, for reproducible re-runs
    generated_code = models.TextField(blank=True, default="")
    code_sha256 = models.CharField(max_length=64, blank=True, default="")
    source_map = models.JSONField(default=list, blank=True)
    dependencies = models.JSONField(default=dict, blank=True)
    issues = models.JSONField(default=list, blank=True)
    # The resolved requirement sets its python steps install: their environments are kept
    # on the worker hosts while a compilation uses them (retention removes the others).
    package_locks = models.ManyToManyField("PackageLock", blank=True, related_name="compilations")

    class Meta:
        ordering = ["-revision", "-id"]
        indexes = [models.Index(fields=["workflow", "-revision"], name="comp_wf_rev")]

    def __str__(self) -> str:
        return f"{self.workflow} r{self.revision}: {self.status}"

    @property
    def runnable(self) -> bool:
        return self.status not in (self.Status.ERROR, self.Status.RESOLVING)


class PackageLock(models.Model):
    """A python step's requirement set as the resolver (uv) answered it, for one target
    interpreter and package index: the lock (exact versions and wheel hashes) or why there is
    none. The cache of resolution: a save whose requirements did not change reads it here
    (apps/workflows/packages.py)."""

    class Status(models.TextChoices):
        RESOLVED = "resolved"
        FAILED = "failed"

    key = models.CharField(max_length=64, unique=True)  # requirements + target + index
    requirements = models.JSONField(default=list)  # the normalised lines
    target = models.JSONField(default=dict)  # {"python": "3.12", "platform": ...}
    status = models.CharField(max_length=16, choices=Status.choices)
    packages = models.JSONField(default=list)  # [{name, version, hash, wheel, url, modules}]
    digest = models.CharField(max_length=64, blank=True, default="", db_index=True)
    error = models.TextField(blank=True, default="")
    failed_package = models.CharField(max_length=200, blank=True, default="")
    duration_ms = models.FloatField(default=0)
    resolved_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{', '.join(self.requirements)[:80]}: {self.status}"


class InputPreset(TimestampedModel):
    """Saved inputs for the run modal; secret (password) fields are never stored."""

    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="presets")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                              related_name="input_presets")
    name = models.CharField(max_length=100)
    inputs = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workflow", "name"], name="uniq_preset_name")
        ]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
