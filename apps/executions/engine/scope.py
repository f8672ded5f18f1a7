"""What a step sees when it runs: inputs with secrets restored, env, upstream outputs, and the
secret values to mask wherever text leaves the step."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from apps.common.crypto import decrypt_json
from apps.common.masking import Masker, masker_for
from apps.executions.models import Execution, StepRun
from apps.runtime.selectors import (
    all_connection_secrets,
    env_for_execution,
    runtime_config_get,
)

if TYPE_CHECKING:
    from apps.executions.engine.unit import Unit


@dataclass
class RunScope:
    inputs: dict[str, Any]
    env: dict[str, str]
    steps: dict[str, dict[str, Any]]
    masker: Masker

    def as_scope(self) -> dict[str, Any]:
        return {"inputs": self.inputs, "env": self.env, "steps": self.steps}

    def mask(self, value: Any) -> Any:
        return self.masker.mask(value)


def real_inputs(execution: Execution) -> dict[str, Any]:
    inputs = dict(execution.inputs or {})
    if execution.encrypted_secret_inputs:
        inputs.update(decrypt_json(execution.encrypted_secret_inputs) or {})
    return inputs


def step_output_for_scope(step: StepRun) -> Any:
    if step.status == StepRun.Status.SUCCEEDED or (
        step.status == StepRun.Status.SKIPPED and step.overrides.get("substituted")
    ):
        return step.output
    return None


class StepOutputs(dict):
    """`steps` as expressions see it, read on first use: a step's expressions name a few
    upstream steps, so loading all of a long workflow's outputs for every step is waste.
    Read through the unit the scope was built in: a row it holds (written in it, perhaps not
    yet sent) is the one that counts."""

    def __init__(self, unit: Unit, execution: Execution) -> None:
        super().__init__()
        self.unit, self.execution = unit, execution

    def __missing__(self, step_id: str) -> dict[str, Any]:
        step = self.unit.step(self.execution, step_id)
        if step is None:
            raise KeyError(step_id)
        value = {"output": step_output_for_scope(step), "status": step.status}
        self[step_id] = value
        return value


@dataclass(frozen=True)
class OwnerSnapshot:
    config: dict[str, Any]
    env: dict[str, str]
    secrets: tuple[str, ...]  # secret env values and connection credentials


_SNAPSHOTS: dict[Any, tuple[float, datetime, OwnerSnapshot]] = {}  # by owner and execution
_SNAPSHOT_TTL_S = 5.0
_SNAPSHOT_MAX = 1024
_CLOCK_MARGIN = timedelta(seconds=1)  # the starting process's clock against this one's


def owner_snapshot(execution: Execution) -> OwnerSnapshot:
    """The owner's settings, env and secrets as steps see them, read (and decrypted) at most
    every few seconds instead of for every step.

    A snapshot serves the execution it was read for, and other executions of the owner
    created before it was read: whatever was saved before an execution started always
    applies to it; a change saved while it runs applies within seconds."""
    now = time.monotonic()
    mine = _SNAPSHOTS.get(("execution", execution.pk))
    if mine is not None and mine[0] > now:
        return mine[2]
    shared = _SNAPSHOTS.get(("owner", execution.owner_id))
    if shared is not None and shared[0] > now and execution.created_at is not None and (
            shared[1] > execution.created_at + _CLOCK_MARGIN):
        _remember(("execution", execution.pk), shared, now)
        return shared[2]
    read_at = timezone.now()
    env, env_secrets = env_for_execution(owner_id=execution.owner_id)
    snapshot = OwnerSnapshot(
        config=runtime_config_get(owner=execution.owner_id), env=env,
        secrets=(*env_secrets, *all_connection_secrets(owner_id=execution.owner_id)))
    entry = (now + _SNAPSHOT_TTL_S, read_at, snapshot)
    _remember(("execution", execution.pk), entry, now)
    _remember(("owner", execution.owner_id), entry, now)
    return snapshot


def _remember(key: tuple[str, Any], entry: tuple[float, datetime, OwnerSnapshot],
              now: float) -> None:
    if len(_SNAPSHOTS) >= _SNAPSHOT_MAX:
        for old in [k for k, (expires, _, _) in _SNAPSHOTS.items() if expires <= now] or list(
                _SNAPSHOTS)[: _SNAPSHOT_MAX // 2]:
            _SNAPSHOTS.pop(old, None)
    _SNAPSHOTS[key] = entry


def cached_config(execution: Execution) -> dict[str, Any] | None:
    """The owner's settings from a snapshot this process read for this execution a moment
    ago (owner_snapshot), or None: the engine's hot path reads no settings row per step."""
    mine = _SNAPSHOTS.get(("execution", execution.pk))
    return mine[2].config if mine is not None and mine[0] > time.monotonic() else None


def build_scope(unit: Unit, execution: Execution) -> RunScope:
    """What the execution's steps see (inputs, env, upstream outputs read through `unit`) and
    the secrets to mask."""
    snapshot = owner_snapshot(execution)
    env = dict(snapshot.env)
    inputs = real_inputs(execution)
    secret_inputs = [v for k, v in inputs.items() if (execution.inputs or {}).get(k) == "••••••"]
    steps = StepOutputs(unit, execution)
    secrets = list(snapshot.secrets)
    secrets += [s if isinstance(s, str) else json.dumps(s) for s in secret_inputs]
    return RunScope(inputs=inputs, env=env, steps=steps, masker=masker_for(secrets))
