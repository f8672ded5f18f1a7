"""Live updates: group names, publishing, WebSocket consumers."""

from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    name = "apps.realtime"
    label = "realtime"
