"""The sweeper: stale and NULL heartbeats are recovered; a poison step stops after N losses."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from apps.executions.models import StepRun
from apps.executions.services import execution_start
from apps.executions.services.sweeper import sweep
from apps.workflows import services as workflow_services
from tests.conftest import load_example

# Not transaction=True: these rows stay invisible to the session worker's own sweeper.
pytestmark = pytest.mark.django_db


@pytest.fixture
def stuck_step(user):  # type: ignore[no-untyped-def]
    workflow = workflow_services.workflow_create(owner=user, slug="hello",
                                                 definition=load_example("hello-transform"))
    execution = execution_start(workflow=workflow, owner=user, inputs={})
    execution.status, execution.started_at = "running", timezone.now()  # on_commit admits
    execution.save(update_fields=["status", "started_at"])
    step = execution.steps.get()
    StepRun.objects.filter(pk=step.pk).update(status="running", attempts=1, lease_token="t",
                                              lease_owner="gone:1", heartbeat_at=None,
                                              started_at=timezone.now() - timedelta(hours=1))
    step.attempt_rows.create(number=1, status="running", started_at=step.started_at)
    return step


@override_settings(HEARTBEAT_TIMEOUT_S=5)
def test_null_heartbeat_is_treated_as_lost_and_requeued(stuck_step):
    report = sweep()
    stuck_step.refresh_from_db()
    assert report["lost"] == 1
    assert stuck_step.status == "queued" and stuck_step.lost_count == 1
    assert stuck_step.attempt_rows.get(number=1).error["type"] == "worker_lost"


@override_settings(HEARTBEAT_TIMEOUT_S=5, MAX_WORKER_LOST=1)
def test_a_step_lost_too_often_fails_with_worker_lost(stuck_step):
    sweep()
    stuck_step.refresh_from_db()
    execution = stuck_step.execution
    execution.refresh_from_db()
    assert stuck_step.status == "failed"
    assert "worker crashed 1 times" in stuck_step.error["message"]
    assert execution.status == "failed"
