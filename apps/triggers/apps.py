"""Triggers: workflows started by a schedule or an incoming webhook, nobody at the keyboard."""

from django.apps import AppConfig


class TriggersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "apps.triggers"
    label = "triggers"
