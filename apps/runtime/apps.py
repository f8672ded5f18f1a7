"""Runtime settings, environment variables and connections, per owner."""

from django.apps import AppConfig


class RuntimeConfig(AppConfig):
    name = "apps.runtime"
    label = "runtime"
