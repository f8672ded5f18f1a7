"""ASGI entry point: HTTP to Django (SSE included, as an async view), WebSocket through the
origin check and session or token auth."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
# Under ASGI every request runs its sync code in a thread of its own (asgiref's
# ThreadSensitiveContext), so a persistent connection would be one more open connection per
# request thread until PostgreSQL refuses new clients (found by bench/triggers_bench.py),
# and a fresh connection per request costs milliseconds. The web process borrows from a
# bounded pool instead (PostgreSQL; SQLite opens its file per request); workers keep their
# own connection (they run steps one after another in one thread).
os.environ.setdefault("DB_CONN_MAX_AGE", "0")
os.environ.setdefault("DB_POOL_SIZE", "20")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from apps.realtime.auth import TokenAuthMiddleware  # noqa: E402
from apps.realtime.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(TokenAuthMiddleware(URLRouter(websocket_urlpatterns)))
        ),
    }
)
