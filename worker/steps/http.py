"""`http`: one request through the SSRF guard (worker/outbound.py), with the named
connection's credentials and an Idempotency-Key per step of the execution."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from apps.common import outbound
from apps.runtime.selectors import connection_get
from worker.steps.base import StepError, StepRunner

if TYPE_CHECKING:
    from worker.context import StepContext


def run(ctx: StepContext, request: dict[str, Any]) -> Any:
    ctx.record_inputs(request)
    connection_name = request.get("connection")
    kind, secret = None, None
    if connection_name:
        conn, secret = connection_get(owner_id=ctx.claim.execution.owner_id,
                                      name=connection_name)
        if conn is None:
            raise StepError("connection_failure", f"connection {connection_name!r} does not "
                            "exist", suggestion="Create it under Runtime settings → "
                            "Connections.")
        kind = conn.kind
    policy = outbound.HttpPolicy(
        allowed_hosts=frozenset(h.lower().rstrip(".") for h in
                                ctx.config["http_allowed_hosts"]),
        timeout_s=ctx.timeout_s)
    started = time.monotonic()
    try:
        result = outbound.perform(request, policy=policy, connection_kind=kind,
                                   connection_secret=secret,
                                   idempotency_key=f"{ctx.claim.execution.pk}:"
                                                   f"{ctx.step.step_id}",
                                   traceparent=ctx.claim.traceparent)
    except outbound.HttpStepError as exc:
        raise StepError(exc.kind, ctx.scope.mask(exc.message),
                        suggestion=exc.suggestion) from None
    ctx.metrics = {"wall_seconds": round(time.monotonic() - started, 4)}
    ctx.logs.add(time.time(), "info", f"{request.get('method', 'GET')} "
                 f"{ctx.scope.mask(str(request.get('url')))} → {result['status']}")
    return result


RUNNER = StepRunner(run=run, holds_worker=True)
