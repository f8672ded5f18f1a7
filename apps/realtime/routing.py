"""WebSocket routes (the ASGI router in config/asgi.py adds origin and auth checks)."""

from django.urls import path

from apps.realtime import consumers

websocket_urlpatterns = [
    path("ws/executions/<uuid:execution_id>/", consumers.ExecutionConsumer.as_asgi()),
    path("ws/workflows/<int:workflow_id>/", consumers.WorkflowConsumer.as_asgi()),
]
