"""The API's shapes (Workflow, Execution, StepDetail, LogLine, …), generated from its OpenAPI
schema into _openapi/models: import them from here."""

from runtime_engine_client._openapi.models import *  # noqa: F403
from runtime_engine_client._openapi.models import __all__  # noqa: F401
