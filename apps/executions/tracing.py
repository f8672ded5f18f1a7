"""OpenTelemetry traces, when OTEL_EXPORTER_OTLP_ENDPOINT is set: one trace per execution
(its id is the execution's UUID), a root span for the execution, a span per step attempt
(status, error type, CPU and peak memory), a span for the call that started it (linked to
the caller's `traceparent`), exported over OTLP/HTTP by each web and worker process.

Span ids are derived from the ids of what they describe, so a worker can put the right
`traceparent` on an `http` step's request before its span exists, and each span is emitted
once, when what it describes has ended (its start and end times are the recorded ones).
Unconfigured, every function here returns at its first line: nothing is set up, nothing is
registered on the hot path."""

from __future__ import annotations

import contextvars
import hashlib
import re
import uuid
from datetime import datetime
from typing import Any

from django.conf import settings
from opentelemetry.context import Context
from opentelemetry.sdk.trace.id_generator import IdGenerator, RandomIdGenerator
from opentelemetry.trace import (
    Link,
    NonRecordingSpan,
    SpanContext,
    SpanKind,
    Status,
    StatusCode,
    TraceFlags,
    Tracer,
    set_span_in_context,
)

_tracer: Tracer | None = None
_provider: Any = None
_chosen: contextvars.ContextVar[tuple[int, int] | None] = contextvars.ContextVar(
    "span_ids", default=None)
_TRACEPARENT = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$")


class _ChosenIds(IdGenerator):
    """The ids of the span being started now (set by _emit), else random ones."""

    _random = RandomIdGenerator()

    def generate_span_id(self) -> int:
        chosen = _chosen.get()
        return chosen[1] if chosen else self._random.generate_span_id()

    def generate_trace_id(self) -> int:
        chosen = _chosen.get()
        return chosen[0] if chosen else self._random.generate_trace_id()


def enabled() -> bool:
    return _tracer is not None


def setup(service: str) -> None:
    """Once per process (after a fork: each pool process), when an endpoint is configured."""
    global _tracer, _provider  # noqa: PLW0603 - one tracer per process
    if not settings.OTEL_EXPORTER_OTLP_ENDPOINT or _tracer is not None:
        return
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import (  # noqa: PLC0415
        OTLPSpanExporter,  # the exporter's imports cost only when traces are on
    )
    from opentelemetry.sdk.resources import Resource  # noqa: PLC0415
    from opentelemetry.sdk.trace import TracerProvider  # noqa: PLC0415
    from opentelemetry.sdk.trace.export import BatchSpanProcessor  # noqa: PLC0415

    _provider = TracerProvider(resource=Resource.create({"service.name": service}),
                               id_generator=_ChosenIds())
    _provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    _tracer = _provider.get_tracer("runtime-engine")


def flush() -> None:
    if _provider is not None:
        _provider.force_flush(timeout_millis=5000)


def _id64(*parts: Any) -> int:
    return int.from_bytes(hashlib.sha256(":".join(map(str, parts)).encode()).digest()[:8],
                          "big") or 1


def trace_id(execution_id: Any) -> int:
    return uuid.UUID(str(execution_id)).int or 1


def attempt_span_id(execution_id: Any, step_id: str, attempt: int) -> int:
    return _id64(execution_id, step_id, attempt)


def traceparent(execution_id: Any, step_id: str, attempt: int) -> str | None:
    """The header an `http` step sends, naming its attempt's span (None: traces are off)."""
    if _tracer is None:
        return None
    return (f"00-{trace_id(execution_id):032x}-"
            f"{attempt_span_id(execution_id, step_id, attempt):016x}-01")


def _ns(moment: datetime | None) -> int | None:
    return int(moment.timestamp() * 1e9) if moment is not None else None


def _parent(execution_id: Any) -> Context:
    context = SpanContext(trace_id(execution_id), _id64(execution_id, "execution"),
                          is_remote=True, trace_flags=TraceFlags(TraceFlags.SAMPLED))
    return set_span_in_context(NonRecordingSpan(context), Context())


def _emit(name: str, ids: tuple[int, int], *, context: Context, start: datetime | None,
          end: datetime | None, attributes: dict[str, Any], error: str | None = None,
          kind: SpanKind = SpanKind.INTERNAL, links: list[Link] | None = None) -> None:
    if _tracer is None:
        return
    token = _chosen.set(ids)
    try:
        span = _tracer.start_span(name, context=context, kind=kind, start_time=_ns(start),
                                  attributes={k: v for k, v in attributes.items()
                                              if v is not None}, links=links)
    finally:
        _chosen.reset(token)
    if error:
        span.set_status(Status(StatusCode.ERROR, error))
    span.end(end_time=_ns(end))


def attempt_ended(execution_id: Any, step_id: str, step_type: str, attempt: int,
                  started: datetime | None, ended: datetime | None, status: str,
                  error_type: str | None, metrics: dict[str, Any]) -> None:
    if _tracer is None:
        return
    _emit(f"step {step_id}", (trace_id(execution_id), attempt_span_id(execution_id, step_id,
                                                                      attempt)),
          context=_parent(execution_id), start=started, end=ended, attributes={
              "runtime.step.id": step_id, "runtime.step.type": step_type,
              "runtime.step.attempt": attempt, "runtime.step.status": status,
              "runtime.error.type": error_type,
              "runtime.cpu_seconds": metrics.get("cpu_seconds"),
              "runtime.peak_rss_mb": metrics.get("peak_rss_mb")},
          error=error_type if status == "failed" else None)


def execution_ended(execution_id: Any, workflow_id: int, status: str, trigger: str,
                    priority: str, created: datetime, ended: datetime | None) -> None:
    if _tracer is None:
        return
    _emit("execution", (trace_id(execution_id), _id64(execution_id, "execution")),
          context=Context(), start=created, end=ended, attributes={
              "runtime.execution.id": str(execution_id), "runtime.workflow.id": workflow_id,
              "runtime.execution.status": status, "runtime.trigger": trigger,
              "runtime.priority": priority},
          error=status if status == "failed" else None)


def caller(traceparent_header: str | None) -> list[Link]:
    """A link to the span of whoever called the API, from its `traceparent` header."""
    match = _TRACEPARENT.match((traceparent_header or "").strip().lower())
    if match is None or set(match.group(1)) == {"0"} or set(match.group(2)) == {"0"}:
        return []
    return [Link(SpanContext(int(match.group(1), 16), int(match.group(2), 16), is_remote=True,
                             trace_flags=TraceFlags(int(match.group(3), 16))))]


def start_call(execution_id: Any, began: datetime, ended: datetime, trigger: str,
               links: list[Link]) -> None:
    """The span of the call that started the execution (the API request, a schedule's tick,
    a webhook delivery), linked to the caller's own trace when it sent one."""
    if _tracer is None:
        return
    _emit("start execution", (trace_id(execution_id), _id64(execution_id, "start")),
          context=_parent(execution_id), start=began, end=ended, kind=SpanKind.SERVER,
          attributes={"runtime.trigger": trigger}, links=links)
