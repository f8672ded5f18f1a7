"""Deferred writes (apps/common/rowsql.py `deferring`): a step's writes wait to travel in one
round trip with its events, yet every other query sees them, in order, and a rolled-back
savepoint or an error undoes them as it would undo writes sent at once."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from apps.common import rowsql

User = get_user_model()
pytestmark = pytest.mark.django_db


def _rename(user, name: str) -> rowsql.Statement:  # type: ignore[no-untyped-def]
    return rowsql.updating_many(User, [user.pk], first_name=name)


def test_a_deferred_write_waits_and_any_other_query_sees_it(user):
    with CaptureQueriesContext(connection) as queries, rowsql.deferring():
        rowsql.later(_rename(user, "Ada"))
        assert len(queries) == 0  # nothing sent yet
        assert User.objects.get(pk=user.pk).first_name == "Ada"  # sent just before the read
        rowsql.later(_rename(user, "Grace"))
        (count,) = rowsql.flush(rowsql.updating_many(User, [user.pk], last_name="Hopper"))
        assert count == 1  # the result of what flush was given, not of the waiting write
    assert User.objects.filter(pk=user.pk, first_name="Grace", last_name="Hopper").exists()


def test_the_block_sends_what_is_left_when_it_ends(user):
    with rowsql.deferring():
        rowsql.later(_rename(user, "Left"))
    assert User.objects.get(pk=user.pk).first_name == "Left"


def test_a_rolled_back_savepoint_undoes_the_writes_deferred_inside_it(user):
    with rowsql.deferring():
        rowsql.later(_rename(user, "Kept"))
        with pytest.raises(RuntimeError), transaction.atomic():  # a savepoint
            rowsql.later(_rename(user, "Undone"))
            raise RuntimeError("the savepoint is rolled back")
    assert User.objects.get(pk=user.pk).first_name == "Kept"


def test_an_error_in_the_block_drops_what_waits(user):
    with pytest.raises(RuntimeError), rowsql.deferring():
        rowsql.later(_rename(user, "Never"))
        raise RuntimeError("the transaction this belongs to fails")
    assert User.objects.get(pk=user.pk).first_name != "Never"
    rowsql.later(_rename(user, "Now"))  # outside a block: at once
    assert User.objects.get(pk=user.pk).first_name == "Now"
