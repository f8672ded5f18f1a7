from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.step_status_enum import StepStatusEnum

if TYPE_CHECKING:
    from ..models.attempt import Attempt
    from ..models.metrics import Metrics
    from ..models.step_actions import StepActions
    from ..models.step_error import StepError


T = TypeVar("T", bound="StepDetail")


@_attrs_define
class StepDetail:
    """StepResult (docs/execution.md).

    Attributes:
        step_id (str):
        step_type (str):
        status (StepStatusEnum): * `pending` - Pending
            * `queued` - Queued
            * `running` - Running
            * `retrying` - Retrying
            * `waiting` - Waiting
            * `succeeded` - Succeeded
            * `failed` - Failed
            * `skipped` - Skipped
            * `cancelled` - Cancelled
        attempts (int):
        inputs (Any):
        output (Any):
        output_truncated (bool):
        error (None | StepError):
        logs (str): URL of this step's log lines.
        queued_at (datetime.datetime | None):
        started_at (datetime.datetime | None):
        finished_at (datetime.datetime | None):
        duration_ms (float | None):
        metrics (Metrics):
        child_execution_id (None | UUID):
        attempt_list (list[Attempt]):
        debug (Any): Debug mode: `variables` ({name: {type, value}}) and `profile` (the node's own functions: function,
            node, line, calls, total_s, cumulative_s; slowest first).
        overrides (Any):
        actions (StepActions):
    """

    step_id: str
    step_type: str
    status: StepStatusEnum
    attempts: int
    inputs: Any
    output: Any
    output_truncated: bool
    error: None | StepError
    logs: str
    queued_at: datetime.datetime | None
    started_at: datetime.datetime | None
    finished_at: datetime.datetime | None
    duration_ms: float | None
    metrics: Metrics
    child_execution_id: None | UUID
    attempt_list: list[Attempt]
    debug: Any
    overrides: Any
    actions: StepActions
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.step_error import StepError

        step_id = self.step_id

        step_type = self.step_type

        status = self.status.value

        attempts = self.attempts

        inputs = self.inputs

        output = self.output

        output_truncated = self.output_truncated

        error: dict[str, Any] | None
        if isinstance(self.error, StepError):
            error = self.error.to_dict()
        else:
            error = self.error

        logs = self.logs

        queued_at: None | str
        if isinstance(self.queued_at, datetime.datetime):
            queued_at = self.queued_at.isoformat()
        else:
            queued_at = self.queued_at

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

        metrics = self.metrics.to_dict()

        child_execution_id: None | str
        if isinstance(self.child_execution_id, UUID):
            child_execution_id = str(self.child_execution_id)
        else:
            child_execution_id = self.child_execution_id

        attempt_list = []
        for attempt_list_item_data in self.attempt_list:
            attempt_list_item = attempt_list_item_data.to_dict()
            attempt_list.append(attempt_list_item)

        debug = self.debug

        overrides = self.overrides

        actions = self.actions.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "step_id": step_id,
                "step_type": step_type,
                "status": status,
                "attempts": attempts,
                "inputs": inputs,
                "output": output,
                "output_truncated": output_truncated,
                "error": error,
                "logs": logs,
                "queued_at": queued_at,
                "started_at": started_at,
                "finished_at": finished_at,
                "duration_ms": duration_ms,
                "metrics": metrics,
                "child_execution_id": child_execution_id,
                "attempt_list": attempt_list,
                "debug": debug,
                "overrides": overrides,
                "actions": actions,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.attempt import Attempt
        from ..models.metrics import Metrics
        from ..models.step_actions import StepActions
        from ..models.step_error import StepError

        d = dict(src_dict)
        step_id = d.pop("step_id")

        step_type = d.pop("step_type")

        status = StepStatusEnum(d.pop("status"))

        attempts = d.pop("attempts")

        inputs = d.pop("inputs")

        output = d.pop("output")

        output_truncated = d.pop("output_truncated")

        def _parse_error(data: object) -> None | StepError:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                error_type_1 = StepError.from_dict(data)

                return error_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | StepError, data)

        error = _parse_error(d.pop("error"))

        logs = d.pop("logs")

        def _parse_queued_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                queued_at_type_0 = datetime.datetime.fromisoformat(data)

                return queued_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        queued_at = _parse_queued_at(d.pop("queued_at"))

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

        metrics = Metrics.from_dict(d.pop("metrics"))

        def _parse_child_execution_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                child_execution_id_type_0 = UUID(data)

                return child_execution_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        child_execution_id = _parse_child_execution_id(d.pop("child_execution_id"))

        attempt_list = []
        _attempt_list = d.pop("attempt_list")
        for attempt_list_item_data in _attempt_list:
            attempt_list_item = Attempt.from_dict(attempt_list_item_data)

            attempt_list.append(attempt_list_item)

        debug = d.pop("debug")

        overrides = d.pop("overrides")

        actions = StepActions.from_dict(d.pop("actions"))

        step_detail = cls(
            step_id=step_id,
            step_type=step_type,
            status=status,
            attempts=attempts,
            inputs=inputs,
            output=output,
            output_truncated=output_truncated,
            error=error,
            logs=logs,
            queued_at=queued_at,
            started_at=started_at,
            finished_at=finished_at,
            duration_ms=duration_ms,
            metrics=metrics,
            child_execution_id=child_execution_id,
            attempt_list=attempt_list,
            debug=debug,
            overrides=overrides,
            actions=actions,
        )

        step_detail.additional_properties = d
        return step_detail

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
