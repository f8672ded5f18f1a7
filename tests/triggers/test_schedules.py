"""Schedules: fire times by the documented rules (daylight saving included), inputs checked
when saved, exactly one execution per fire time (retried ticks, two beats), catch-up after
the scheduler was down, and a real beat firing them on a real worker."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from apps.common.exceptions import ApplicationError
from apps.executions.models import Execution
from apps.triggers import firetimes
from apps.triggers.models import Schedule, ScheduleFire
from apps.triggers.services import schedules
from apps.triggers.services.schedules import schedule_create, schedules_fire_due
from apps.workflows import services as workflow_services
from tests.conftest import load_example, wait_until
from tests.workers import WorkerProcess

BERLIN = "Europe/Berlin"


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def test_daily_0230_in_berlin_across_both_daylight_saving_changes():
    def fires(after: str) -> list[str]:
        start = _utc(after)
        return [t.isoformat() for t in firetimes.upcoming(
            3, cron="30 2 * * *", interval_seconds=None, timezone_name=BERLIN, anchor=start,
            after=start)]

    # spring forward (29 March 2026): 02:30 does not exist; it fires at 03:30 CEST, once
    assert fires("2026-03-28T00:00:00+00:00") == [
        "2026-03-28T01:30:00+00:00", "2026-03-29T01:30:00+00:00", "2026-03-30T00:30:00+00:00"]
    # fall back (25 October 2026): 02:30 happens twice; it fires at the first, once
    assert fires("2026-10-24T00:00:00+00:00") == [
        "2026-10-24T00:30:00+00:00", "2026-10-25T00:30:00+00:00", "2026-10-26T01:30:00+00:00"]


def test_an_interval_counts_real_seconds_from_its_anchor():
    anchor = _utc("2026-03-29T00:59:50+00:00")  # across the Berlin change: no effect
    assert [t.isoformat() for t in firetimes.upcoming(
        3, cron=None, interval_seconds=3600, timezone_name=BERLIN, anchor=anchor,
        after=anchor)] == ["2026-03-29T01:59:50+00:00", "2026-03-29T02:59:50+00:00",
                           "2026-03-29T03:59:50+00:00"]


@pytest.fixture
def workflow(user):  # type: ignore[no-untyped-def]
    return workflow_services.workflow_create(owner=user, slug="hello",
                                             definition=load_example("hello-transform"))


@pytest.mark.django_db
@pytest.mark.parametrize(("fields", "named"), [
    ({"cron": "61 * * * *"}, "cron"),
    ({"cron": "* * *"}, "cron"),
    ({"cron": "* * * * *", "interval_seconds": 5}, "cron"),
    ({}, "cron"),
    ({"interval_seconds": 10, "timezone_name": "Mars/Olympus"}, "timezone"),
    ({"interval_seconds": 10, "inputs": {"times": "many"}}, "inputs.times"),
])
def test_a_bad_schedule_is_refused_naming_the_field(workflow, fields, named):
    with pytest.raises(ApplicationError) as caught:
        schedule_create(workflow=workflow, **fields)
    assert named in caught.value.fields, caught.value.fields
    assert not Schedule.objects.exists()


@pytest.mark.django_db
def test_next_five_runs_are_listed_in_order(workflow):
    schedule = schedule_create(workflow=workflow, cron="*/15 * * * *", timezone_name=BERLIN)
    runs = schedules.next_runs(schedule)
    assert len(runs) == 5 and runs == sorted(runs) and runs[0] > timezone.now()
    assert {(r.astimezone(firetimes.zone(BERLIN)).minute % 15) for r in runs} == {0}
    assert schedules.next_runs(schedules.schedule_pause(schedule=schedule)) == []


def _due(schedule: Schedule, ago_s: float) -> None:
    """Pretend the schedule's next fire time was `ago_s` seconds ago."""
    fire = timezone.now() - timedelta(seconds=ago_s)
    Schedule.objects.filter(pk=schedule.pk).update(anchor=fire - timedelta(
        seconds=schedule.interval_seconds or 0), next_fire_at=fire)


@pytest.mark.django_db  # the test's transaction: no worker sees these rows
def test_each_fire_time_starts_exactly_one_execution(workflow):
    # given
    schedule = schedule_create(workflow=workflow, interval_seconds=3600,
                               inputs={"who": "Ada"}, name="hourly")
    _due(schedule, 1)
    fire_time = Schedule.objects.get(pk=schedule.pk).next_fire_at
    # when: the tick runs, then runs again, then runs as a second beat would have, with the
    # schedule as it was before the first tick moved it on
    assert schedules_fire_due()["started"] == 1
    assert schedules_fire_due()["started"] == 0
    Schedule.objects.filter(pk=schedule.pk).update(next_fire_at=fire_time)
    assert schedules_fire_due()["started"] == 0
    # then
    execution = Execution.objects.get(workflow=workflow)
    assert execution.trigger == "scheduled" and execution.inputs["who"] == "Ada"
    assert execution.source == {"schedule": {"id": schedule.pk, "name": "hourly",
                                             "fire_time": fire_time.isoformat()}}
    assert list(ScheduleFire.objects.values_list("outcome", flat=True)) == ["started"]
    assert Schedule.objects.get(pk=schedule.pk).next_fire_at > timezone.now()


@pytest.mark.django_db
@pytest.mark.parametrize(("catch_up", "started"), [("skip", 0), ("latest", 1)])
def test_fire_times_missed_while_the_scheduler_was_down(workflow, catch_up, started):
    schedule = schedule_create(workflow=workflow, interval_seconds=60, catch_up=catch_up)
    _due(schedule, 600.5)  # ten minutes down: eleven fire times passed
    report = schedules_fire_due()
    assert report["started"] == started
    missed = ScheduleFire.objects.get(schedule=schedule, outcome="missed")
    assert f"{11 - started} fire time(s)" in missed.reason
    assert Execution.objects.filter(workflow=workflow).count() == started
    assert schedules_fire_due() == {"started": 0, "skipped": 0, "missed": 0}


@pytest.mark.django_db
def test_a_workflow_that_no_longer_compiles_records_a_skipped_fire(workflow):
    schedule = schedule_create(workflow=workflow, interval_seconds=60)
    workflow_services.workflow_update(workflow=workflow, definition={"nodes": [
        {"id": "x", "type": "nope", "data": {}}], "edges": []})
    _due(schedule, 1)
    assert schedules_fire_due()["skipped"] == 1
    fire = ScheduleFire.objects.get(schedule=schedule)
    assert fire.outcome == "skipped" and "compilation errors" in fire.reason
    assert not Execution.objects.exists()


def _runs(schedule: Schedule) -> list[Execution]:
    return list(Execution.objects.filter(source__schedule__id=schedule.pk).order_by(
        "created_at"))


@pytest.mark.django_db(transaction=True)
@pytest.mark.slow
def test_a_real_beat_fires_a_schedule_and_pausing_stops_it(worker, workflow):
    # given: every 2 s, on the session worker's beat (the tick runs every second)
    schedule = schedule_create(workflow=workflow, interval_seconds=2, inputs={"who": "Bo"})
    # when
    time.sleep(7.2)
    schedules.schedule_pause(schedule=schedule)
    paused_at = len(_runs(schedule))
    time.sleep(3)
    # then: about one run per fire time, each for its own fire time, none while paused
    runs = _runs(schedule)
    assert 2 <= len(runs) <= 4, len(runs)
    assert len(runs) == paused_at == ScheduleFire.objects.filter(
        schedule=schedule, outcome="started").count()
    assert len({r.source["schedule"]["fire_time"] for r in runs}) == len(runs)
    assert all(r.trigger == "scheduled" and r.inputs["who"] == "Bo" for r in runs)
    wait_until(lambda: all(r.status == "succeeded" for r in _runs(schedule)))


@pytest.mark.django_db(transaction=True)
@pytest.mark.slow
def test_two_beats_at_once_never_start_a_fire_time_twice(worker, workflow, tmp_path):
    second = WorkerProcess(tmp_path, name="beat2", beat=True).start()  # a second beat
    try:
        schedule = schedule_create(workflow=workflow, interval_seconds=1)
        time.sleep(6)
        schedules.schedule_pause(schedule=schedule)
    finally:
        second.stop()
    runs = _runs(schedule)
    fire_times = [r.source["schedule"]["fire_time"] for r in runs]
    assert len(runs) >= 3
    assert len(set(fire_times)) == len(fire_times)  # no fire time twice
    assert ScheduleFire.objects.filter(schedule=schedule).count() == len(runs)
