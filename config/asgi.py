"""ASGI entry point: HTTP to Django (SSE included, as an async view) and to the MCP server at
/mcp/ (token auth), WebSocket through the origin check and session or token auth."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
django_asgi_app = get_asgi_application()

from django.conf import settings  # noqa: E402

# Under ASGI every request runs its sync code in a thread of its own (asgiref's
# ThreadSensitiveContext), so a persistent connection would be one more open connection per
# request thread until PostgreSQL refuses new clients (found by bench/triggers_bench.py),
# and a fresh connection per request costs milliseconds. This process borrows from a bounded
# pool instead (PostgreSQL; SQLite opens its file per request). Set here, for this process
# only, before its first connection: workers keep their own connection (one thread each).
_database = settings.DATABASES["default"]
_database["CONN_MAX_AGE"] = 0
if _database["ENGINE"] == "django.db.backends.postgresql" and settings.WEB_DB_POOL_SIZE:
    _database.setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1, "max_size": settings.WEB_DB_POOL_SIZE, "timeout": 10}

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from apps.executions import tracing  # noqa: E402
from apps.mcp_server.asgi import with_mcp  # noqa: E402
from apps.realtime.auth import TokenAuthMiddleware  # noqa: E402
from config.routing import websocket_urlpatterns  # noqa: E402

tracing.setup("runtime-web")  # only when OTEL_EXPORTER_OTLP_ENDPOINT is set

application = ProtocolTypeRouter(
    {
        "http": with_mcp(django_asgi_app),
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(TokenAuthMiddleware(URLRouter(websocket_urlpatterns)))
        ),
    }
)
