"""The registry of run-time settings: name, default, validation, description.

Owners change these in the UI or API; code reads them through selectors.runtime_config_get(),
which falls back to the defaults declared here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RuntimeParam:
    """One setting: its key, default and check, and what a person reads: a label, a
    description and the unit its number is in."""

    name: str
    default: Any
    description: str
    validate: Callable[[Any], str | None]
    label: str
    unit: str = ""

    @property
    def default_text(self) -> str:
        """The default as a person reads it: "300 s", "off", "none"."""
        value = self.default
        if isinstance(value, bool):
            return "on" if value else "off"
        if value in ("", None) or value == []:
            return "none"
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        if isinstance(value, int):
            return f"{value:,} {self.unit}".strip()
        return str(value)


def _int_between(low: int, high: int) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int):
            return "must be a whole number"
        if not low <= value <= high:
            return f"must be between {low} and {high}"
        return None

    return check


def _bool(value: Any) -> str | None:
    return None if isinstance(value, bool) else "must be true or false"


def _choice(*choices: str) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        return None if value in choices else f"must be one of {', '.join(choices)}"

    return check


def _host_list(value: Any) -> str | None:
    if not isinstance(value, list) or not all(isinstance(h, str) and h for h in value):
        return "must be a list of host names or addresses, e.g. [\"127.0.0.1\", \"api.local\"]"
    return None


def _optional_url(value: Any) -> str | None:
    if value in ("", None):
        return None
    if isinstance(value, str) and value.startswith(("http://", "https://")):
        return None
    return "must be an http(s) URL or empty"


PARAMS: dict[str, RuntimeParam] = {
    p.name: p
    for p in [
        RuntimeParam("default_timeout_seconds", 300, "Time limit of a step that sets none.",
                     _int_between(1, 3600), label="Default step time limit (seconds)", unit="s"),
        RuntimeParam("default_memory_limit_mb", 512, "Memory limit of a step that sets none.",
                     _int_between(32, 16384), label="Default step memory limit (MB)", unit="MB"),
        RuntimeParam("max_concurrent_executions", 10,
                     "Executions running at once; the rest wait as queued, in order.",
                     _int_between(1, 10000), label="Executions running at once"),
        RuntimeParam("debug_mode", False,
                     "Record variable state and a profile of python steps.", _bool,
                     label="Debug mode"),
        RuntimeParam("log_level", "info", "Lowest level of step log lines kept.",
                     _choice("debug", "info", "warning", "error"), label="Log level"),
        RuntimeParam("metrics_interval_ms", 250, "How often CPU and memory are sampled.",
                     _int_between(20, 10000), label="Metrics sampling interval (ms)",
                     unit="ms"),
        RuntimeParam("allow_network_in_code", False,
                     "Let python steps open network connections.", _bool,
                     label="Network access from python steps"),
        RuntimeParam("http_allowed_hosts", [],
                     "Loopback or private hosts that http steps may call anyway.", _host_list,
                     label="Private hosts http steps may call"),
        RuntimeParam("retention_days", 30, "Executions older than this are deleted.",
                     _int_between(1, 3650), label="Keep executions for (days)", unit="days"),
        RuntimeParam("output_max_bytes", 1_048_576, "Largest step output stored whole.",
                     _int_between(1024, 64 * 1_048_576), label="Largest stored output (bytes)",
                     unit="bytes"),
        RuntimeParam("log_forward_url", "",
                     "Forward execution logs, batched, to this HTTP endpoint.", _optional_url,
                     label="Forward logs to (URL)"),
    ]
}
