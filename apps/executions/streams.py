"""An execution's events as the live streams read them back (apps/realtime: the WebSocket
routes of config/routing.py and the SSE view of apps/api): who may follow one, and its stored
events after a position."""

from __future__ import annotations

from typing import Any

from apps.executions.selectors import events_after, execution_owned


class ExecutionEvents:
    """The EventSource (apps/realtime/stream.py) of an execution's numbered events."""

    final_event = "execution_completed"

    def owned(self, key: Any, user: Any) -> bool:
        return execution_owned(execution_id=key, user_id=user.pk) is not None

    def stored_after(self, key: Any, after: int, upto: int | None,
                     limit: int) -> list[dict[str, Any]]:
        return events_after(execution_id=key, after=after, upto=upto, limit=limit)


EXECUTION_EVENTS = ExecutionEvents()
