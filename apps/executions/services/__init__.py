"""The doors into executions: start and re-run, controls, children, the sweeper, insights and
retention. The engine itself is apps/executions/engine/."""

from apps.executions.services.controls import (
    execution_cancel,
    execution_pause,
    execution_resume,
    step_retry,
    step_skip,
)
from apps.executions.services.start import execution_admit, execution_rerun, execution_start

__all__ = [
    "execution_admit",
    "execution_cancel",
    "execution_pause",
    "execution_rerun",
    "execution_resume",
    "execution_start",
    "step_retry",
    "step_skip",
]
