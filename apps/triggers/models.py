"""Schedules (cron or interval, in a time zone) with one row per fire time, and webhooks."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from apps.executions.models import Priority


class Schedule(models.Model):
    """Starts its workflow at each fire time, with `inputs` (validated when saved).

    `next_fire_at` is the next fire time not yet handled: the scheduler tick
    (services/schedules.py) starts what is due and moves it on, so a restart of every
    process loses nothing and starts nothing twice."""

    class CatchUp(models.TextChoices):
        SKIP = "skip"  # fire times missed while nothing ran are dropped
        LATEST = "latest"  # one run for the missed ones

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                              related_name="schedules")
    workflow = models.ForeignKey("workflows.Workflow", on_delete=models.CASCADE,
                                 related_name="schedules")
    name = models.CharField(max_length=200, blank=True, default="")
    cron = models.CharField(max_length=120, blank=True, default="")
    interval_seconds = models.PositiveIntegerField(null=True, blank=True)
    timezone = models.CharField(max_length=64, default="UTC")
    inputs = models.JSONField(default=dict, blank=True)
    enabled = models.BooleanField(default=True)
    catch_up = models.CharField(max_length=8, choices=CatchUp.choices, default=CatchUp.SKIP)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices,
                                                default=Priority.NORMAL)
    anchor = models.DateTimeField()  # intervals count from here
    next_fire_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["workflow", "id"]
        indexes = [models.Index(fields=["next_fire_at"], name="schedule_due",
                                condition=models.Q(enabled=True))]

    def __str__(self) -> str:
        return f"{self.workflow} · {self.cron or f'every {self.interval_seconds} s'}"


class ScheduleFire(models.Model):
    """One fire time of one schedule, at most once: the unique key is the fence that keeps
    two scheduler processes (or a retried tick) from starting it twice."""

    class Outcome(models.TextChoices):
        STARTED = "started"
        SKIPPED = "skipped"  # e.g. the workflow no longer compiles: the reason says so
        MISSED = "missed"  # the scheduler was not running; catch_up is "skip"

    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="fires")
    fire_time = models.DateTimeField()
    outcome = models.CharField(max_length=8, choices=Outcome.choices)
    execution = models.ForeignKey("executions.Execution", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    reason = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-fire_time"]
        constraints = [models.UniqueConstraint(fields=["schedule", "fire_time"],
                                               name="one_fire_per_time")]

    def __str__(self) -> str:
        return f"{self.schedule_id} @ {self.fire_time}: {self.outcome}"


class Hook(models.Model):
    """A workflow's webhook: POST /hooks/<id>/ with a JSON body starts it.

    The secret is shown once. Its SHA-256 checks `Authorization: Bearer`; an HMAC-SHA256
    signature (`X-Signature-256`) can only be checked with the secret itself, so it is kept
    encrypted as well (re-encrypted by rotate_secret_key), never shown again."""

    ENCRYPTED_FIELDS = ("encrypted_secret",)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workflow = models.OneToOneField("workflows.Workflow", on_delete=models.CASCADE,
                                    related_name="hook")
    enabled = models.BooleanField(default=True)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices,
                                                default=Priority.NORMAL)
    secret_sha256 = models.CharField(max_length=64, editable=False)
    encrypted_secret = models.TextField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    rotated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"hook {self.id} of {self.workflow}"
