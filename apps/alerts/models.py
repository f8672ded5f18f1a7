"""Alert rules (per owner, edited on the settings page and the API) and every notification
they sent or tried to send."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AlertRule(models.Model):
    class Kind(models.TextChoices):
        EXECUTION_FAILED = "execution_failed"  # an execution (of the workflow) fails
        STEP_FAILURES = "step_failures"  # a step fails `count` times in `minutes`
        SLOW_EXECUTION = "slow_execution"  # runs longer than its workflow's p95 × `factor`
        APPROVAL_WAITING = "approval_waiting"  # an approval waits longer than `minutes`

    class Channel(models.TextChoices):
        WEBHOOK = "webhook"  # Slack-compatible JSON: {"text": …}
        EMAIL = "email"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                              related_name="alert_rules")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=24, choices=Kind.choices)
    # None: every workflow of the owner.
    workflow = models.ForeignKey("workflows.Workflow", null=True, blank=True,
                                 on_delete=models.CASCADE, related_name="alert_rules")
    # What the kind needs: step_failures {count, minutes, step_id?}; slow_execution
    # {factor}; approval_waiting {minutes}.
    params = models.JSONField(default=dict, blank=True)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    target = models.CharField(max_length=500)  # the webhook URL or the email address
    cooldown_minutes = models.PositiveIntegerField(default=30)
    enabled = models.BooleanField(default=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    last_fired_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.kind} → {self.channel})"


class AlertNotification(models.Model):
    class Outcome(models.TextChoices):
        PENDING = "pending"
        RETRYING = "retrying"
        SENT = "sent"
        FAILED = "failed"

    rule = models.ForeignKey(AlertRule, on_delete=models.CASCADE, related_name="notifications")
    text = models.TextField()  # what was said, secrets masked
    outcome = models.CharField(max_length=8, choices=Outcome.choices, default=Outcome.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.rule.name}: {self.outcome}"
