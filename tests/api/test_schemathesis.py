"""The API against its own OpenAPI schema: schemathesis generates requests for every
operation (authenticated, fixed example budget); no 5xx, every response matches the schema.

Operations are driven with hypothesis directly: schemathesis' pytest plugin does not support
pytest 9 yet (it reads a private attribute of the test node)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.api.conftest import create_workflow, token_client

# A stream (tested in tests/realtime), and the health check, whose 503 when no worker runs
# is its answer, not a server error (tested in tests/executions/test_operations.py).
SKIPPED = ["/api/v1/executions/{id}/events/", "/api/v1/health/"]
EXAMPLES_PER_OPERATION = 8
# A schema-valid body may still break a rule only the services know (a workflow's own
# input_schema, a setting's range): a clear 400 is then the right answer, not a failure.
BUSINESS_RULES = [positive_data_acceptance]


@contextlib.contextmanager
def _connection_kept() -> Iterator[None]:
    """As Django's test client does: the test's transaction outlives each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


# The fuzzer sends hundreds of bad credentials from one address: past the sign-in limit the
# answer is a 429 (tests/api/test_throttling.py), not the 401 its auth check wants.
@override_settings(SIGN_IN_FAILURES_ALLOWED=1_000_000)
@pytest.mark.django_db
def test_api_honours_its_schema(user):
    client = token_client(user)
    create_workflow(client)  # something to find, not only 404s
    headers = {"Authorization": f"Token {client.token}"}
    with _connection_kept():
        schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json",
                                                get_wsgi_application()).exclude(path=SKIPPED)
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) >= 40
        for operation in operations:

            @given(case=operation.as_strategy())
            @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, derandomize=True,
                      suppress_health_check=list(HealthCheck), database=None)
            def check(case):  # type: ignore[no-untyped-def]
                case.call_and_validate(headers=headers, excluded_checks=BUSINESS_RULES)

            check()
