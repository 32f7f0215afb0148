"""Fuzzing the real API with schemathesis over docs/openapi.json: no 5xx, answers as documented.

Every operation is called by an agent, a manager and an editor, with valid requests
(schemathesis' positive mode) and requests that break the schema (negative mode), against
a real server on loopback over SQLite and PostgreSQL. CI runs 25 examples per operation
and mode, each sent as every role; ``DESKMATE_FUZZ_EXAMPLES=200`` runs the nightly-sized
search.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
from deskmate.server.auth import Role
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.generation import GenerationMode
from schemathesis.schemas import APIOperation
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.server.conftest import RunningServer
from tests.server.learning_fixtures import import_learning_pack

OPENAPI = Path(__file__).parents[2] / "docs" / "openapi.json"
EXAMPLES = int(os.environ.get("DESKMATE_FUZZ_EXAMPLES", "25"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _tokens(server: RunningServer, tmp_path: Path) -> dict[str, str]:
    import_learning_pack(server, tmp_path / "pack")
    return {
        "agent": server.user("li.na"),
        "manager": server.user("wang.mgr", Role.MANAGER),
        "editor": server.user("ed.itor", Role.EDITOR, None),
    }


def _fuzz(
    operation: APIOperation[Any, Any, Any, Any],
    mode: GenerationMode,
    base_url: str,
    session: requests.Session,
    roles: dict[str, dict[str, str]],
) -> int:
    """Send up to EXAMPLES generated requests of one operation as each role; return the count.

    Each generated request is sent once per role (generating is the slow part).
    """
    sent = 0

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def call(case: schemathesis.Case[Any]) -> None:
        nonlocal sent
        for role, headers in roles.items():
            sent += 1
            response = case.call(base_url=base_url, session=session, headers=headers)
            try:
                case.validate_response(response, checks=CHECKS)
            except Exception as exc:
                exc.add_note(f"{operation.label} as {role}, {mode.value} examples")
                raise

    try:
        call()
    except Unsatisfiable:
        # Negative mode on an operation without parameters or body: nothing to break.
        assert mode is GenerationMode.NEGATIVE, f"{operation.label}: no valid request"
    return sent


@pytest.mark.slow
def test_no_operation_answers_5xx_or_off_schema(server: RunningServer, tmp_path: Path) -> None:
    schema = schemathesis.openapi.from_path(OPENAPI)
    operations = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result
        operations.append(result.ok())
    assert len(operations) >= 15, "docs/openapi.json lost operations"
    roles = {
        role: {"Authorization": f"Bearer {token}"}
        for role, token in _tokens(server, tmp_path).items()
    }
    session = requests.Session()
    calls = 0
    started = time.monotonic()
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            calls += _fuzz(operation, mode, server.base_url, session, roles)
    seconds = time.monotonic() - started
    print(f"fuzzed {len(operations)} operations with {calls} calls in {seconds:.1f} s")  # noqa: T201
    assert calls >= len(operations) * len(roles)
