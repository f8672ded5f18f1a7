from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.catch_up_enum import CatchUpEnum
from ..models.priority_enum import PriorityEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="ScheduleWriteRequest")


@_attrs_define
class ScheduleWriteRequest:
    """
    Attributes:
        name (str | Unset):
        cron (str | Unset): Five fields: minute hour day month weekday.
        interval_seconds (int | None | Unset):
        timezone (str | Unset): An IANA name; default UTC.
        inputs (Any | Unset): Validated against the workflow's input_schema when saved.
        enabled (bool | Unset):
        catch_up (CatchUpEnum | Unset): * `skip` - Skip
            * `latest` - Latest
        priority (PriorityEnum | Unset): * `high` - high
            * `normal` - normal
            * `low` - low
    """

    name: str | Unset = UNSET
    cron: str | Unset = UNSET
    interval_seconds: int | None | Unset = UNSET
    timezone: str | Unset = UNSET
    inputs: Any | Unset = UNSET
    enabled: bool | Unset = UNSET
    catch_up: CatchUpEnum | Unset = UNSET
    priority: PriorityEnum | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        cron = self.cron

        interval_seconds: int | None | Unset
        if isinstance(self.interval_seconds, Unset):
            interval_seconds = UNSET
        else:
            interval_seconds = self.interval_seconds

        timezone = self.timezone

        inputs = self.inputs

        enabled = self.enabled

        catch_up: str | Unset = UNSET
        if not isinstance(self.catch_up, Unset):
            catch_up = self.catch_up.value

        priority: str | Unset = UNSET
        if not isinstance(self.priority, Unset):
            priority = self.priority.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if name is not UNSET:
            field_dict["name"] = name
        if cron is not UNSET:
            field_dict["cron"] = cron
        if interval_seconds is not UNSET:
            field_dict["interval_seconds"] = interval_seconds
        if timezone is not UNSET:
            field_dict["timezone"] = timezone
        if inputs is not UNSET:
            field_dict["inputs"] = inputs
        if enabled is not UNSET:
            field_dict["enabled"] = enabled
        if catch_up is not UNSET:
            field_dict["catch_up"] = catch_up
        if priority is not UNSET:
            field_dict["priority"] = priority

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        name = d.pop("name", UNSET)

        cron = d.pop("cron", UNSET)

        def _parse_interval_seconds(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        interval_seconds = _parse_interval_seconds(d.pop("interval_seconds", UNSET))

        timezone = d.pop("timezone", UNSET)

        inputs = d.pop("inputs", UNSET)

        enabled = d.pop("enabled", UNSET)

        _catch_up = d.pop("catch_up", UNSET)
        catch_up: CatchUpEnum | Unset
        if isinstance(_catch_up, Unset):
            catch_up = UNSET
        else:
            catch_up = CatchUpEnum(_catch_up)

        _priority = d.pop("priority", UNSET)
        priority: PriorityEnum | Unset
        if isinstance(_priority, Unset):
            priority = UNSET
        else:
            priority = PriorityEnum(_priority)

        schedule_write_request = cls(
            name=name,
            cron=cron,
            interval_seconds=interval_seconds,
            timezone=timezone,
            inputs=inputs,
            enabled=enabled,
            catch_up=catch_up,
            priority=priority,
        )

        schedule_write_request.additional_properties = d
        return schedule_write_request

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
