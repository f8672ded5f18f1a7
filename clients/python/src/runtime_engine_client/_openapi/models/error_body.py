from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ErrorBody")


@_attrs_define
class ErrorBody:
    """
    Attributes:
        code (str): Stable, machine-readable.
        message (str): What went wrong, for a person.
        fields (Any | Unset): Field name -> problem.
        suggestion (str | Unset): What to do about it.
        issues (Any | Unset): Compilation issues (not_runnable).
    """

    code: str
    message: str
    fields: Any | Unset = UNSET
    suggestion: str | Unset = UNSET
    issues: Any | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        message = self.message

        fields = self.fields

        suggestion = self.suggestion

        issues = self.issues

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "code": code,
                "message": message,
            }
        )
        if fields is not UNSET:
            field_dict["fields"] = fields
        if suggestion is not UNSET:
            field_dict["suggestion"] = suggestion
        if issues is not UNSET:
            field_dict["issues"] = issues

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        code = d.pop("code")

        message = d.pop("message")

        fields = d.pop("fields", UNSET)

        suggestion = d.pop("suggestion", UNSET)

        issues = d.pop("issues", UNSET)

        error_body = cls(
            code=code,
            message=message,
            fields=fields,
            suggestion=suggestion,
            issues=issues,
        )

        error_body.additional_properties = d
        return error_body

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
