from enum import StrEnum


class AlertRuleKindEnum(StrEnum):
    APPROVAL_WAITING = "approval_waiting"
    EXECUTION_FAILED = "execution_failed"
    SLOW_EXECUTION = "slow_execution"
    STEP_FAILURES = "step_failures"

    def __str__(self) -> str:
        return str(self.value)
