"""The partitioned history (PostgreSQL; apps/executions/partitions.py, migration 0013): bins
made ahead and rows caught by the DEFAULT partition moved into their bin, retention dropping
the bins that hold only what it deletes and deleting rows in the ones it cuts through, and the
migration converting a filled database without losing a row."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from django.db import connection
from django.utils import timezone

from apps.executions import partitions
from apps.executions.models import Execution, ExecutionEvent, LogLine
from apps.executions.services.retention import purge_old_executions
from apps.runtime.services import runtime_setting_set
from tests.conftest import ROOT
from tests.factories import make_execution, make_user
from tests.workers import database_url_for_tests

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="SQLite keeps plain tables (CI runs PostgreSQL)")]

DAY = timedelta(days=1)


def _history(execution: Execution, at: datetime, count: int = 3) -> None:
    start = ExecutionEvent.objects.filter(execution=execution).count()
    for seq in range(start + 1, start + count + 1):
        ExecutionEvent.objects.create(execution=execution, seq=seq, type="x", timestamp=at)
        LogLine.objects.create(execution=execution, seq=seq, message=f"line {seq}", timestamp=at)


def _aged(owner, status: str, days_ago: float, parent=None) -> Execution:  # type: ignore[no-untyped-def]
    execution = make_execution(owner=owner, status=status)
    Execution.objects.filter(pk=execution.pk).update(
        created_at=timezone.now() - timedelta(days=days_ago), parent=parent)
    return execution


def _where(table: str, execution: Execution) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT DISTINCT tableoid::regclass::text FROM "{table}" '  # noqa: S608
                       "WHERE execution_id = %s", [execution.pk])
        return {row[0] for row in cursor.fetchall()}


def test_bins_are_made_ahead_and_rows_in_the_default_move_into_theirs(user):
    assert partitions.enabled()
    now = datetime.now(UTC)
    table = LogLine._meta.db_table
    later = now + timedelta(days=40)
    execution = make_execution(owner=user)
    _history(execution, later, count=2)  # no bin that far ahead yet: the DEFAULT takes them
    assert _where(table, execution) == {f"{table}_default"}
    made = partitions.ensure_ahead(now=later)
    lower, _ = partitions.bin_of(later)
    assert f"{table}_p{lower:%Y%m%d}" in made
    assert _where(table, execution) == {f"{table}_p{lower:%Y%m%d}"}
    assert list(LogLine.objects.filter(execution=execution).values_list("message", flat=True)
                .order_by("seq")) == ["line 1", "line 2"]
    bins = [p for p in partitions.listed(table) if p.upper is not None]
    assert all(a.upper == b.lower for a, b in zip(bins, bins[1:], strict=False))  # no gap
    assert bins[-1].upper >= partitions.bin_of(later)[1]
    assert partitions.ensure_ahead(now=later) == []  # nothing more to make


def test_retention_drops_the_bins_only_it_uses_and_cuts_through_the_rest(user):
    runtime_setting_set(owner=user, key="retention_days", value=3)
    now = datetime.now(UTC)
    for days_ago in (10, 9, 5):  # past bins, as if the periodic task had made them then
        lower, upper = partitions.bin_of(now - timedelta(days=days_ago))
        for model in partitions.MODELS:
            if not any(p.lower == lower for p in partitions.listed(model._meta.db_table)):
                partitions._make(model._meta.db_table, lower, upper)
    old = _aged(user, "succeeded", 10)
    _history(old, now - 10 * DAY)
    old_too = _aged(user, "failed", 9)
    _history(old_too, now - 9 * DAY)
    running = _aged(user, "running", 9)  # old but not finished: kept, and its bin with it
    _history(running, now - 9 * DAY)
    _history(running, now)
    parent = _aged(user, "succeeded", 5)  # old, but its child is not: kept
    _history(parent, now - 5 * DAY)
    child = _aged(user, "running", 5, parent=parent)
    _history(child, now)
    someone_else = _aged(make_user(), "succeeded", 10)  # their retention (30 days) keeps it
    _history(someone_else, now - 10 * DAY)
    report = purge_old_executions()

    kept = {running.pk, parent.pk, child.pk, someone_else.pk}
    assert set(Execution.objects.values_list("pk", flat=True)) == kept
    assert report["executions"] == 2 and report["partitions_dropped"] == 0  # someone_else's bin
    for model in partitions.MODELS:
        assert set(model.objects.values_list("execution_id", flat=True)) == kept
        assert model.objects.filter(execution=running).count() == 6
        assert model.objects.filter(execution=parent).count() == 3
    # Once nobody else's rows are in the oldest bin, it goes whole.
    Execution.objects.filter(pk=someone_else.pk).delete()
    old_again = _aged(user, "succeeded", 10)
    _history(old_again, now - 10 * DAY)
    lower = partitions.bin_of(now - 10 * DAY)[0]
    report = purge_old_executions()
    assert report["executions"] == 1 and report["partitions_dropped"] == 2  # events and lines
    assert report["bytes_freed"] > 0
    for model in partitions.MODELS:
        names = [p.name for p in partitions.listed(model._meta.db_table)]
        assert f"{model._meta.db_table}_p{lower:%Y%m%d}" not in names
        assert model.objects.filter(execution=running).count() == 6  # the 9-day bin stays


# executions to 0012, every other app to its latest (none needs executions past 0012).
BEFORE = """
from django.core.management import call_command
from django.db.migrations.loader import MigrationLoader
call_command("migrate", "executions", "0012", verbosity=0)
for label in sorted({app for app, _ in MigrationLoader(None).disk_migrations} - {"executions"}):
    call_command("migrate", label, verbosity=0)
"""
# Then, on the database at 0012: 50 executions over the last 20 days, 40 events and 60 lines
# each (the models are today's: 0013 changes no field).
FILL = """
from datetime import timedelta
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from apps.executions.models import Execution
from tests.factories import make_execution, make_user
owner = make_user()
for index in range(50):
    execution = make_execution(owner=owner, status="succeeded")
    Execution.objects.filter(pk=execution.pk).update(
        created_at=timezone.now() - timedelta(days=index % 20, hours=index))
with connection.cursor() as cursor:
    cursor.execute("INSERT INTO executions_executionevent (execution_id, seq, type, step_id, "
                   "data, timestamp) SELECT e.id, s, 'x', 's', jsonb_build_object('n', s), "
                   "e.created_at + make_interval(secs => s) FROM executions_execution e, "
                   "generate_series(1, 40) s")
    cursor.execute("INSERT INTO executions_logline (execution_id, seq, step_id, attempt, level, "
                   "message, timestamp) SELECT e.id, s, 's', 1, 'info', 'line ' || s, "
                   "e.created_at + make_interval(secs => s) FROM executions_execution e, "
                   "generate_series(1, 60) s")
"""


@pytest.mark.slow
def test_the_migration_converts_a_filled_database_without_losing_a_row():
    """On a database of its own: migrate to 0012 (plain tables), fill, migrate on."""
    name = f"convert_{uuid.uuid4().hex[:8]}"
    base = database_url_for_tests().rsplit("/", 1)[0]
    admin = psycopg.connect(f"{base}/postgres", autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')
    env = {**os.environ, "DATABASE_URL": f"{base}/{name}",
           "DJANGO_SETTINGS_MODULE": "config.settings.test"}

    def migrate(*target: str) -> None:
        subprocess.run([sys.executable, "manage.py", "migrate", "-v0", *target], cwd=ROOT,
                       env=env, check=True, timeout=300)

    try:
        subprocess.run([sys.executable, "manage.py", "shell", "-c", BEFORE + FILL], cwd=ROOT,
                       env=env, check=True, timeout=300)
        with psycopg.connect(env["DATABASE_URL"], autocommit=True) as db:
            before = {t: db.execute(f"SELECT count(*), md5(string_agg(x::text, ',' ORDER BY "  # noqa: S608
                                    f"x.id)), max(id) FROM {t} x").fetchone()
                      for t in ("executions_executionevent", "executions_logline")}
        migrate()
        with psycopg.connect(env["DATABASE_URL"], autocommit=True) as db:
            for table, (count, digest, last) in before.items():
                assert db.execute(f"SELECT count(*), md5(string_agg(x::text, ',' ORDER BY "  # noqa: S608
                                  f"x.id)) FROM {table} x").fetchone() == (count, digest)
                assert db.execute("SELECT 1 FROM pg_partitioned_table p JOIN pg_class c ON "
                                  "c.oid = p.partrelid WHERE relname = %s", [table]).fetchone()
                bins = db.execute("SELECT count(*) FROM pg_inherits i JOIN pg_class p ON "
                                  "p.oid = i.inhparent WHERE p.relname = %s",
                                  [table]).fetchone()[0]
                assert bins >= 20 + 1  # a bin per day of the 20 days filled, and DEFAULT
                assert db.execute(f"SELECT count(*) FROM {table}_default").fetchone() == (0,)  # noqa: S608
                new_id = db.execute(  # ids go on past the largest copied one
                    f"INSERT INTO {table} (execution_id, seq, step_id, "  # noqa: S608
                    + ("type, data, timestamp) SELECT id, 999, 's', 'x', '{}', now() "
                       if "event" in table else
                       "attempt, level, message, timestamp) SELECT id, 999, 's', 1, 'info', "
                       "'m', now() ") + "FROM executions_execution LIMIT 1 RETURNING id"
                ).fetchone()[0]
                assert new_id > last
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def test_a_row_outside_its_executions_lifetime_goes_with_its_bin(user):
    """Retention deletes a batch's rows within the span they were written in; a row outside it
    (a host's clock far off) stays, unseen (its execution is gone), until its bin is dropped."""
    runtime_setting_set(owner=user, key="retention_days", value=3)
    now = datetime.now(UTC)
    lower, upper = partitions.bin_of(now - timedelta(days=20))
    for model in partitions.MODELS:
        if not any(p.lower == lower for p in partitions.listed(model._meta.db_table)):
            partitions._make(model._meta.db_table, lower, upper)
    old = _aged(user, "succeeded", 10)
    Execution.objects.filter(pk=old.pk).update(finished_at=now - timedelta(days=10))
    _history(old, now - timedelta(days=10), count=2)
    _history(old, now - timedelta(days=20), count=1)  # ten days before it was created
    _history(old, now, count=1)  # and one ten days after it finished
    report = purge_old_executions()
    assert report["executions"] == 1 and not Execution.objects.filter(pk=old.pk).exists()
    stray = LogLine.objects.filter(execution_id=old.pk).order_by()  # no join: it is orphaned
    # The one 20 days back went with its bin (nothing kept had rows there); today's bin holds
    # rows retention keeps, so the row written "now" waits there, unseen, for its bin to go.
    assert [line.timestamp >= now - timedelta(minutes=1) for line in stray] == [True]
    assert f"{LogLine._meta.db_table}_p{lower:%Y%m%d}" not in {
        p.name for p in partitions.listed(LogLine._meta.db_table)}
