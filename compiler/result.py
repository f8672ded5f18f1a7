"""The shapes the compiler returns: Issue and CompilationResult (docs/workflow-format.md,
"Compilation")."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

IssueType = Literal["error", "warning"]

# The seed's user-facing wording for each issue code; messages start with it.
SEED_MESSAGES = {
    "syntax_error": "Invalid workflow structure detected",
    "missing_dependency": "Required integration not connected",
    "type_mismatch": "Parameter type conflict found",
    "import_resolution": "Cannot resolve workflow imports",
    "requirement_unresolvable": "Cannot resolve package requirements",
    "internal_error": "The compiler could not finish",
}


@dataclass(frozen=True)
class Issue:
    type: IssueType
    code: str
    message: str
    node_id: str | None = None
    field: str | None = None
    line: int | None = None
    suggestion: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Artifacts:
    generated_code: str = ""
    code_sha256: str = ""
    source_map: list[dict[str, Any]] = field(default_factory=list)
    dependencies: dict[str, list[Any]] = field(default_factory=dict)


@dataclass
class CompilationResult:
    status: Literal["success", "warning", "error"]
    duration_ms: float
    compiler_version: str
    issues: list[Issue]
    artifacts: Artifacts

    @property
    def runnable(self) -> bool:
        return self.status != "error"

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "duration_ms": self.duration_ms,
            "compiler_version": self.compiler_version,
            "issues": [issue.as_dict() for issue in self.issues],
            "artifacts": {
                "generated_code": self.artifacts.generated_code,
                "code_sha256": self.artifacts.code_sha256,
                "source_map": self.artifacts.source_map,
                "dependencies": self.artifacts.dependencies,
            },
        }


def error(code: str, detail: str, **where: Any) -> Issue:
    return Issue(type="error", code=code, message=f"{SEED_MESSAGES[code]}: {detail}", **where)


def warning(code: str, message: str, **where: Any) -> Issue:
    return Issue(type="warning", code=code, message=message, **where)
