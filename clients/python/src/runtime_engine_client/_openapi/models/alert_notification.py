from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.alert_notification_outcome_enum import AlertNotificationOutcomeEnum

T = TypeVar("T", bound="AlertNotification")


@_attrs_define
class AlertNotification:
    """
    Attributes:
        id (int):
        created_at (datetime.datetime):
        text (str):
        outcome (AlertNotificationOutcomeEnum): * `pending` - Pending
            * `retrying` - Retrying
            * `sent` - Sent
            * `failed` - Failed
        attempts (int):
        last_error (str):
        sent_at (datetime.datetime | None):
    """

    id: int
    created_at: datetime.datetime
    text: str
    outcome: AlertNotificationOutcomeEnum
    attempts: int
    last_error: str
    sent_at: datetime.datetime | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        created_at = self.created_at.isoformat()

        text = self.text

        outcome = self.outcome.value

        attempts = self.attempts

        last_error = self.last_error

        sent_at: None | str
        if isinstance(self.sent_at, datetime.datetime):
            sent_at = self.sent_at.isoformat()
        else:
            sent_at = self.sent_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "created_at": created_at,
                "text": text,
                "outcome": outcome,
                "attempts": attempts,
                "last_error": last_error,
                "sent_at": sent_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = d.pop("id")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        text = d.pop("text")

        outcome = AlertNotificationOutcomeEnum(d.pop("outcome"))

        attempts = d.pop("attempts")

        last_error = d.pop("last_error")

        def _parse_sent_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                sent_at_type_0 = datetime.datetime.fromisoformat(data)

                return sent_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        sent_at = _parse_sent_at(d.pop("sent_at"))

        alert_notification = cls(
            id=id,
            created_at=created_at,
            text=text,
            outcome=outcome,
            attempts=attempts,
            last_error=last_error,
            sent_at=sent_at,
        )

        alert_notification.additional_properties = d
        return alert_notification

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
