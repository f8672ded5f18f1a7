"""The platform's Prometheus series, in one place: what the engine counts as it goes
(counters and histograms, written by every web and worker process into the multiprocess
directory of settings.METRICS_DIR), what a scrape reads of the current state (queued and
running executions from the database, broker queue depth from Redis), and the text a scrape
gets (event publishing times are the delivery layer's own: apps/realtime/broadcast.py).
Labels are closed sets (statuses, triggers, step types, error types, actions): never
an input value, a name a user typed, or a secret."""

from __future__ import annotations

from collections.abc import Container, Iterator
from typing import Any

from django.conf import settings
from django.db.models import Count
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily

from apps.executions.errors import CATALOGUE
from apps.executions.models import Execution, StepRun
from compiler.steps import REGISTRY
from worker import dispatch

# Steps run from milliseconds (expressions) to an hour (the ceiling of a step's timeout).
STEP_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600)

EXECUTIONS_STARTED = Counter("runtime_executions_started", "Executions created, by trigger.",
                             ["trigger"])
EXECUTIONS_FINISHED = Counter("runtime_executions_finished",
                              "Executions that ended, by final status and trigger.",
                              ["status", "trigger"])
STEP_ATTEMPTS = Histogram("runtime_step_attempt_duration_seconds",
                          "Duration of step attempts, by step type and how they ended.",
                          ["step_type", "status"], buckets=STEP_BUCKETS)
STEP_FAILURES = Counter("runtime_step_failures", "Failed step attempts, by step type and "
                        "error type.", ["step_type", "error_type"])
SWEEPER_ACTIONS = Counter("runtime_sweeper_actions", "What the sweeper did, by action.",
                          ["action"])


def _closed(value: Any, known: Container[str]) -> str:
    return value if isinstance(value, str) and value in known else "other"


_TRIGGERS = frozenset({"manual", "api", "scheduled", "webhook", "workflow", "mcp"})
_EXECUTION_STATUSES = frozenset({"succeeded", "failed", "cancelled"})
_ATTEMPT_STATUSES = frozenset({"succeeded", "failed", "cancelled", "lost"})


def execution_started(trigger: str) -> None:
    EXECUTIONS_STARTED.labels(_closed(trigger, _TRIGGERS)).inc()


def execution_finished(status: str, trigger: str) -> None:
    EXECUTIONS_FINISHED.labels(_closed(status, _EXECUTION_STATUSES),
                               _closed(trigger, _TRIGGERS)).inc()


def attempt_closed(step_type: str, status: str, duration_ms: float | None,
                   error_type: str | None) -> None:
    kind = _closed(step_type, REGISTRY)
    if duration_ms is not None:
        STEP_ATTEMPTS.labels(kind, _closed(status, _ATTEMPT_STATUSES)).observe(duration_ms / 1000)
    if status == "failed":
        STEP_FAILURES.labels(kind, _closed(error_type, CATALOGUE)).inc()


def swept(report: dict[str, int]) -> None:
    for action, count in report.items():
        if count:
            SWEEPER_ACTIONS.labels(action).inc(count)


class CurrentState:
    """Read at scrape time: executions queued, running and paused (all owners), steps
    waiting for a person, and the broker's queue depth per priority list."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        executions = GaugeMetricFamily("runtime_executions", "Executions not yet ended, by "
                                       "status.", labels=["status"])
        counts = dict(Execution.objects.filter(status__in=["queued", "running", "paused"])
                      .order_by().values_list("status").annotate(n=Count("pk")))
        for status in ("queued", "running", "paused"):
            executions.add_metric([status], counts.get(status, 0))
        yield executions
        yield GaugeMetricFamily("runtime_approvals_waiting", "Approval steps waiting for a "
                                "person.", value=StepRun.objects.filter(status="waiting").count())
        depth = GaugeMetricFamily("runtime_queue_depth", "Messages waiting in the broker, by "
                                  "Celery queue and priority list.", labels=["queue", "priority"])
        for queue, priority, size in broker_depth(settings.CELERY_TASK_DEFAULT_QUEUE):
            depth.add_metric([queue, priority], size)
        yield depth


def broker_depth(queue: str) -> list[tuple[str, str, int]]:
    """Messages waiting in each of the queue's priority lists; empty when Redis is
    unreachable (the scrape still answers)."""
    return [(queue, str(priority), waiting)
            for priority, waiting in dispatch.broker_depths(queue) or []]


def scrape() -> bytes:
    """The Prometheus text of every process's series plus the current state."""
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    registry.register(CurrentState())
    return generate_latest(registry)
