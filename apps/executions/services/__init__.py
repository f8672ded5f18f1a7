"""Execution services: start and admit, the step lifecycle, controls, children, the sweeper."""

from apps.executions.services.controls import (
    execution_cancel,
    execution_pause,
    execution_resume,
    step_retry,
    step_skip,
)
from apps.executions.services.start import admit, execution_rerun, execution_start

__all__ = [
    "admit",
    "execution_cancel",
    "execution_pause",
    "execution_rerun",
    "execution_resume",
    "execution_start",
    "step_retry",
    "step_skip",
]
