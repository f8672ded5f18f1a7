"""Best-effort publish to a Channels group over Redis pub/sub, for synchronous callers.

Workers publish a few events per step, so this skips async_to_sync (an event loop hop, ~10 ms)
and sends exactly what channels-redis' RedisPubSubChannelLayer.group_send sends: the layer's
own serialization, PUBLISHed on "<prefix>__group__<group>". Subscribers are ordinary Channels
consumers; tests receive these messages through the real layer, which keeps the two in step.

Publishing never fails the caller: the stored rows are the record, and clients that miss a
live frame get it back by replay from their last sequence number.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from typing import Any

import redis
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from prometheus_client import Counter, Histogram

logger = logging.getLogger(__name__)
_local = threading.local()  # one Redis connection per thread (redis-py's are not shared)

PUBLISH_SECONDS = Histogram("runtime_event_publish_seconds",
                            "Time to publish a batch of events to Redis pub/sub.",
                            buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                     0.25, 1))
PUBLISH_FAILURES = Counter("runtime_event_publish_failures",
                           "Event batches that could not be published (clients replay them "
                           "from storage).")


def _client() -> redis.Redis:
    """This thread's connection to the layer's Redis (keyed by URL: settings may change)."""
    host = settings.CHANNEL_LAYERS["default"]["CONFIG"]["hosts"][0]
    clients = getattr(_local, "clients", None)
    if clients is None:
        clients = _local.clients = {}
    if host not in clients:
        clients[host] = redis.Redis.from_url(host, socket_connect_timeout=1, socket_timeout=2)
    return clients[host]


def reset_client() -> None:
    """Forget this thread's connections (Redis was replaced)."""
    _local.clients = {}


def publish(group: str, payload: dict[str, Any]) -> bool:
    return publish_many([(group, payload)])


def publish_many(messages: list[tuple[str, dict[str, Any]]]) -> bool:
    """Publish (group, payload) pairs in order, in one round trip to Redis: one message per
    group, a `realtime.events` batch when a group has several (a step's commit has three
    events for its execution: a third of the publishes, and of what each subscriber's layer
    hands its consumers)."""
    layer = get_channel_layer()
    if layer is None or not messages:
        return False
    grouped: dict[str, list[dict[str, Any]]] = {}
    for group, payload in messages:
        grouped.setdefault(group, []).append(payload)
    # The JSON text goes along, encoded once here instead of once per connected client.
    encoded = [(group, {"type": "realtime.event", "payload": payloads[0],
                        "text": json.dumps(payloads[0])} if len(payloads) == 1 else
                {"type": "realtime.events", "payloads": payloads,
                 "texts": [json.dumps(payload) for payload in payloads]})
               for group, payloads in grouped.items()]
    began = time.perf_counter()
    try:
        _send(layer, encoded)
    except Exception:  # Redis down or restarting: the stored events are replayed later
        PUBLISH_FAILURES.inc()
        logger.warning("publish to %s failed; clients will replay from storage",
                       ", ".join(sorted({group for group, _ in messages})), exc_info=True)
        return False
    PUBLISH_SECONDS.observe(time.perf_counter() - began)
    return True


def _send(layer: Any, encoded: list[tuple[str, dict[str, Any]]]) -> None:
    if hasattr(layer, "serialize") and "pubsub" in type(layer).__module__:
        prefix = settings.CHANNEL_LAYERS["default"]["CONFIG"].get("prefix", "asgi")
        if len(encoded) == 1:  # no pipeline: a third less of redis-py's own work
            group, message = encoded[0]
            _client().publish(f"{prefix}__group__{group}", layer.serialize(message))
            return
        pipe = _client().pipeline(transaction=False)
        for group, message in encoded:
            pipe.publish(f"{prefix}__group__{group}", layer.serialize(message))
        pipe.execute()
    else:  # another layer (e.g. in-memory in a single-process setup)
        for group, message in encoded:
            async_to_sync(layer.group_send)(group, message)
