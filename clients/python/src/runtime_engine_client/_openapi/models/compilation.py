from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.compilation_status_enum import CompilationStatusEnum

if TYPE_CHECKING:
    from ..models.artifacts import Artifacts
    from ..models.issue import Issue


T = TypeVar("T", bound="Compilation")


@_attrs_define
class Compilation:
    """CompilationResult (docs/workflow-format.md, "Compilation").

    Attributes:
        id (int):
        workflow_id (int):
        revision (int):
        status (CompilationStatusEnum): * `success` - Success
            * `warning` - Warning
            * `error` - Error
            * `resolving` - Resolving
        timestamp (datetime.datetime):
        duration_ms (float):
        compiler_version (str):
        artifacts (Artifacts):
        issues (list[Issue]):
    """

    id: int
    workflow_id: int
    revision: int
    status: CompilationStatusEnum
    timestamp: datetime.datetime
    duration_ms: float
    compiler_version: str
    artifacts: Artifacts
    issues: list[Issue]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        workflow_id = self.workflow_id

        revision = self.revision

        status = self.status.value

        timestamp = self.timestamp.isoformat()

        duration_ms = self.duration_ms

        compiler_version = self.compiler_version

        artifacts = self.artifacts.to_dict()

        issues = []
        for issues_item_data in self.issues:
            issues_item = issues_item_data.to_dict()
            issues.append(issues_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "workflow_id": workflow_id,
                "revision": revision,
                "status": status,
                "timestamp": timestamp,
                "duration_ms": duration_ms,
                "compiler_version": compiler_version,
                "artifacts": artifacts,
                "issues": issues,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.artifacts import Artifacts
        from ..models.issue import Issue

        d = dict(src_dict)
        id = d.pop("id")

        workflow_id = d.pop("workflow_id")

        revision = d.pop("revision")

        status = CompilationStatusEnum(d.pop("status"))

        timestamp = datetime.datetime.fromisoformat(d.pop("timestamp"))

        duration_ms = d.pop("duration_ms")

        compiler_version = d.pop("compiler_version")

        artifacts = Artifacts.from_dict(d.pop("artifacts"))

        issues = []
        _issues = d.pop("issues")
        for issues_item_data in _issues:
            issues_item = Issue.from_dict(issues_item_data)

            issues.append(issues_item)

        compilation = cls(
            id=id,
            workflow_id=workflow_id,
            revision=revision,
            status=status,
            timestamp=timestamp,
            duration_ms=duration_ms,
            compiler_version=compiler_version,
            artifacts=artifacts,
            issues=issues,
        )

        compilation.additional_properties = d
        return compilation

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
