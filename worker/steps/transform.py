"""`transform`: its generated code renders the value; nothing runs outside the artifact."""

from worker.steps.base import StepRunner

RUNNER = StepRunner(inline=True)
