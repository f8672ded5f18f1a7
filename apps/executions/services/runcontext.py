"""What a step sees when it runs: inputs with secrets restored, env, upstream outputs, and the
secret values to mask wherever text leaves the step."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from apps.common.crypto import decrypt_json
from apps.common.masking import mask_value, secret_variants
from apps.executions.models import Execution, StepRun
from apps.runtime.selectors import all_connection_secrets, env_for_execution


@dataclass
class RunScope:
    inputs: dict[str, Any]
    env: dict[str, str]
    steps: dict[str, dict[str, Any]]
    variants: list[str]

    def as_scope(self) -> dict[str, Any]:
        return {"inputs": self.inputs, "env": self.env, "steps": self.steps}

    def mask(self, value: Any) -> Any:
        return mask_value(value, self.variants)


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


def build_scope(execution: Execution) -> RunScope:
    env, env_secrets = env_for_execution(owner_id=execution.owner_id)
    inputs = real_inputs(execution)
    secret_inputs = [v for k, v in inputs.items() if (execution.inputs or {}).get(k) == "••••••"]
    steps = {
        step.step_id: {"output": step_output_for_scope(step), "status": step.status}
        for step in execution.steps.all()
    }
    secrets = [*env_secrets, *all_connection_secrets(owner_id=execution.owner_id)]
    secrets += [s if isinstance(s, str) else json.dumps(s) for s in secret_inputs]
    return RunScope(inputs=inputs, env=env, steps=steps, variants=secret_variants(secrets))
