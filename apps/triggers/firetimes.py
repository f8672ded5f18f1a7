"""When a schedule fires: pure arithmetic over cron expressions (croniter) and intervals, in
the schedule's own time zone, with the daylight-saving rules stated once here.

Cron expressions name wall-clock times in the schedule's zone. Across a change of the clocks:
- a time that does not exist (spring forward: 02:30 in Europe/Berlin on the last Sunday of
  March) fires once, at the instant it would have been on the old offset (which the new
  clock shows as 03:30): a daily job is never lost;
- a time that happens twice (fall back: 02:30 on the last Sunday of October) fires once, at
  its first occurrence: a daily job never runs twice.
An interval counts real seconds from the schedule's anchor, whatever the clocks say.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cron_descriptor import ExpressionDescriptor
from croniter import CroniterBadCronError, croniter


class BadSchedule(ValueError):
    """A cron expression, interval or time zone that cannot be used, with the reason."""


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise BadSchedule(f"unknown time zone {name!r}; use an IANA name such as "
                          "'Europe/Berlin' or 'UTC'") from None


def check_cron(expression: str) -> None:
    fields = expression.split()
    if len(fields) != 5:
        raise BadSchedule(f"a cron expression has five fields (minute hour day month "
                          f"weekday); {expression!r} has {len(fields)}")
    try:
        croniter(expression)
    except (CroniterBadCronError, ValueError, KeyError) as exc:
        raise BadSchedule(f"cron expression {expression!r} is not valid: {exc}") from None


def describe(cron: str | None, interval_seconds: int | None) -> str:
    """The schedule in words: "At 02:30 AM", "every 10 seconds"."""
    if cron:
        try:
            return str(ExpressionDescriptor(cron, use_24hour_time_format=True))
        except Exception:  # a description is a nicety, never an error
            return cron
    return f"every {interval_seconds} seconds"


def _cron_after(cron: str, tz: ZoneInfo, after: datetime) -> Iterator[datetime]:
    """Fire instants (UTC) strictly after `after`, in order, by the rules above."""
    local = after.astimezone(tz).replace(tzinfo=None)
    # Start an hour early: a wall time just before `after` may map to an instant after it
    # (a time skipped by spring forward fires at the later instant).
    walker = croniter(cron, local - timedelta(hours=1))
    last: datetime | None = None
    while True:
        wall = walker.get_next(datetime)
        instant = wall.replace(tzinfo=tz, fold=0).astimezone(UTC)
        if instant <= after or (last is not None and instant <= last):
            continue  # before the start, or a wall time that maps onto one already fired
        last = instant
        yield instant


def _interval_after(seconds: int, anchor: datetime, after: datetime) -> Iterator[datetime]:
    step = timedelta(seconds=seconds)
    count = max(0, int((after - anchor) / step) + 1)
    instant = anchor + step * count
    while True:
        if instant > after:
            yield instant
        instant += step


def fire_times_after(*, cron: str | None, interval_seconds: int | None, timezone_name: str,
                     anchor: datetime, after: datetime) -> Iterator[datetime]:
    """Every fire instant (aware, UTC) strictly after `after`."""
    if cron:
        return _cron_after(cron, zone(timezone_name), after)
    if interval_seconds:
        return _interval_after(interval_seconds, anchor, after)
    raise BadSchedule("a schedule needs a cron expression or interval_seconds")


def next_fire(**kwargs: object) -> datetime:
    return next(fire_times_after(**kwargs))  # type: ignore[arg-type]


def upcoming(count: int = 5, **kwargs: object) -> list[datetime]:
    times = fire_times_after(**kwargs)  # type: ignore[arg-type]
    return [next(times) for _ in range(count)]
