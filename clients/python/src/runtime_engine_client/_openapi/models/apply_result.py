from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.workflow_change import WorkflowChange


T = TypeVar("T", bound="ApplyResult")


@_attrs_define
class ApplyResult:
    """
    Attributes:
        applied (bool): False for a dry run.
        dry_run (bool):
        prune (bool):
        ok (bool):
        workflows (list[WorkflowChange]):
    """

    applied: bool
    dry_run: bool
    prune: bool
    ok: bool
    workflows: list[WorkflowChange]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        applied = self.applied

        dry_run = self.dry_run

        prune = self.prune

        ok = self.ok

        workflows = []
        for workflows_item_data in self.workflows:
            workflows_item = workflows_item_data.to_dict()
            workflows.append(workflows_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "applied": applied,
                "dry_run": dry_run,
                "prune": prune,
                "ok": ok,
                "workflows": workflows,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.workflow_change import WorkflowChange

        d = dict(src_dict)
        applied = d.pop("applied")

        dry_run = d.pop("dry_run")

        prune = d.pop("prune")

        ok = d.pop("ok")

        workflows = []
        _workflows = d.pop("workflows")
        for workflows_item_data in _workflows:
            workflows_item = WorkflowChange.from_dict(workflows_item_data)

            workflows.append(workflows_item)

        apply_result = cls(
            applied=applied,
            dry_run=dry_run,
            prune=prune,
            ok=ok,
            workflows=workflows,
        )

        apply_result.additional_properties = d
        return apply_result

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
