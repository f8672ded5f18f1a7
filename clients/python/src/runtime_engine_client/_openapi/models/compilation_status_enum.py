from enum import StrEnum


class CompilationStatusEnum(StrEnum):
    ERROR = "error"
    RESOLVING = "resolving"
    SUCCESS = "success"
    WARNING = "warning"

    def __str__(self) -> str:
        return str(self.value)
