"""Schedules: saved only with inputs the workflow accepts (a bad preset is a 400 today, not a
failed run at 3 a.m.), and fired by the scheduler tick (Celery beat, every
SCHEDULE_TICK_S) exactly once per fire time: a row per (schedule, fire time) is inserted in
the transaction that starts the execution, so two ticks (two beats by mistake, a retried
task, a worker killed mid-start) cannot both start it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from apps.common.exceptions import ApplicationError
from apps.executions.engine.artifacts import artifact_module
from apps.executions.models import Execution, Priority
from apps.executions.services.start import (
    execution_start,
    runnable_compilation,
    validate_inputs,
)
from apps.triggers import firetimes
from apps.triggers.models import Schedule, ScheduleFire
from apps.workflows.models import Workflow

TICK_BATCH = 200
MISSED_COUNT_CAP = 100_000  # counting missed fire times stops here (a long outage)


def _check(*, workflow: Workflow, cron: str, interval_seconds: int | None, timezone_name: str,
           inputs: Any, catch_up: str) -> None:
    fields: dict[str, str] = {}
    if bool(cron) == bool(interval_seconds):
        fields["cron"] = "Give either a cron expression or interval_seconds (not both)."
    try:
        if cron:
            firetimes.check_cron(cron)
        firetimes.zone(timezone_name)
    except firetimes.BadSchedule as exc:
        fields["timezone" if "zone" in str(exc) else "cron"] = str(exc)
    if interval_seconds is not None and interval_seconds < 1:
        fields["interval_seconds"] = "At least 1 second."
    if catch_up not in Schedule.CatchUp.values:
        fields["catch_up"] = "One of: skip, latest."
    if fields:
        raise ApplicationError("The schedule cannot be saved.", code="invalid_schedule",
                               fields=fields)
    schema = artifact_module(runnable_compilation(workflow)).INPUT_SCHEMA or {}
    try:
        validate_inputs(schema, inputs)
    except ApplicationError as exc:
        raise ApplicationError("The schedule's inputs are not valid for this workflow.",
                               code="input_validation",
                               fields={f"inputs.{k}": v for k, v in exc.fields.items()},
                               suggestion="Fix the inputs listed; they are checked against "
                                          "the workflow's input_schema.") from None


def _next_after(schedule: Schedule, after: datetime) -> datetime:
    return firetimes.next_fire(cron=schedule.cron or None,
                               interval_seconds=schedule.interval_seconds,
                               timezone_name=schedule.timezone, anchor=schedule.anchor,
                               after=after)


@transaction.atomic
def schedule_create(*, workflow: Workflow, cron: str = "", interval_seconds: int | None = None,
                    timezone_name: str = "UTC", inputs: dict[str, Any] | None = None,
                    enabled: bool = True, catch_up: str = Schedule.CatchUp.SKIP,
                    name: str = "", priority: Priority = Priority.NORMAL) -> Schedule:
    """A new schedule of the workflow; it first fires at its next fire time from now."""
    inputs = {} if inputs is None else inputs
    _check(workflow=workflow, cron=cron, interval_seconds=interval_seconds,
           timezone_name=timezone_name, inputs=inputs, catch_up=catch_up)
    now = timezone.now()
    schedule = Schedule(owner_id=workflow.owner_id, workflow=workflow, name=name, cron=cron,
                        interval_seconds=interval_seconds, timezone=timezone_name,
                        inputs=inputs, enabled=enabled, catch_up=catch_up, anchor=now,
                        priority=priority)
    schedule.next_fire_at = _next_after(schedule, now)
    schedule.save()
    return schedule


@transaction.atomic
def schedule_update(*, schedule: Schedule, **changes: Any) -> Schedule:
    """Change any of cron, interval_seconds, timezone_name, inputs, enabled, catch_up, name,
    priority; a changed timing starts counting from now."""
    schedule = Schedule.objects.select_for_update().get(pk=schedule.pk)
    values = {"cron": schedule.cron, "interval_seconds": schedule.interval_seconds,
              "timezone_name": schedule.timezone, "inputs": schedule.inputs,
              "catch_up": schedule.catch_up}
    values.update({k: v for k, v in changes.items() if k in values})
    if "cron" in changes and changes["cron"] and "interval_seconds" not in changes:
        values["interval_seconds"] = None
    if "interval_seconds" in changes and changes["interval_seconds"] and "cron" not in changes:
        values["cron"] = ""
    _check(workflow=schedule.workflow, **values)
    timing = (values["cron"], values["interval_seconds"], values["timezone_name"]) != (
        schedule.cron, schedule.interval_seconds, schedule.timezone)
    schedule.cron, schedule.interval_seconds = values["cron"], values["interval_seconds"]
    schedule.timezone, schedule.inputs = values["timezone_name"], values["inputs"]
    schedule.catch_up = values["catch_up"]
    schedule.name = changes.get("name", schedule.name)
    schedule.priority = changes.get("priority", schedule.priority)
    now = timezone.now()
    if timing:
        schedule.anchor = now
        schedule.next_fire_at = _next_after(schedule, now)
    if "enabled" in changes and bool(changes["enabled"]) != schedule.enabled:
        schedule.enabled = bool(changes["enabled"])
        if schedule.enabled:  # resumed: from now on (missed ones follow catch_up)
            schedule.next_fire_at = schedule.next_fire_at or _next_after(schedule, now)
    schedule.save()
    return schedule


def schedule_pause(*, schedule: Schedule) -> Schedule:
    return schedule_update(schedule=schedule, enabled=False)


def schedule_resume(*, schedule: Schedule) -> Schedule:
    return schedule_update(schedule=schedule, enabled=True)


def schedule_delete(*, schedule: Schedule) -> None:
    schedule.delete()


def next_runs(schedule: Schedule, count: int = 5) -> list[datetime]:
    """The next `count` fire times from now (empty while paused)."""
    if not schedule.enabled:
        return []
    return firetimes.upcoming(count, cron=schedule.cron or None,
                              interval_seconds=schedule.interval_seconds,
                              timezone_name=schedule.timezone, anchor=schedule.anchor,
                              after=timezone.now())


# ---- the tick -----------------------------------------------------------------------------

def schedules_fire_due(*, now: datetime | None = None) -> dict[str, int]:
    """Start what is due (the Celery beat task worker.fire_schedules, every SCHEDULE_TICK_S)."""
    now = now or timezone.now()
    report = {"started": 0, "skipped": 0, "missed": 0}
    due = list(Schedule.objects.filter(enabled=True, next_fire_at__lte=now)
               .order_by("next_fire_at").values_list("pk", flat=True)[:TICK_BATCH])
    for pk in due:
        try:
            outcomes = _fire(pk, now)
        except _AlreadyFired:
            continue  # another tick started it: this one's start was rolled back
        for outcome in outcomes:
            report[outcome] += 1
    return report


@transaction.atomic
def _fire(pk: int, now: datetime) -> list[str]:
    query = Schedule.objects.select_related("workflow").filter(pk=pk, enabled=True,
                                                                next_fire_at__lte=now)
    if connection.features.has_select_for_update_skip_locked:
        query = query.select_for_update(skip_locked=True, of=("self",))
    schedule = query.first()
    if schedule is None:
        return []  # another tick has it, or it changed
    due = schedule.next_fire_at
    latest, missed = due, 0
    times = firetimes.fire_times_after(cron=schedule.cron or None,
                                       interval_seconds=schedule.interval_seconds,
                                       timezone_name=schedule.timezone,
                                       anchor=schedule.anchor, after=due)
    upcoming = next(times)
    while upcoming <= now and missed < MISSED_COUNT_CAP:
        latest, missed = upcoming, missed + 1
        upcoming = next(times)
    while upcoming <= now:  # past the cap: jump, counting no more
        upcoming = next(times)
    schedule.next_fire_at = upcoming
    schedule.save(update_fields=["next_fire_at"])
    late = (now - latest).total_seconds() > settings.SCHEDULE_LATE_GRACE_S
    if not missed and not late:
        return _start(schedule, latest)  # on time: the common case
    # The scheduler was not running at some fire times: catch_up says what they become.
    if schedule.catch_up == Schedule.CatchUp.LATEST:
        outcomes = _missed(schedule, due, missed) if missed else []
        return outcomes + _start(schedule, latest)
    return _missed(schedule, due, missed + 1)


def _missed(schedule: Schedule, first: datetime, count: int) -> list[str]:
    return _record(schedule, first, ScheduleFire.Outcome.MISSED,
                   reason=f"{count} fire time(s) from {first.isoformat()} missed while the "
                          f"scheduler was not running (catch_up: {schedule.catch_up})")


def _record(schedule: Schedule, fire_time: datetime, outcome: str, *, reason: str = "",
            execution: Execution | None = None) -> list[str]:
    """The fire time's row; [] when it exists already (another tick handled it)."""
    try:
        with transaction.atomic():
            ScheduleFire.objects.create(schedule=schedule, fire_time=fire_time, outcome=outcome,
                                        reason=reason, execution=execution)
    except IntegrityError:
        return []
    return [outcome]


def _start(schedule: Schedule, fire_time: datetime) -> list[str]:
    if ScheduleFire.objects.filter(schedule=schedule, fire_time=fire_time).exists():
        return []
    source = {"schedule": {"id": schedule.pk, "name": schedule.name,
                           "fire_time": fire_time.isoformat()}}
    try:
        with transaction.atomic():
            execution = execution_start(workflow=schedule.workflow, owner=schedule.owner,
                                        inputs=dict(schedule.inputs), trigger="scheduled",
                                        source=source, priority=Priority(schedule.priority))
    except ApplicationError as exc:
        detail = "; ".join(f"{k}: {v}" for k, v in exc.fields.items())
        return _record(schedule, fire_time, ScheduleFire.Outcome.SKIPPED,
                       reason=f"{exc.message} {detail}".strip())
    recorded = _record(schedule, fire_time, ScheduleFire.Outcome.STARTED, execution=execution)
    if not recorded:  # lost the race after all: undo this start with the transaction
        raise _AlreadyFired
    return recorded


class _AlreadyFired(Exception):  # noqa: N818 - control flow inside _fire's transaction
    pass
