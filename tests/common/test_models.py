"""Data model: secrets encrypted at rest, ownership, constraints, history indexes."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection

from apps.common.crypto import decrypt_json, encrypt_json
from apps.executions.models import Execution
from apps.runtime import services as runtime_services
from apps.runtime.models import Connection, EnvVar
from apps.workflows.models import Workflow
from tests.factories import make_workflow

pytestmark = pytest.mark.django_db


def test_secret_env_var_is_encrypted_at_rest(user):
    # given
    canary = "cnry-env-0123456789"
    # when
    runtime_services.env_var_upsert(owner=user, name="TOKEN", value=canary, is_secret=True)
    # then
    with connection.cursor() as cursor:
        cursor.execute("SELECT plain_value, encrypted_value FROM runtime_envvar")
        plain, encrypted = cursor.fetchone()
    assert canary not in plain and canary not in encrypted
    assert EnvVar.objects.get(name="TOKEN").get_value() == canary


def test_connection_secret_is_encrypted_and_kept_when_not_resent(user):
    runtime_services.connection_upsert(owner=user, name="api", kind="bearer", config={},
                                       secret={"token": "cnry-conn-secret"})
    runtime_services.connection_upsert(owner=user, name="api", kind="bearer",
                                       config={"base_url": "http://127.0.0.1:1"}, secret=None)
    conn = Connection.objects.get(name="api")
    assert "cnry-conn-secret" not in conn.encrypted_secret
    assert conn.get_secret() == {"token": "cnry-conn-secret"}
    assert conn.config == {"base_url": "http://127.0.0.1:1"}


def test_crypto_round_trips_any_json():
    value = {"a": [1, "two", None], "ü": True}
    assert decrypt_json(encrypt_json(value)) == value


def test_env_var_names_are_validated(user):
    from apps.common.exceptions import ApplicationError

    with pytest.raises(ApplicationError) as caught:
        runtime_services.env_var_upsert(owner=user, name="1BAD-NAME", value="x")
    assert "name" in caught.value.fields


def test_workflow_slug_is_unique_per_owner_only(user, other_user):
    make_workflow(owner=user, slug="same")
    make_workflow(owner=other_user, slug="same")  # another owner may reuse it
    with pytest.raises(IntegrityError):
        Workflow.objects.create(owner=user, slug="same", name="dup")


def test_history_indexes_exist():
    names = {index.name for index in Execution._meta.indexes}
    assert {"exec_owner_created", "exec_owner_status", "exec_owner_wf",
            "exec_owner_started"} <= names
