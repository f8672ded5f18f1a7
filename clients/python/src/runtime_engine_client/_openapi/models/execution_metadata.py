from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.trigger_enum import TriggerEnum
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.execution_metadata_hook import ExecutionMetadataHook
    from ..models.execution_metadata_revisions_item import (
        ExecutionMetadataRevisionsItem,
    )
    from ..models.execution_metadata_schedule import ExecutionMetadataSchedule


T = TypeVar("T", bound="ExecutionMetadata")


@_attrs_define
class ExecutionMetadata:
    """
    Attributes:
        trigger (TriggerEnum): * `manual` - Manual
            * `api` - Api
            * `scheduled` - Scheduled
            * `webhook` - Webhook
            * `workflow` - Workflow
            * `mcp` - Mcp
        version (int): The compiled revision that ran.
        environment (str):
        rerun_of (None | UUID):
        parent_execution_id (None | UUID):
        schedule (ExecutionMetadataSchedule | Unset): Trigger scheduled: the schedule's id, name and the fire time it
            ran for.
        hook (ExecutionMetadataHook | Unset): Trigger webhook: the hook's id.
        revisions (list[ExecutionMetadataRevisionsItem] | Unset): Fix and resume: each time a step was retried on
            another revision, {from, to, step_id, at}; `version` is the revision it runs now, each attempt says its own.
    """

    trigger: TriggerEnum
    version: int
    environment: str
    rerun_of: None | UUID
    parent_execution_id: None | UUID
    schedule: ExecutionMetadataSchedule | Unset = UNSET
    hook: ExecutionMetadataHook | Unset = UNSET
    revisions: list[ExecutionMetadataRevisionsItem] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        trigger = self.trigger.value

        version = self.version

        environment = self.environment

        rerun_of: None | str
        if isinstance(self.rerun_of, UUID):
            rerun_of = str(self.rerun_of)
        else:
            rerun_of = self.rerun_of

        parent_execution_id: None | str
        if isinstance(self.parent_execution_id, UUID):
            parent_execution_id = str(self.parent_execution_id)
        else:
            parent_execution_id = self.parent_execution_id

        schedule: dict[str, Any] | Unset = UNSET
        if not isinstance(self.schedule, Unset):
            schedule = self.schedule.to_dict()

        hook: dict[str, Any] | Unset = UNSET
        if not isinstance(self.hook, Unset):
            hook = self.hook.to_dict()

        revisions: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.revisions, Unset):
            revisions = []
            for revisions_item_data in self.revisions:
                revisions_item = revisions_item_data.to_dict()
                revisions.append(revisions_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "trigger": trigger,
                "version": version,
                "environment": environment,
                "rerun_of": rerun_of,
                "parent_execution_id": parent_execution_id,
            }
        )
        if schedule is not UNSET:
            field_dict["schedule"] = schedule
        if hook is not UNSET:
            field_dict["hook"] = hook
        if revisions is not UNSET:
            field_dict["revisions"] = revisions

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.execution_metadata_hook import ExecutionMetadataHook
        from ..models.execution_metadata_revisions_item import (
            ExecutionMetadataRevisionsItem,
        )
        from ..models.execution_metadata_schedule import ExecutionMetadataSchedule

        d = dict(src_dict)
        trigger = TriggerEnum(d.pop("trigger"))

        version = d.pop("version")

        environment = d.pop("environment")

        def _parse_rerun_of(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                rerun_of_type_0 = UUID(data)

                return rerun_of_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        rerun_of = _parse_rerun_of(d.pop("rerun_of"))

        def _parse_parent_execution_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                parent_execution_id_type_0 = UUID(data)

                return parent_execution_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        parent_execution_id = _parse_parent_execution_id(d.pop("parent_execution_id"))

        _schedule = d.pop("schedule", UNSET)
        schedule: ExecutionMetadataSchedule | Unset
        if isinstance(_schedule, Unset):
            schedule = UNSET
        else:
            schedule = ExecutionMetadataSchedule.from_dict(_schedule)

        _hook = d.pop("hook", UNSET)
        hook: ExecutionMetadataHook | Unset
        if isinstance(_hook, Unset):
            hook = UNSET
        else:
            hook = ExecutionMetadataHook.from_dict(_hook)

        _revisions = d.pop("revisions", UNSET)
        revisions: list[ExecutionMetadataRevisionsItem] | Unset = UNSET
        if _revisions is not UNSET:
            revisions = []
            for revisions_item_data in _revisions:
                revisions_item = ExecutionMetadataRevisionsItem.from_dict(
                    revisions_item_data
                )

                revisions.append(revisions_item)

        execution_metadata = cls(
            trigger=trigger,
            version=version,
            environment=environment,
            rerun_of=rerun_of,
            parent_execution_id=parent_execution_id,
            schedule=schedule,
            hook=hook,
            revisions=revisions,
        )

        execution_metadata.additional_properties = d
        return execution_metadata

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
