"""Best-effort publish to a Channels group over Redis pub/sub, for synchronous callers.

Publishing never fails the caller: the stored rows are the record, and clients that miss a
live frame get it back by replay from their last sequence number.
"""

from __future__ import annotations

import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)


def publish(group: str, payload: dict[str, Any]) -> bool:
    layer = get_channel_layer()
    if layer is None:
        return False
    try:
        async_to_sync(layer.group_send)(group, {"type": "realtime.event", **payload})
    except Exception:  # Redis down or restarting: the stored event is replayed later
        logger.warning("publish to %s failed; clients will replay from storage", group,
                       exc_info=True)
        return False
    return True
