"""Executions, step runs and their attempts, events and log lines: the history."""

from django.apps import AppConfig


class ExecutionsConfig(AppConfig):
    name = "apps.executions"
    label = "executions"
