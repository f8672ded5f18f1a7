from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.execution_status_enum import ExecutionStatusEnum
from ..models.priority_enum import PriorityEnum
from ..models.trigger_enum import TriggerEnum

if TYPE_CHECKING:
    from ..models.execution_metadata import ExecutionMetadata
    from ..models.execution_step_results import ExecutionStepResults


T = TypeVar("T", bound="Execution")


@_attrs_define
class Execution:
    """ExecutionContext (docs/execution.md).

    Attributes:
        execution_id (UUID):
        workflow_id (int):
        workflow_name (str):
        user (str):
        status (ExecutionStatusEnum): * `queued` - Queued
            * `running` - Running
            * `paused` - Paused
            * `succeeded` - Succeeded
            * `failed` - Failed
            * `cancelled` - Cancelled
        trigger (TriggerEnum): * `manual` - Manual
            * `api` - Api
            * `scheduled` - Scheduled
            * `webhook` - Webhook
            * `workflow` - Workflow
            * `mcp` - Mcp
        priority (PriorityEnum): * `high` - high
            * `normal` - normal
            * `low` - low
        inputs (Any):
        current_step (str):
        created_at (datetime.datetime):
        started_at (datetime.datetime | None):
        finished_at (datetime.datetime | None):
        duration_ms (float | None):
        error (Any):
        waiting_reason (str):
        output (Any):
        step_results (ExecutionStepResults):
        metadata (ExecutionMetadata):
        last_event_seq (int):
    """

    execution_id: UUID
    workflow_id: int
    workflow_name: str
    user: str
    status: ExecutionStatusEnum
    trigger: TriggerEnum
    priority: PriorityEnum
    inputs: Any
    current_step: str
    created_at: datetime.datetime
    started_at: datetime.datetime | None
    finished_at: datetime.datetime | None
    duration_ms: float | None
    error: Any
    waiting_reason: str
    output: Any
    step_results: ExecutionStepResults
    metadata: ExecutionMetadata
    last_event_seq: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        execution_id = str(self.execution_id)

        workflow_id = self.workflow_id

        workflow_name = self.workflow_name

        user = self.user

        status = self.status.value

        trigger = self.trigger.value

        priority = self.priority.value

        inputs = self.inputs

        current_step = self.current_step

        created_at = self.created_at.isoformat()

        started_at: None | str
        if isinstance(self.started_at, datetime.datetime):
            started_at = self.started_at.isoformat()
        else:
            started_at = self.started_at

        finished_at: None | str
        if isinstance(self.finished_at, datetime.datetime):
            finished_at = self.finished_at.isoformat()
        else:
            finished_at = self.finished_at

        duration_ms: float | None
        duration_ms = self.duration_ms

        error = self.error

        waiting_reason = self.waiting_reason

        output = self.output

        step_results = self.step_results.to_dict()

        metadata = self.metadata.to_dict()

        last_event_seq = self.last_event_seq

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "execution_id": execution_id,
                "workflow_id": workflow_id,
                "workflow_name": workflow_name,
                "user": user,
                "status": status,
                "trigger": trigger,
                "priority": priority,
                "inputs": inputs,
                "current_step": current_step,
                "created_at": created_at,
                "started_at": started_at,
                "finished_at": finished_at,
                "duration_ms": duration_ms,
                "error": error,
                "waiting_reason": waiting_reason,
                "output": output,
                "step_results": step_results,
                "metadata": metadata,
                "last_event_seq": last_event_seq,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.execution_metadata import ExecutionMetadata
        from ..models.execution_step_results import ExecutionStepResults

        d = dict(src_dict)
        execution_id = UUID(d.pop("execution_id"))

        workflow_id = d.pop("workflow_id")

        workflow_name = d.pop("workflow_name")

        user = d.pop("user")

        status = ExecutionStatusEnum(d.pop("status"))

        trigger = TriggerEnum(d.pop("trigger"))

        priority = PriorityEnum(d.pop("priority"))

        inputs = d.pop("inputs")

        current_step = d.pop("current_step")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_started_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                started_at_type_0 = datetime.datetime.fromisoformat(data)

                return started_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        started_at = _parse_started_at(d.pop("started_at"))

        def _parse_finished_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                finished_at_type_0 = datetime.datetime.fromisoformat(data)

                return finished_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        finished_at = _parse_finished_at(d.pop("finished_at"))

        def _parse_duration_ms(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        duration_ms = _parse_duration_ms(d.pop("duration_ms"))

        error = d.pop("error")

        waiting_reason = d.pop("waiting_reason")

        output = d.pop("output")

        step_results = ExecutionStepResults.from_dict(d.pop("step_results"))

        metadata = ExecutionMetadata.from_dict(d.pop("metadata"))

        last_event_seq = d.pop("last_event_seq")

        execution = cls(
            execution_id=execution_id,
            workflow_id=workflow_id,
            workflow_name=workflow_name,
            user=user,
            status=status,
            trigger=trigger,
            priority=priority,
            inputs=inputs,
            current_step=current_step,
            created_at=created_at,
            started_at=started_at,
            finished_at=finished_at,
            duration_ms=duration_ms,
            error=error,
            waiting_reason=waiting_reason,
            output=output,
            step_results=step_results,
            metadata=metadata,
            last_event_seq=last_event_seq,
        )

        execution.additional_properties = d
        return execution

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
