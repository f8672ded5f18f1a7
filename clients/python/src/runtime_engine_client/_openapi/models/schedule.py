from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.catch_up_enum import CatchUpEnum
from ..models.priority_enum import PriorityEnum

if TYPE_CHECKING:
    from ..models.last_run import LastRun


T = TypeVar("T", bound="Schedule")


@_attrs_define
class Schedule:
    """
    Attributes:
        id (int):
        workflow_id (int):
        name (str):
        cron (str):
        interval_seconds (int | None):
        timezone (str):
        inputs (Any):
        enabled (bool):
        catch_up (CatchUpEnum): * `skip` - Skip
            * `latest` - Latest
        priority (PriorityEnum): * `high` - high
            * `normal` - normal
            * `low` - low
        description (str):
        next_runs (list[datetime.datetime]):
        last_run (LastRun | None):
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
    """

    id: int
    workflow_id: int
    name: str
    cron: str
    interval_seconds: int | None
    timezone: str
    inputs: Any
    enabled: bool
    catch_up: CatchUpEnum
    priority: PriorityEnum
    description: str
    next_runs: list[datetime.datetime]
    last_run: LastRun | None
    created_at: datetime.datetime
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.last_run import LastRun

        id = self.id

        workflow_id = self.workflow_id

        name = self.name

        cron = self.cron

        interval_seconds: int | None
        interval_seconds = self.interval_seconds

        timezone = self.timezone

        inputs = self.inputs

        enabled = self.enabled

        catch_up = self.catch_up.value

        priority = self.priority.value

        description = self.description

        next_runs = []
        for next_runs_item_data in self.next_runs:
            next_runs_item = next_runs_item_data.isoformat()
            next_runs.append(next_runs_item)

        last_run: dict[str, Any] | None
        if isinstance(self.last_run, LastRun):
            last_run = self.last_run.to_dict()
        else:
            last_run = self.last_run

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "workflow_id": workflow_id,
                "name": name,
                "cron": cron,
                "interval_seconds": interval_seconds,
                "timezone": timezone,
                "inputs": inputs,
                "enabled": enabled,
                "catch_up": catch_up,
                "priority": priority,
                "description": description,
                "next_runs": next_runs,
                "last_run": last_run,
                "created_at": created_at,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.last_run import LastRun

        d = dict(src_dict)
        id = d.pop("id")

        workflow_id = d.pop("workflow_id")

        name = d.pop("name")

        cron = d.pop("cron")

        def _parse_interval_seconds(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        interval_seconds = _parse_interval_seconds(d.pop("interval_seconds"))

        timezone = d.pop("timezone")

        inputs = d.pop("inputs")

        enabled = d.pop("enabled")

        catch_up = CatchUpEnum(d.pop("catch_up"))

        priority = PriorityEnum(d.pop("priority"))

        description = d.pop("description")

        next_runs = []
        _next_runs = d.pop("next_runs")
        for next_runs_item_data in _next_runs:
            next_runs_item = datetime.datetime.fromisoformat(next_runs_item_data)

            next_runs.append(next_runs_item)

        def _parse_last_run(data: object) -> LastRun | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                last_run_type_1 = LastRun.from_dict(data)

                return last_run_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(LastRun | None, data)

        last_run = _parse_last_run(d.pop("last_run"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        schedule = cls(
            id=id,
            workflow_id=workflow_id,
            name=name,
            cron=cron,
            interval_seconds=interval_seconds,
            timezone=timezone,
            inputs=inputs,
            enabled=enabled,
            catch_up=catch_up,
            priority=priority,
            description=description,
            next_runs=next_runs,
            last_run=last_run,
            created_at=created_at,
            updated_at=updated_at,
        )

        schedule.additional_properties = d
        return schedule

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
