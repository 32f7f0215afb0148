"""The OpenAPI document's error answers: every 4xx of the API is problem+json, as sent.

FastAPI documents its own validation error (``HTTPValidationError``, application/json)
for every operation with parameters, and a model's error answers as application/json;
the API sends neither. This rewrites the document to what the server really answers, so
clients and the fuzzer (tests/server/test_api_fuzz.py) can trust it.
"""

from __future__ import annotations

from typing import Any

from deskmate.server.request_limits import MAX_DETAIL_DEPTH, MAX_JSON_BODY_BYTES, MAX_JSON_DEPTH

PROBLEM_JSON = "application/problem+json"
_PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
# Every authenticated operation may answer these.
_COMMON = {
    "400": "Malformed request: not UTF-8 JSON, or JSON nested over "
    f"{MAX_JSON_DEPTH} levels deep (type .../bad-request).",
    "401": "Missing, unknown or revoked token (type .../unauthorized).",
    "403": "The role, or the data's owner, forbids it (type .../forbidden).",
    "422": "A parameter or body field is out of range, of the wrong type, or holds a NUL "
    "character or an unpaired surrogate (type .../invalid-parameter or .../invalid-event).",
}
_WITH_BODY = {
    "413": f"The body is over its limit ({MAX_JSON_BODY_BYTES // 1024} KiB; events: 2 MiB "
    "and 1000 events) (type .../payload-too-large).",
}
_WITH_TARGET = {"404": "No such resource of yours, or outside your team (type .../not-found)."}
_PUBLIC = {"/api/v1/health"}

LIMITS = (
    f"Limits: JSON bodies nest at most {MAX_JSON_DEPTH} levels deep (an event's `detail` at "
    f"most {MAX_DETAIL_DEPTH}), are at most {MAX_JSON_BODY_BYTES // 1024} KiB (events: 2 MiB), "
    "are UTF-8, and no text may hold a NUL character or an unpaired surrogate; ids are 1 to "
    "2**31 - 1."
)


def _problem(description: str) -> dict[str, Any]:
    return {"description": description, "content": {PROBLEM_JSON: {"schema": _PROBLEM_REF}}}


def _document_operation(path: str, operation: dict[str, Any]) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    for status, answer in list(responses.items()):
        if status.startswith("4"):  # keep the text, correct the media type
            responses[status] = _problem(answer.get("description") or "A problem.")
    wanted = dict(_COMMON)
    if "requestBody" in operation:
        wanted.update(_WITH_BODY)
    if "{" in path or operation.get("tags") in (["team"], ["gaps"]):
        wanted.update(_WITH_TARGET)
    for status, description in wanted.items():
        if status not in responses or status == "422":
            responses[status] = _problem(description)


def document_problems(schema: dict[str, Any]) -> dict[str, Any]:
    """Rewrite the generated document's error answers to the problem+json the API sends."""
    for path, operations in schema.get("paths", {}).items():
        if path in _PUBLIC or not path.startswith("/api/"):
            continue
        for operation in operations.values():
            _document_operation(path, operation)
    components = schema.get("components", {}).get("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        components.pop(unused, None)
    schema["info"]["description"] = schema["info"].get("description", "") + " " + LIMITS
    return schema
