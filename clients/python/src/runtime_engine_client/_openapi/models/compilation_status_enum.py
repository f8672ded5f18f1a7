from enum import StrEnum


class CompilationStatusEnum(StrEnum):
    ERROR = "error"
    SUCCESS = "success"
    WARNING = "warning"

    def __str__(self) -> str:
        return str(self.value)
