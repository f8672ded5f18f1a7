"""Custom log integration: an owner's execution logs, batched, POSTed to the URL they set
(runtime setting `log_forward_url`). Runs in its own task after the lines are stored, so a
slow or dead endpoint never slows or fails an execution; the stored lines stay the record,
and a failed batch is retried with backoff."""

from __future__ import annotations

import logging
from typing import Any

import httpx

from apps.common.outbound import HttpPolicy, HttpStepError, check_destination, pinned
from apps.executions.models import Execution, LogLine
from apps.runtime.selectors import runtime_config_get

logger = logging.getLogger(__name__)
TIMEOUT_S = 5.0


class ForwardFailed(Exception):
    """The endpoint did not take the batch; worth trying again later."""


def forward(execution_id: Any, first_seq: int, last_seq: int) -> int:
    """Send lines first_seq..last_seq; returns how many were sent (0: nothing to do)."""
    execution = Execution.objects.select_related("workflow").filter(pk=execution_id).first()
    if execution is None:
        return 0
    config = runtime_config_get(owner=execution.owner_id)
    url = config["log_forward_url"]
    if not url:
        return 0
    lines = list(LogLine.objects.filter(execution=execution, seq__gte=first_seq,
                                        seq__lte=last_seq).order_by("seq"))
    if not lines:
        return 0
    try:  # the same guard as http steps: no private addresses unless the owner allows them
        target, host, extensions = pinned(url, check_destination(url, HttpPolicy(
            allowed_hosts=frozenset(config["http_allowed_hosts"]), timeout_s=TIMEOUT_S)))
    except HttpStepError as error:
        logger.warning("log forwarding for %s refused: %s", execution_id, error.message)
        return 0
    body = {
        "execution_id": str(execution.pk),
        "workflow": {"id": execution.workflow_id, "slug": execution.workflow.slug},
        "lines": [{"seq": line.seq, "timestamp": line.timestamp.isoformat(),
                   "level": line.level, "step_id": line.step_id, "attempt": line.attempt,
                   "message": line.message} for line in lines],
    }
    try:
        with httpx.Client(timeout=TIMEOUT_S, follow_redirects=False, trust_env=False) as client:
            response = client.post(target, json=body, extensions=extensions or None,
                                   headers={"User-Agent": "runtime-engine-log-forwarder", **host})
    except httpx.HTTPError as error:
        raise ForwardFailed(f"{type(error).__name__}: {error}") from None
    if response.status_code >= 300:
        raise ForwardFailed(f"the endpoint answered {response.status_code}")
    return len(lines)
