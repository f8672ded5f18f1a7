from enum import StrEnum


class ViaEnum(StrEnum):
    API = "api"
    SYSTEM = "system"
    WEB = "web"

    def __str__(self) -> str:
        return str(self.value)
