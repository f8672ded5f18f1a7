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

    def run_python(self, code: str, inputs: dict[str, Any]) -> Any:
        namespace: dict[str, Any] = {"__name__": f"node_{self.step_id}"}
        exec(compile(code, f"<node {self.step_id}>", "exec"), namespace)  # noqa: S102 - local runner by design
        return namespace["run"](inputs, self)

    def http(self, request: dict[str, Any]) -> Any:
        if self._http is None:
            raise RuntimeError("http steps need a worker (or an http handler for local runs)")
        return self._http(request)

    def delay(self, seconds: Any) -> None:
        time.sleep(min(float(seconds), 1.0))

    def run_workflow(self, slug: str, inputs: dict[str, Any]) -> Any:
        if self._subworkflow is None:
            raise RuntimeError("workflow steps need the platform (or a handler for local runs)")
        return self._subworkflow(slug, inputs)


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
