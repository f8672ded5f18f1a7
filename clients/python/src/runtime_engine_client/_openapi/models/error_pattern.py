from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ErrorPattern")


@_attrs_define
class ErrorPattern:
    """
    Attributes:
        signature (str):
        step_id (str):
        workflow_id (int):
        type_ (None | str):
        pattern (str): The message with ids, numbers, paths replaced.
        example (str):
        count (int):
        first_seen (datetime.datetime | None):
        last_seen (datetime.datetime | None):
        executions (list[UUID]): Up to 20 affected runs, newest first.
    """

    signature: str
    step_id: str
    workflow_id: int
    type_: None | str
    pattern: str
    example: str
    count: int
    first_seen: datetime.datetime | None
    last_seen: datetime.datetime | None
    executions: list[UUID]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        signature = self.signature

        step_id = self.step_id

        workflow_id = self.workflow_id

        type_: None | str
        type_ = self.type_

        pattern = self.pattern

        example = self.example

        count = self.count

        first_seen: None | str
        if isinstance(self.first_seen, datetime.datetime):
            first_seen = self.first_seen.isoformat()
        else:
            first_seen = self.first_seen

        last_seen: None | str
        if isinstance(self.last_seen, datetime.datetime):
            last_seen = self.last_seen.isoformat()
        else:
            last_seen = self.last_seen

        executions = []
        for executions_item_data in self.executions:
            executions_item = str(executions_item_data)
            executions.append(executions_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "signature": signature,
                "step_id": step_id,
                "workflow_id": workflow_id,
                "type": type_,
                "pattern": pattern,
                "example": example,
                "count": count,
                "first_seen": first_seen,
                "last_seen": last_seen,
                "executions": executions,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        signature = d.pop("signature")

        step_id = d.pop("step_id")

        workflow_id = d.pop("workflow_id")

        def _parse_type_(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        type_ = _parse_type_(d.pop("type"))

        pattern = d.pop("pattern")

        example = d.pop("example")

        count = d.pop("count")

        def _parse_first_seen(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                first_seen_type_0 = datetime.datetime.fromisoformat(data)

                return first_seen_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        first_seen = _parse_first_seen(d.pop("first_seen"))

        def _parse_last_seen(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_seen_type_0 = datetime.datetime.fromisoformat(data)

                return last_seen_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        last_seen = _parse_last_seen(d.pop("last_seen"))

        executions = []
        _executions = d.pop("executions")
        for executions_item_data in _executions:
            executions_item = UUID(executions_item_data)

            executions.append(executions_item)

        error_pattern = cls(
            signature=signature,
            step_id=step_id,
            workflow_id=workflow_id,
            type_=type_,
            pattern=pattern,
            example=example,
            count=count,
            first_seen=first_seen,
            last_seen=last_seen,
            executions=executions,
        )

        error_pattern.additional_properties = d
        return error_pattern

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
