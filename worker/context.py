"""The `ctx` a compiled artifact's step functions receive in the worker: expressions
rendered in the step's scope, and `execute(type, payload)` handing the work to that step
type's runner (worker/steps/, whose modules take this context: the registry is handed in,
not imported)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from compiler import expressions
from worker.logbuffer import LogBuffer
from worker.steps.base import StepError, StepRunner

if TYPE_CHECKING:
    from apps.executions.engine.lease import Claim


class StepContext:
    """One attempt's view of its step: claim, scope, owner settings, limits, logs."""

    def __init__(self, claim: Claim, logs: LogBuffer, control: dict[str, str],
                 runners: Mapping[str, StepRunner]) -> None:
        self.claim = claim
        self.runners = runners  # worker/steps/: the registry, handed in by the runner
        self.scope = claim.scope
        self.config = claim.config
        self.logs = logs
        self.control = control  # the heartbeat's verdict: "run", "cancel" or "lost"
        self.step = claim.step
        self.spec = claim.spec
        self.attempt = claim.attempt
        self.metrics: dict[str, Any] = {}
        self.unsent_samples: list[dict[str, float]] = []  # sent with the step's commit
        self.debug: dict[str, Any] = {}
        self.timeout_s = claim.timeout_s
        self.memory_mb = claim.memory_mb

    def render(self, value: Any) -> Any:
        try:
            return expressions.render(value, self.scope.as_scope())
        except expressions.ExpressionError as exc:
            raise StepError("expression_error", self.scope.mask(str(exc))) from None

    def execute(self, step_type: str, payload: dict[str, Any]) -> Any:
        """Run the step's work the way its type does (raises StepError or Deferred)."""
        runner = self.runners.get(step_type)
        if runner is None:
            raise StepError("sandbox_error", f"no worker runs {step_type!r} steps",
                            suggestion="Deploy workers that know this step type.")
        return runner.run(self, payload)

    def record_inputs(self, inputs: Any) -> None:
        """Keep what the step was given (masked), for debugging and for a retry to edit:
        written with the first heartbeat (a step that runs longer shows them while it runs)
        or with the attempt's end, so a short step spends no transaction on them."""
        self.claim.hold_inputs(self.scope.mask(inputs))

    def should_stop(self) -> str | None:
        return "cancel" if self.control.get("state") in ("cancel", "lost") else None

    # Artifacts from compiler 1.x (recorded by earlier executions, re-run as they were)
    # called one method per step type.
    def run_python(self, code: str, inputs: dict[str, Any]) -> Any:
        return self.execute("python", {"code": code, "inputs": inputs})

    def http(self, request: dict[str, Any]) -> Any:
        return self.execute("http", request)

    def delay(self, seconds: Any) -> Any:
        return self.execute("delay", {"seconds": seconds})

    def run_workflow(self, slug: str, inputs: dict[str, Any]) -> Any:
        return self.execute("workflow", {"workflow": slug, "inputs": inputs})
