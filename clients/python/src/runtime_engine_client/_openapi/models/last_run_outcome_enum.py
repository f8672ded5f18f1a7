from enum import StrEnum


class LastRunOutcomeEnum(StrEnum):
    MISSED = "missed"
    SKIPPED = "skipped"
    STARTED = "started"

    def __str__(self) -> str:
        return str(self.value)
