from enum import StrEnum


class ExecutionsListTrigger(StrEnum):
    API = "api"
    MANUAL = "manual"
    MCP = "mcp"
    SCHEDULED = "scheduled"
    WEBHOOK = "webhook"
    WORKFLOW = "workflow"

    def __str__(self) -> str:
        return str(self.value)
