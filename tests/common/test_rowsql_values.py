"""rowsql's shortcuts must write and commit exactly what the ORM would: values of plain types
skip Field.get_db_prep_save only where the field would hand them back unchanged (rowvalues);
a queryset compiled once per shape (`existing_of`) answers as the queryset itself; and the
COMMIT a unit of work sends with its last statements happens only in the outermost
transaction, with its on_commit hooks still run after it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from django.db import connection, models, transaction

from apps.common import rowsql, rowvalues
from apps.executions.engine.unit import Unit
from apps.executions.models import Execution, ExecutionEvent, StepAttempt, StepRun
from apps.executions.selectors import queue_unblocked_by
from bench.roundtrips import counting
from tests.factories import make_execution

SAMPLES = ["text", "", 0, 7, -3, 2.5, True, False, None, uuid.uuid4(),
           datetime(2026, 12, 3, 20, 0, tzinfo=UTC), datetime(2026, 12, 3, 20, 0),  # noqa: DTZ001 - a naive one on purpose
           {"a": [1, 2]}, [1, "x"], "2026-12-03T20:00:00+00:00"]


@pytest.mark.parametrize("model", [Execution, StepRun, StepAttempt, ExecutionEvent])
@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # naive datetimes: the ORM warns too
def test_prepared_values_are_what_the_field_would_write(model):
    for field in model._meta.concrete_fields:
        ((_, prepare),) = rowvalues.preparers(model, [field.name])
        for value in SAMPLES:
            try:
                expected = field.get_db_prep_save(value, connection)
            except (TypeError, ValueError, Exception) as exc:  # noqa: BLE001 - any refusal
                with pytest.raises(type(exc)):
                    prepare(value, connection)
                continue
            got = prepare(value, connection)
            assert type(got) is type(expected), (field.name, value)
            assert getattr(got, "obj", got) == getattr(expected, "obj", expected), \
                (field.name, value)


def test_json_fields_always_go_through_the_field():
    field = StepRun._meta.get_field("output")
    assert isinstance(field, models.JSONField)
    assert rowvalues._plain_types(field, connection) is None  # noqa: SLF001


@pytest.mark.django_db
@pytest.mark.parametrize("group", [None, "key", ""])
def test_a_queryset_compiled_once_answers_as_the_queryset_itself(user, group):
    other_key = make_execution(owner=user, status="queued")
    Execution.objects.filter(pk=other_key.pk).update(waiting_on_limit=True,
                                                     concurrency_key="other")
    shape = None if group is None else (other_key.workflow_id, group)
    for _ in range(2):  # the second call uses the compiled shape
        answers: list[bool] = []
        with transaction.atomic():
            rowsql.run(rowsql.existing_of(queue_unblocked_by, user.pk, shape,
                                          found=answers.append))
        assert answers == [queue_unblocked_by(user.pk, shape).exists()]
    Execution.objects.filter(pk=other_key.pk).update(concurrency_key=group or "")
    answers = []
    with transaction.atomic():
        rowsql.run(rowsql.existing_of(queue_unblocked_by, user.pk, shape,
                                      found=answers.append))
    assert answers == [queue_unblocked_by(user.pk, shape).exists()] == [True]


pg_only = pytest.mark.skipif(connection.vendor != "postgresql",
                             reason="the pipelined COMMIT is PostgreSQL's (CI runs it)")


@pg_only
@pytest.mark.django_db(transaction=True)
def test_a_units_commit_rides_its_last_round_trip_and_hooks_still_run(user):
    ran: list[str] = []
    with counting(connection) as count, Unit() as unit:
        unit.after_commit(lambda: ran.append("hook"))
        user.first_name = "Ada"
        unit.save(user, "first_name")
        assert ran == []
    assert ran == ["hook"]  # after the commit, as always
    assert count.calls == 1 and count.waits == 2  # BEGIN, then the write with the COMMIT
    user.refresh_from_db()
    assert user.first_name == "Ada"


@pg_only
@pytest.mark.django_db(transaction=True)
def test_a_unit_inside_another_transaction_commits_nothing_early(user):
    with transaction.atomic():
        with Unit() as unit:  # a savepoint: the outer block decides
            user.first_name = "Kept?"
            unit.save(user, "first_name")
        assert connection.connection.pgconn.transaction_status != 0  # still in it
        transaction.set_rollback(True)
    user.refresh_from_db()
    assert user.first_name != "Kept?"


@pg_only
@pytest.mark.django_db(transaction=True)
def test_a_failing_last_round_trip_commits_nothing(user, django_user_model):
    other = django_user_model.objects.create_user("someone-else", password="x" * 12)
    user.first_name, other.username = "Undone", user.username  # the second one clashes

    def both() -> None:
        with Unit() as unit:
            unit.save(user, "first_name")
            unit.save(other, "username")

    with pytest.raises(Exception):  # noqa: B017, PT011 - IntegrityError
        both()
    user.refresh_from_db()
    assert user.first_name != "Undone"
    assert rowsql.run(rowsql.updating_many(type(user), [user.pk], first_name="After")) == [1]
