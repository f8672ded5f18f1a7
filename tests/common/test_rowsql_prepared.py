"""On PostgreSQL the engine's hot statements (apps/common/rowsql.py) travel pipelined, as
server-side prepared statements on Django's own connection and transaction: prepared once per
connection, errors raised as Django's, a failure undoing the whole batch with its transaction,
and the client-side path kept when DB_PREPARED_STATEMENTS is off."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.test import override_settings

from apps.common import rowsql

User = get_user_model()
pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(connection.vendor != "postgresql",
                                 reason="prepared statements are PostgreSQL's (CI runs them)")]


def _prepared(fragment: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
                       [f"%{fragment}%"])
        return cursor.fetchone()[0]


def _rename(user, name: str) -> rowsql.Statement:  # type: ignore[no-untyped-def]
    return rowsql.updating_many(User, [user.pk], first_name=name)


def test_a_statement_is_prepared_once_and_reused(user):
    marker = "id = %s AND 'prepared-test' = 'prepared-test'"
    for _ in range(3):
        ((row,),) = rowsql.run(rowsql.selecting(User, marker, [user.pk]))
        assert row.pk == user.pk
    assert _prepared("'prepared-test' = 'prepared-test'") == 1


def test_a_batch_returns_each_statement_result_in_order(user):
    with transaction.atomic():
        renamed, (read,) = rowsql.run(_rename(user, "Ada"),
                                      rowsql.selecting(User, "id = %s", [user.pk], lock=True))
    assert renamed == 1
    assert read.first_name == "Ada"  # the second statement saw the first one's write


def test_a_failing_statement_raises_djangos_error_and_undoes_the_batch(user, django_user_model):
    other = django_user_model.objects.create_user("someone-else", password="x" * 12)
    with pytest.raises(IntegrityError), transaction.atomic():
        rowsql.run(_rename(user, "Undone"),
                   rowsql.updating_many(User, [other.pk], username=user.username))
    user.refresh_from_db()
    assert user.first_name != "Undone"
    # The connection is usable afterwards, prepared statements included.
    assert rowsql.run(_rename(user, "After")) == [1]


@override_settings(DB_PREPARED_STATEMENTS=False)
def test_without_prepared_statements_the_client_side_path_runs(user):
    marker = "id = %s AND 'client-side-test' = 'client-side-test'"
    renamed, (read,) = rowsql.run(_rename(user, "Grace"),
                                  rowsql.selecting(User, marker, [user.pk]))
    assert (renamed, read.first_name) == (1, "Grace")
    assert _prepared("'client-side-test' = 'client-side-test'") == 0
