from enum import StrEnum


class CatchUpEnum(StrEnum):
    LATEST = "latest"
    SKIP = "skip"

    def __str__(self) -> str:
        return str(self.value)
