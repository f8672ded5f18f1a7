"""A Python client for the Runtime Engine's API: `Client` (sync) and `AsyncClient` (async),
typed errors in `errors`, the API's shapes in `models` (generated from the OpenAPI schema).

    from runtime_engine_client import Client

    with Client("http://127.0.0.1:8000", token="…") as engine:
        output = engine.run(workflow_id, {"who": "Ada"})   # start, follow the stream, output
"""

from runtime_engine_client import errors, models
from runtime_engine_client.aio import AsyncClient
from runtime_engine_client.client import Client
from runtime_engine_client.errors import (
    ApiError,
    ApplyRefused,
    ExecutionCancelled,
    ExecutionError,
    ExecutionFailed,
    NotFound,
    WaitTimeout,
)

__all__ = ["ApiError", "ApplyRefused", "AsyncClient", "Client", "ExecutionCancelled",
           "ExecutionError", "ExecutionFailed", "NotFound", "WaitTimeout", "errors", "models"]
