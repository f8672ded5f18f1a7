"""WebSocket routes; consumers are added by the live-updates work."""

websocket_urlpatterns: list = []
