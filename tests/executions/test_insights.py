"""Insights on constructed runs: critical path, breakdown, each recommendation rule (fires
when it should, silent when it should not), error pattern grouping, retention."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from apps.executions import errors
from apps.executions.models import (
    Execution,
    ExecutionEvent,
    LogLine,
    StepAttempt,
    StepRun,
)
from apps.executions.services import insights
from apps.executions.services.retention import purge_old_executions
from apps.runtime.services import runtime_setting_set
from tests.factories import make_user, make_workflow

pytestmark = pytest.mark.django_db


def _node(node_id: str, kind: str = "transform", value: object = 1, **data) -> dict:
    config = {"value": value} if kind == "transform" else {}
    if kind == "http":
        config = {"method": "GET", "url": "http://127.0.0.1:9/"}
    if kind == "python":
        config = {"code": "def run(inputs, ctx):\n    return 1\n"}
    return {"id": node_id, "type": kind, "position": {"x": 0, "y": 0},
            "data": {"config": config, **data}}


def _edges(*pairs: tuple[str, str]) -> list[dict]:
    return [{"id": f"{a}-{b}", "source": a, "target": b} for a, b in pairs]


DIAMOND = {"name": "diamond", "nodes": [
    _node("start"), _node("fast", value="{{ steps.start.output }}"),
    _node("slow", value="{{ steps.start.output }}"),
    _node("join", value="{{ [steps.fast.output, steps.slow.output] }}")],
    "edges": _edges(("start", "fast"), ("start", "slow"), ("fast", "join"), ("slow", "join"))}


def _run(workflow, steps: dict[str, dict], *, ago_s: float = 0, status: str = "succeeded",
         created=None) -> Execution:  # type: ignore[no-untyped-def]
    """An execution whose steps ran at the offsets (ms from the start) given."""
    base = (created or timezone.now()) - timedelta(seconds=ago_s)
    execution = Execution.objects.create(
        owner=workflow.owner, workflow=workflow, compilation=workflow.latest_compilation,
        status=status, started_at=base, finished_at=base + timedelta(seconds=1),
        duration_ms=sum(s.get("run", 0) for s in steps.values()))
    Execution.objects.filter(pk=execution.pk).update(created_at=base)
    for step_id, s in steps.items():
        queued = base + timedelta(milliseconds=s.get("queued", 0))
        started = queued + timedelta(milliseconds=s.get("wait", 0))
        finished = started + timedelta(milliseconds=s.get("run", 0))
        step = StepRun.objects.create(
            execution=execution, step_id=step_id, step_type=s.get("type", "transform"),
            status=s.get("status", "succeeded"), attempts=s.get("attempts", 1),
            queued_at=queued, started_at=started, finished_at=finished,
            duration_ms=s.get("run", 0), metrics=s.get("metrics", {}), error=s.get("error"),
            error_signature=errors.error_signature(step_id, s["error"]) if s.get("error")
            else "")
        for number in range(1, s.get("attempts", 1) + 1):
            StepAttempt.objects.create(step_run=step, number=number, status="succeeded",
                                       started_at=started, finished_at=finished,
                                       duration_ms=s.get("run", 0))
    return execution


def test_critical_path_follows_the_slow_branch_and_names_the_bottleneck(user):
    workflow = make_workflow(owner=user, definition=DIAMOND)
    execution = _run(workflow, {
        "start": {"queued": 0, "wait": 5, "run": 10},
        "fast": {"queued": 15, "wait": 2, "run": 20},
        "slow": {"queued": 15, "wait": 3, "run": 400},
        "join": {"queued": 420, "wait": 1, "run": 5},
    })
    metrics = insights.execution_metrics(execution)
    assert metrics["critical_path"] == ["start", "slow", "join"]
    assert metrics["bottleneck"]["step_id"] == "slow"
    rows = {row["step_id"]: row for row in metrics["steps"]}
    assert rows["slow"]["queue_wait_ms"] == 3 and rows["slow"]["run_ms"] == 400
    assert rows["slow"]["total_ms"] == 403


def test_critical_path_on_graphs():
    preds = {"a": [], "b": ["a"], "c": ["a"], "d": ["b", "c"], "e": []}
    at = timezone.now()
    finished = {"a": at, "b": at + timedelta(seconds=5), "c": at + timedelta(seconds=2),
                "d": at + timedelta(seconds=6), "e": at + timedelta(seconds=1)}
    assert insights.critical_path(preds, finished) == ["a", "b", "d"]
    finished["e"] = at + timedelta(seconds=9)
    assert insights.critical_path(preds, finished) == ["e"]
    assert insights.critical_path(preds, {}) == []


def _rules(workflow) -> dict[str, set]:  # type: ignore[no-untyped-def]
    found: dict[str, set] = {}
    for rec in insights.workflow_trends(workflow=workflow)["recommendations"]:
        found.setdefault(rec["rule"], set()).add(rec["step_id"])
        assert rec["message"] and rec["numbers"]
    return found


def test_near_timeout_and_memory_rules_fire_only_near_the_limits(user):
    definition = {"name": "limits", "nodes": [
        _node("tight", "python", timeout_seconds=1, memory_limit_mb=100),
        _node("easy", "python", value=None, timeout_seconds=60, memory_limit_mb=100)],
        "edges": _edges(("tight", "easy"))}
    workflow = make_workflow(owner=user, definition=definition)
    for i in range(6):
        _run(workflow, {"tight": {"run": 900, "metrics": {"peak_rss_mb": 95}},
                        "easy": {"queued": 900, "run": 900, "metrics": {"peak_rss_mb": 40}}},
             ago_s=i)
    rules = _rules(workflow)
    assert rules["near_timeout"] == {"tight"} and rules["near_memory_limit"] == {"tight"}
    assert "memory_oversized" not in rules  # 100 MB for 40 MB: not past the 4x/256 MB bar


def test_oversized_limits_flaky_and_dominant_steps(user):
    definition = {"name": "big", "nodes": [
        _node("heavy", "python", timeout_seconds=3600, memory_limit_mb=4096),
        _node("after", value="{{ steps.heavy.output }}")], "edges": _edges(("heavy", "after"))}
    workflow = make_workflow(owner=user, definition=definition)
    for i in range(10):
        _run(workflow, {"heavy": {"run": 2000, "attempts": 2 if i % 3 == 0 else 1,
                                  "metrics": {"peak_rss_mb": 50}},
                        "after": {"queued": 2000, "run": 10}}, ago_s=i)
    rules = _rules(workflow)
    assert rules["memory_oversized"] == {"heavy"} and rules["timeout_oversized"] == {"heavy"}
    assert rules["flaky"] == {"heavy"}  # 4 of 10 runs retried
    assert rules["dominates_critical_path"] == {"heavy"}
    assert "could_run_in_parallel" not in rules  # `after` reads heavy's output


def test_independent_sequence_and_http_without_timeout(user):
    definition = {"name": "seq", "nodes": [
        _node("one", value=1), _node("two", value=2),
        _node("call", "http"), _node("timed", "http", timeout_seconds=5)],
        "edges": _edges(("one", "two"))}
    workflow = make_workflow(owner=user, definition=definition)
    for i in range(5):
        _run(workflow, {"one": {"run": 100}, "two": {"queued": 100, "run": 100},
                        "call": {"run": 10, "type": "http"},
                        "timed": {"run": 10, "type": "http"}}, ago_s=i)
    rules = _rules(workflow)
    assert rules["could_run_in_parallel"] == {"two"}
    assert rules["http_without_timeout"] == {"call"}


def test_no_recommendations_below_the_minimum_of_runs(user):
    workflow = make_workflow(owner=user, definition=DIAMOND)
    _run(workflow, {"start": {"run": 10}, "fast": {"run": 1}, "slow": {"run": 900},
                    "join": {"run": 1}})
    rules = _rules(workflow)
    assert not set(rules) - {"http_without_timeout", "could_run_in_parallel"}


def test_trend_compares_newer_runs_with_older(user):
    workflow = make_workflow(owner=user)
    for i in range(10):  # the newest five twice as slow
        _run(workflow, {"t": {"run": 200 if i < 5 else 100}}, ago_s=i)
    step = insights.workflow_trends(workflow=workflow)["steps"][0]
    assert step["trend"] == 2.0 and step["p50_ms"] in (100, 200) and step["p95_ms"] == 200


def test_error_messages_that_differ_in_ids_and_numbers_group_together(user):
    workflow = make_workflow(owner=user)
    messages = ["order 1234 not found at /srv/data/a1.json (id 9f8e7d6c-1111-2222-3333-"
                "444455556666)", "order 77 not found at /srv/data/b2.json (id "
                "0a0b0c0d-1111-2222-3333-444455556666)"]
    runs = [_run(workflow, {"t": {"status": "failed", "error": {"type": "code_error",
                                                                  "message": m}}},
                 status="failed") for m in messages]
    _run(workflow, {"t": {"status": "failed", "error": {"type": "code_error",
                                                         "message": "division by zero"}}},
         status="failed")
    patterns = insights.error_patterns(owner=user)
    assert [p["count"] for p in patterns] == [2, 1]
    assert patterns[0]["pattern"] == "order <n> not found at <path> (id <id>)"
    assert set(patterns[0]["executions"]) == {str(r.pk) for r in runs}
    also = insights.execution_metrics(runs[0])["error_patterns"]
    assert also == [{"step_id": "t", "signature": patterns[0]["signature"], "other_runs": 1}]
    assert insights.error_patterns(owner=make_user()) == []


def test_retention_deletes_exactly_the_old_finished_rows(user):
    workflow = make_workflow(owner=user)
    runtime_setting_set(owner=user, key="retention_days", value=7)
    old = _run(workflow, {"t": {"run": 1}}, ago_s=8 * 86400)
    old_running = _run(workflow, {"t": {"run": 1}}, ago_s=9 * 86400, status="running")
    recent = _run(workflow, {"t": {"run": 1}}, ago_s=6 * 86400)
    child = _run(workflow, {"t": {"run": 1}}, ago_s=8 * 86400)
    Execution.objects.filter(pk=child.pk).update(parent=old)
    for execution in (old, recent, child):  # written while it ran, as history always is
        ran_at = Execution.objects.values_list("created_at", flat=True).get(pk=execution.pk)
        ExecutionEvent.objects.create(execution=execution, seq=1, type="x", timestamp=ran_at)
        LogLine.objects.create(execution=execution, seq=1, message="m", timestamp=ran_at)
    other = make_user()
    other_workflow = make_workflow(owner=other)
    others_old = _run(other_workflow, {"t": {"run": 1}}, ago_s=8 * 86400)  # default: 30 days
    assert purge_old_executions(dry_run=True)["executions"] == 2
    report = purge_old_executions(batch=1)
    assert report == {"executions": 2, "batches": 2, "partitions_dropped": 0, "bytes_freed": 0,
                      "partitions_ms": report["partitions_ms"]}
    remaining = set(Execution.objects.values_list("pk", flat=True))
    assert remaining == {old_running.pk, recent.pk, others_old.pk}
    assert set(StepRun.objects.values_list("execution_id", flat=True)) == remaining
    assert set(LogLine.objects.values_list("execution_id", flat=True)) == {recent.pk}
    assert set(ExecutionEvent.objects.values_list("execution_id", flat=True)) == {recent.pk}
    call_command("purge_executions", "--days", "0", "--owner", other.username)
    assert not Execution.objects.filter(pk=others_old.pk).exists()
