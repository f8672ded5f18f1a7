from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="Approval")


@_attrs_define
class Approval:
    """
    Attributes:
        execution_id (UUID):
        workflow_id (int):
        workflow_name (str):
        step_id (str):
        message (str):
        fields (Any):
        waiting_since (datetime.datetime | None):
    """

    execution_id: UUID
    workflow_id: int
    workflow_name: str
    step_id: str
    message: str
    fields: Any
    waiting_since: datetime.datetime | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        execution_id = str(self.execution_id)

        workflow_id = self.workflow_id

        workflow_name = self.workflow_name

        step_id = self.step_id

        message = self.message

        fields = self.fields

        waiting_since: None | str
        if isinstance(self.waiting_since, datetime.datetime):
            waiting_since = self.waiting_since.isoformat()
        else:
            waiting_since = self.waiting_since

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "execution_id": execution_id,
                "workflow_id": workflow_id,
                "workflow_name": workflow_name,
                "step_id": step_id,
                "message": message,
                "fields": fields,
                "waiting_since": waiting_since,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        execution_id = UUID(d.pop("execution_id"))

        workflow_id = d.pop("workflow_id")

        workflow_name = d.pop("workflow_name")

        step_id = d.pop("step_id")

        message = d.pop("message")

        fields = d.pop("fields")

        def _parse_waiting_since(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                waiting_since_type_0 = datetime.datetime.fromisoformat(data)

                return waiting_since_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        waiting_since = _parse_waiting_since(d.pop("waiting_since"))

        approval = cls(
            execution_id=execution_id,
            workflow_id=workflow_id,
            workflow_name=workflow_name,
            step_id=step_id,
            message=message,
            fields=fields,
            waiting_since=waiting_since,
        )

        approval.additional_properties = d
        return approval

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
