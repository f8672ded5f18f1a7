from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.last_run_outcome_enum import LastRunOutcomeEnum

T = TypeVar("T", bound="LastRun")


@_attrs_define
class LastRun:
    """
    Attributes:
        fire_time (datetime.datetime):
        outcome (LastRunOutcomeEnum): * `started` - Started
            * `skipped` - Skipped
            * `missed` - Missed
        execution_id (None | UUID):
        reason (str):
    """

    fire_time: datetime.datetime
    outcome: LastRunOutcomeEnum
    execution_id: None | UUID
    reason: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        fire_time = self.fire_time.isoformat()

        outcome = self.outcome.value

        execution_id: None | str
        if isinstance(self.execution_id, UUID):
            execution_id = str(self.execution_id)
        else:
            execution_id = self.execution_id

        reason = self.reason

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "fire_time": fire_time,
                "outcome": outcome,
                "execution_id": execution_id,
                "reason": reason,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        fire_time = datetime.datetime.fromisoformat(d.pop("fire_time"))

        outcome = LastRunOutcomeEnum(d.pop("outcome"))

        def _parse_execution_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                execution_id_type_0 = UUID(data)

                return execution_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        execution_id = _parse_execution_id(d.pop("execution_id"))

        reason = d.pop("reason")

        last_run = cls(
            fire_time=fire_time,
            outcome=outcome,
            execution_id=execution_id,
            reason=reason,
        )

        last_run.additional_properties = d
        return last_run

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
