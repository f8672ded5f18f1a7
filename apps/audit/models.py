"""One row per action a person (or an integration, or the platform) took on an owner's
things. Append-only: a saved entry is never changed; retention deletes old ones in bulk."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class AuditEntry(models.Model):
    class Via(models.TextChoices):
        WEB = "web"  # the web app (a session)
        API = "api"  # an API token
        SYSTEM = "system"  # a schedule, a webhook delivery, the sweeper: nobody signed in

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                              related_name="audit_entries")
    # Who acted: kept as a name too, so the entry still says who after the user is gone.
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField(max_length=150, blank=True, default="")
    action = models.CharField(max_length=64)  # "execution.cancel", "env_var.set", …
    target = models.CharField(max_length=300, blank=True, default="")  # "execution:<id>"
    # Names and ids only: never a value of a setting, a secret or an input.
    detail = models.JSONField(default=dict, blank=True)
    via = models.CharField(max_length=8, choices=Via.choices, default=Via.SYSTEM)
    address = models.CharField(max_length=64, blank=True, default="")
    user_agent = models.CharField(max_length=200, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="audit_owner_created")]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.actor_name or 'system'} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("audit entries are append-only")
        super().save(*args, **kwargs)
