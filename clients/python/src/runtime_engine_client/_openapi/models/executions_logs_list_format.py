from enum import StrEnum


class ExecutionsLogsListFormat(StrEnum):
    JSON = "json"
    JSONL = "jsonl"
    TEXT = "text"

    def __str__(self) -> str:
        return str(self.value)
