"""Validates raw records against the item JSON Schema (core/content/item.schema.json).

The schema is the public contract shared by the importer, the store, the sync
protocol and the server; this module turns its verdicts into sentences a
knowledge editor can act on.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import fastjsonschema
from deskmate.core.errors import ContentError

if TYPE_CHECKING:  # imported when a record is invalid: it only words the error
    import jsonschema

MAX_BODY_CHARS = 1_000_000
# How much of a value a message may quote: enough to recognise it, never megabytes.
_MAX_QUOTE_CHARS = 200


def _clip(text: str, limit: int = _MAX_QUOTE_CHARS) -> str:
    """``text`` cut to about ``limit`` characters, keeping the end ("... is too long")."""
    if len(text) <= limit:
        return text
    tail = limit // 3
    return f"{text[: limit - tail]} …[{len(text) - limit:,} characters cut]… {text[-tail:]}"


@cache
def item_schema() -> dict[str, Any]:
    """Return the item JSON Schema as a dict (loaded once)."""
    text = resources.files("deskmate.core.content").joinpath("item.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def _validator(branch: str) -> jsonschema.protocols.Validator:
    """A validator for one branch of the schema ("item" or "deletion").

    Validating the branch a record means to be gives readable errors, where the
    top-level ``oneOf`` only says "not valid under any of the given schemas".
    """
    import jsonschema

    schema = {k: v for k, v in item_schema().items() if k != "oneOf"}
    schema["$ref"] = f"#/$defs/{branch}"
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


@cache
def _fast_check(branch: str) -> Callable[[Any], Any]:
    """A compiled validator for one branch: about 10x faster than ``jsonschema``.

    It only decides valid/invalid on the hot path (imports of 100k items); messages for
    invalid records still come from ``jsonschema``, whose ``best_match`` reads better.
    Formats are not checked here (as with ``jsonschema``'s default); ``updated_at`` is
    parsed separately below.
    """
    schema = {k: v for k, v in item_schema().items() if k != "oneOf"}
    schema["$ref"] = f"#/$defs/{branch}"
    lenient = {"date-time": _accept_any, "email": _accept_any}
    check: Callable[[Any], Any] = fastjsonschema.compile(schema, formats=lenient)
    return check


def _accept_any(_value: object) -> bool:
    return True


def _describe(error: jsonschema.ValidationError, record: dict[str, Any]) -> str:
    """Turn a jsonschema error into one plain sentence."""
    where = _clip(".".join(str(p) for p in error.absolute_path), 100) or "record"
    if error.validator == "maxLength" and where == "body":
        size = len(str(record.get("body", "")))
        return (
            f"body is {size:,} characters; the limit is {MAX_BODY_CHARS:,}. "
            "Split the article into several items."
        )
    if error.validator in ("maxLength", "minLength") and isinstance(error.instance, str):
        size = len(error.instance)
        bound = "at most" if error.validator == "maxLength" else "at least"
        return f"{where} is {size:,} characters; it must have {bound} {error.validator_value:,}"
    if error.validator == "additionalProperties":
        return f"{where}: {_clip(error.message)}; remove the field or check its spelling"
    if error.validator == "not" and where == "record":
        return (
            "fields name/team/role/languages/contact/hours belong to experts, "
            "questions to FAQs and guidance to scripts only; check the kind"
        )
    return _clip(f"{where}: {error.message}", 3 * _MAX_QUOTE_CHARS)


def field_problems(record: dict[str, Any]) -> dict[str, str]:
    """Every problem of an item record, by top-level field ("record" for the whole).

    For editors' forms: each field's first problem, worded like :func:`validate_record`'s.
    """
    problems: dict[str, str] = {}
    for error in _validator("item").iter_errors(record):
        path = list(error.absolute_path)
        field = str(path[0]) if path else "record"
        if error.validator == "additionalProperties":
            field = "record"
        if error.validator == "required" and not path and isinstance(error.instance, dict):
            required: list[str] = error.validator_value  # type: ignore[assignment]
            for name in required:
                if name not in error.instance:
                    problems.setdefault(str(name), f"{name}: required")
            continue
        problems.setdefault(field, _describe(error, record))
    for key in ("updated_at", "verified_at"):
        try:
            _check_stamp(record, key)
        except ContentError as exc:
            problems.setdefault(key, exc.message)
    return problems


def validate_record(record: dict[str, Any]) -> None:
    """Check one raw record (an item or a deletion marker) against the schema.

    Raises:
        ContentError: with a message naming the first problem found.
    """
    if not isinstance(record, dict):
        raise ContentError(f"expected an object, got {type(record).__name__}")
    branch = "deletion" if "deleted" in record else "item"
    try:
        _fast_check(branch)(record)
    except fastjsonschema.JsonSchemaException as fast_error:
        import jsonschema

        best = jsonschema.exceptions.best_match(_validator(branch).iter_errors(record))
        message = _describe(best, record) if best is not None else _clip(str(fast_error))
        raise ContentError(message, item_id=record.get("id")) from None
    for key in ("updated_at", "verified_at"):
        _check_stamp(record, key)


def _check_stamp(record: dict[str, Any], key: str) -> None:
    stamp = record.get(key)
    if stamp is None:
        return
    try:
        parsed = datetime.fromisoformat(str(stamp).replace("Z", "+00:00"))
    except ValueError:
        raise ContentError(
            f"{key}: {_clip(repr(stamp))} is not an ISO 8601 date-time "
            "(e.g. 2026-10-01T09:00:00+08:00)",
            item_id=record.get("id"),
        ) from None
    if parsed.tzinfo is None:
        raise ContentError(
            f"{key}: {_clip(repr(stamp))} has no time zone; add one, e.g. +08:00",
            item_id=record.get("id"),
        )
