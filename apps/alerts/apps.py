"""Alerts: rules over executions that notify a webhook or an address when they match."""

from django.apps import AppConfig


class AlertsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "apps.alerts"
    label = "alerts"
