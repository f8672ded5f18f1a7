"""`condition`: its generated code evaluates the expression; nothing runs outside it."""

from worker.steps.base import StepRunner

RUNNER = StepRunner(inline=True)
