from enum import StrEnum


class AlertNotificationOutcomeEnum(StrEnum):
    FAILED = "failed"
    PENDING = "pending"
    RETRYING = "retrying"
    SENT = "sent"

    def __str__(self) -> str:
        return str(self.value)
