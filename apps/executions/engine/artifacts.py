"""Load a compilation's artifact once per process and expose its plan."""

from __future__ import annotations

import threading
import types
from collections import OrderedDict
from typing import Any

from apps.common.exceptions import Conflict
from apps.workflows.models import Compilation
from compiler.runtime import load_artifact

_CACHE: OrderedDict[str, types.ModuleType] = OrderedDict()
_LOCK = threading.Lock()
_MAX = 256


def artifact_module(compilation: Compilation) -> types.ModuleType:
    """The compiled module (our generated code; user code stays in string constants)."""
    key = compilation.code_sha256
    with _LOCK:
        module = _CACHE.get(key)
        if module is not None:
            _CACHE.move_to_end(key)
            return module
    if not compilation.generated_code:
        raise Conflict("This compilation produced no artifact.", code="not_runnable")
    module = load_artifact(compilation.generated_code, f"artifact_{key[:12]}")
    incoming: dict[str, list[dict[str, Any]]] = {step: [] for step in module.ORDER}
    outgoing: dict[str, list[str]] = {step: [] for step in module.ORDER}
    for edge in module.EDGES:
        incoming[edge["target"]].append(edge)
        outgoing[edge["source"]].append(edge["target"])
    module.INCOMING, module.SUCCESSORS = incoming, outgoing
    module.POSITION = {step: i for i, step in enumerate(module.ORDER)}
    with _LOCK:
        _CACHE[key] = module
        while len(_CACHE) > _MAX:
            _CACHE.popitem(last=False)
    return module


def loaded_artifact(code_sha256: str | None) -> types.ModuleType | None:
    """The module with this hash if this process has loaded it, else None."""
    if not code_sha256:
        return None
    with _LOCK:
        return _CACHE.get(code_sha256)


def artifact_for(execution: Any) -> types.ModuleType:
    """The execution's module without reading its compilation row when already loaded (the
    row holds the whole generated code: reading it for every step of a long chain adds up)."""
    module = loaded_artifact(execution.code_sha256)
    return module if module is not None else artifact_module(execution.compilation)


def neighbourhood(module: types.ModuleType, step_id: str) -> set[str]:
    """The steps whose rows decide what runs after `step_id`: its successors and all of
    their predecessors (itself included)."""
    after = module.SUCCESSORS[step_id]
    return {step_id, *after, *(edge["source"] for target in after
                               for edge in module.INCOMING[target])}
