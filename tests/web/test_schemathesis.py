"""Property-based API testing: schemathesis generates requests from the OpenAPI description,
valid ones and invalid ones, and checks that none makes a server error and that every answer
matches the description. Bounded (examples an operation) to run in well under a minute.

The operations are driven with hypothesis directly: schemathesis's pytest plugin does not yet
work with this pytest."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from dyad.web import create_app
from stores import build_store

EXAMPLES = int(
    os.environ.get("DYAD_FUZZ_EXAMPLES", "30")
)  # an operation and a mode: 7 operations × 2 modes × 30 ≈ 20 s here
CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
]


@pytest.mark.slow
@pytest.mark.parametrize("mode", list(schemathesis.GenerationMode))
def test_no_request_makes_a_server_error(tmp_path: Path, mode: schemathesis.GenerationMode) -> None:
    path = build_store(tmp_path / "s.duckdb", index=True)
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(path))
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 7
    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def call(case: schemathesis.Case) -> None:
            case.call_and_validate(checks=CHECKS)

        call()
