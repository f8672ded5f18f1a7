from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="PatchedSettingsPatchRequest")


@_attrs_define
class PatchedSettingsPatchRequest:
    """Any of the runtime settings, by key.

    Attributes:
        default_timeout_seconds (Any | Unset): Default step time limit (seconds): Time limit of a step that sets none.
            Default: 300 s.
        default_memory_limit_mb (Any | Unset): Default step memory limit (MB): Memory limit of a step that sets none.
            Default: 512 MB.
        max_concurrent_executions (Any | Unset): Executions running at once: Executions running at once; the rest wait
            as queued, in order. Default: 10.
        debug_mode (Any | Unset): Debug mode: Record variable state and a profile of python steps. Default: off.
        log_level (Any | Unset): Log level: Lowest level of step log lines kept. Default: info.
        metrics_interval_ms (Any | Unset): Metrics sampling interval (ms): How often CPU and memory are sampled.
            Default: 250 ms.
        allow_network_in_code (Any | Unset): Network access from python steps: Let python steps open network
            connections. Default: off.
        http_allowed_hosts (Any | Unset): Private hosts http steps may call: Loopback or private hosts that http steps
            may call anyway. Default: none.
        retention_days (Any | Unset): Keep executions for (days): Executions older than this are deleted. Default: 30
            days.
        output_max_bytes (Any | Unset): Largest stored output (bytes): Largest step output stored whole. Default:
            1,048,576 bytes.
        log_forward_url (Any | Unset): Forward logs to (URL): Forward execution logs, batched, to this HTTP endpoint.
            Default: none.
    """

    default_timeout_seconds: Any | Unset = UNSET
    default_memory_limit_mb: Any | Unset = UNSET
    max_concurrent_executions: Any | Unset = UNSET
    debug_mode: Any | Unset = UNSET
    log_level: Any | Unset = UNSET
    metrics_interval_ms: Any | Unset = UNSET
    allow_network_in_code: Any | Unset = UNSET
    http_allowed_hosts: Any | Unset = UNSET
    retention_days: Any | Unset = UNSET
    output_max_bytes: Any | Unset = UNSET
    log_forward_url: Any | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        default_timeout_seconds = self.default_timeout_seconds

        default_memory_limit_mb = self.default_memory_limit_mb

        max_concurrent_executions = self.max_concurrent_executions

        debug_mode = self.debug_mode

        log_level = self.log_level

        metrics_interval_ms = self.metrics_interval_ms

        allow_network_in_code = self.allow_network_in_code

        http_allowed_hosts = self.http_allowed_hosts

        retention_days = self.retention_days

        output_max_bytes = self.output_max_bytes

        log_forward_url = self.log_forward_url

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if default_timeout_seconds is not UNSET:
            field_dict["default_timeout_seconds"] = default_timeout_seconds
        if default_memory_limit_mb is not UNSET:
            field_dict["default_memory_limit_mb"] = default_memory_limit_mb
        if max_concurrent_executions is not UNSET:
            field_dict["max_concurrent_executions"] = max_concurrent_executions
        if debug_mode is not UNSET:
            field_dict["debug_mode"] = debug_mode
        if log_level is not UNSET:
            field_dict["log_level"] = log_level
        if metrics_interval_ms is not UNSET:
            field_dict["metrics_interval_ms"] = metrics_interval_ms
        if allow_network_in_code is not UNSET:
            field_dict["allow_network_in_code"] = allow_network_in_code
        if http_allowed_hosts is not UNSET:
            field_dict["http_allowed_hosts"] = http_allowed_hosts
        if retention_days is not UNSET:
            field_dict["retention_days"] = retention_days
        if output_max_bytes is not UNSET:
            field_dict["output_max_bytes"] = output_max_bytes
        if log_forward_url is not UNSET:
            field_dict["log_forward_url"] = log_forward_url

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        default_timeout_seconds = d.pop("default_timeout_seconds", UNSET)

        default_memory_limit_mb = d.pop("default_memory_limit_mb", UNSET)

        max_concurrent_executions = d.pop("max_concurrent_executions", UNSET)

        debug_mode = d.pop("debug_mode", UNSET)

        log_level = d.pop("log_level", UNSET)

        metrics_interval_ms = d.pop("metrics_interval_ms", UNSET)

        allow_network_in_code = d.pop("allow_network_in_code", UNSET)

        http_allowed_hosts = d.pop("http_allowed_hosts", UNSET)

        retention_days = d.pop("retention_days", UNSET)

        output_max_bytes = d.pop("output_max_bytes", UNSET)

        log_forward_url = d.pop("log_forward_url", UNSET)

        patched_settings_patch_request = cls(
            default_timeout_seconds=default_timeout_seconds,
            default_memory_limit_mb=default_memory_limit_mb,
            max_concurrent_executions=max_concurrent_executions,
            debug_mode=debug_mode,
            log_level=log_level,
            metrics_interval_ms=metrics_interval_ms,
            allow_network_in_code=allow_network_in_code,
            http_allowed_hosts=http_allowed_hosts,
            retention_days=retention_days,
            output_max_bytes=output_max_bytes,
            log_forward_url=log_forward_url,
        )

        patched_settings_patch_request.additional_properties = d
        return patched_settings_patch_request

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
