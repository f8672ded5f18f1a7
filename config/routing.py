"""WebSocket routes: each stream's consumer given the source of its events, from the app that
owns them (the ASGI router in config/asgi.py adds origin and auth checks). Wired here, above
every app, so apps/realtime delivers without knowing any app."""

from django.urls import path

from apps.executions.streams import EXECUTION_EVENTS
from apps.realtime.consumers import SequencedStreamConsumer, SnapshotStreamConsumer
from apps.realtime.groups import group_for_execution, group_for_workflow
from apps.workflows.events import WORKFLOW_STATES

websocket_urlpatterns = [
    path("ws/executions/<uuid:key>/", SequencedStreamConsumer.as_asgi(
        source=EXECUTION_EVENTS, group_for=group_for_execution)),
    path("ws/workflows/<int:key>/", SnapshotStreamConsumer.as_asgi(
        source=WORKFLOW_STATES, group_for=group_for_workflow)),
]
