"""Load a compiled artifact and run its plan in-process, without workers or isolation.

For tests, dry runs and the artifact's own self-check only: production runs go through the
Celery workers, which run python steps in the sandbox.
"""

from __future__ import annotations

import logging
import time
import types
from collections.abc import Callable
from typing import Any

from compiler import expressions
from compiler.semantics import decide


def load_artifact(code: str, name: str = "workflow_artifact") -> types.ModuleType:
    module = types.ModuleType(name)
    module.__file__ = f"<artifact {name}>"
    exec(compile(code, module.__file__, "exec"), module.__dict__)  # noqa: S102 - our own generated code
    return module


class LocalContext:
    """The object step functions receive (`ctx`), backed by in-process implementations."""

    def __init__(self, *, inputs: dict[str, Any], env: dict[str, str],
                 http: Callable[[dict[str, Any]], Any] | None = None,
                 subworkflow: Callable[[str, dict[str, Any]], Any] | None = None) -> None:
        self.inputs = inputs
        self.env = env
        self.step_outputs: dict[str, dict[str, Any]] = {}
        self.attempt = 1
        self.step_id = ""
        self.log = logging.getLogger("workflow.local")
        self._http = http
        self._subworkflow = subworkflow

    def scope(self) -> dict[str, Any]:
        return {"inputs": self.inputs, "steps": self.step_outputs, "env": self.env}

    def render(self, value: Any) -> Any:
        return expressions.render(value, self.scope())

    def execute(self, step_type: str, payload: dict[str, Any]) -> Any:
        """What a worker's step runner does for `step_type`, done here in-process."""
        if step_type == "python":
            namespace: dict[str, Any] = {"__name__": f"node_{self.step_id}"}
            exec(compile(payload["code"], f"<node {self.step_id}>", "exec"), namespace)  # noqa: S102 - local runner by design
            return namespace["run"](payload["inputs"], self)
        if step_type == "delay":
            time.sleep(min(float(payload["seconds"]), 1.0))
            return None
        if step_type == "http" and self._http is not None:
            return self._http(payload)
        if step_type == "workflow" and self._subworkflow is not None:
            return self._subworkflow(payload["workflow"], payload["inputs"])
        raise RuntimeError(f"{step_type} steps need a worker (or a handler for local runs)")


def run_plan(module: types.ModuleType, ctx: LocalContext) -> dict[str, Any]:
    """Run every step in order with the engine's branch/skip semantics; return states+output."""
    states: dict[str, str] = {}
    outputs: dict[str, Any] = {}
    incoming: dict[str, list[dict[str, Any]]] = {step: [] for step in module.ORDER}
    for edge in module.EDGES:
        incoming[edge["target"]].append(edge)
    for step_id in module.ORDER:
        decision = decide(incoming[step_id], states, outputs)
        if decision == "skip":
            states[step_id] = "skipped"
            ctx.step_outputs[step_id] = {"output": None}
            continue
        ctx.step_id = step_id
        try:
            outputs[step_id] = module.STEP_FUNCTIONS[step_id](ctx)
            states[step_id] = "succeeded"
        except Exception:
            if module.STEPS[step_id]["on_error"] != "continue":
                raise
            outputs[step_id] = None
            states[step_id] = "continued"
        ctx.step_outputs[step_id] = {"output": outputs[step_id]}
    return {"states": states, "outputs": outputs, "output": module.output(ctx)}
