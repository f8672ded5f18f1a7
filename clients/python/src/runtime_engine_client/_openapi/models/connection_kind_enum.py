from enum import StrEnum


class ConnectionKindEnum(StrEnum):
    BASIC_AUTH = "basic_auth"
    BEARER = "bearer"
    HTTP_HEADER = "http_header"

    def __str__(self) -> str:
        return str(self.value)
