"""The API's input limits, checked at the edge before any parsing or database work.

Every input the server takes is bounded here or in the route's declared types, so a
malformed request gets a 4xx problem, never a 500: ids fit the id columns (``INTEGER``,
32 bits on PostgreSQL; SQLite raised ``OverflowError`` past 64 bits), JSON bodies are at
most :data:`MAX_JSON_DEPTH` levels deep (Python's parser and the validators recurse, and
a 100,000-deep body exhausted the stack), and no text holds a NUL character (PostgreSQL
cannot store one). docs/sync-api.md lists the limits.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Coroutine, Mapping
from typing import Annotated, Any

from deskmate.server.errors import BadRequestError, InvalidParameterError, PayloadTooLargeError
from fastapi import Path, Request
from fastapi.responses import Response
from fastapi.routing import APIRoute

MAX_ID = 2**31 - 1  # the id columns are INTEGER: int4 on PostgreSQL
MAX_JSON_DEPTH = 64
MAX_DETAIL_DEPTH = 8
MAX_JSON_BODY_BYTES = 256 * 1024

# A JSON string (skipped whole: brackets inside it do not nest), or one bracket.
_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)
_SURROGATES = re.compile("[\ud800-\udfff]")
_OPENERS = frozenset(b"[{")

Id = Annotated[int, Path(ge=1, le=MAX_ID, description=f"1 to {MAX_ID} (2**31 - 1).")]


def parse_id(text: str) -> int | None:
    """An id written in a form field or an address (ASCII digits, 1 to :data:`MAX_ID`), or None.

    ``str.isdigit`` alone also accepts digits like "²", which ``int`` refuses.
    """
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_ID)):
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None


def json_depth(raw: bytes, stop_above: int = MAX_JSON_DEPTH) -> int:
    """How deeply the arrays and objects of a JSON text nest (0 for a scalar).

    Counting stops as soon as the depth passes ``stop_above``: a hostile body is refused
    after reading only its first levels. Malformed JSON gets some number; the parser
    refuses it afterwards.
    """
    depth = deepest = 0
    for match in _TOKENS.finditer(raw):
        token = match.group()
        if token[0] in _OPENERS:
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > stop_above:
                    return deepest
        elif token[0] != 0x22:  # a closing bracket (strings start with '"')
            depth = max(0, depth - 1)
    return deepest


def value_depth(value: Any, stop_above: int = MAX_DETAIL_DEPTH) -> int:
    """How deeply a parsed JSON value nests (0 for a scalar), counting no further than needed."""
    if not isinstance(value, Mapping | list) or not value:
        return 1 if isinstance(value, Mapping | list) else 0
    if stop_above <= 0:
        return 1
    children = value.values() if isinstance(value, Mapping) else value
    return 1 + max(value_depth(child, stop_above - 1) for child in children)


def _check_texts(value: Any) -> None:
    """Refuse strings (keys too) that no database can store: NUL, unpaired surrogates."""
    if isinstance(value, str):
        if "\x00" in value:
            raise InvalidParameterError("Text in the body may not contain NUL characters.")
        if _SURROGATES.search(value):
            raise InvalidParameterError(
                "Text in the body holds an unpaired UTF-16 surrogate (a broken \\u escape)."
            )
    elif isinstance(value, dict):
        for key, child in value.items():
            _check_texts(key)
            _check_texts(child)
    elif isinstance(value, list):
        for child in value:
            _check_texts(child)


def parse_json_body(raw: bytes) -> Any:
    """Parse a JSON body the server can store every string of.

    Raises:
        BadRequestError: not UTF-8, not JSON, or nested deeper than :data:`MAX_JSON_DEPTH`.
        InvalidParameterError: a string holds NUL or an unpaired surrogate (PostgreSQL and
            SQLite's driver both refuse them).
    """
    if json_depth(raw) > MAX_JSON_DEPTH:
        raise BadRequestError(
            f"The JSON body nests arrays and objects more than {MAX_JSON_DEPTH} levels deep."
        )
    try:
        # Strict UTF-8 first: json.loads(bytes) would also take UTF-16 and CESU-8 bytes.
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise BadRequestError("The request body is not UTF-8.") from None
    except ValueError:
        raise BadRequestError("The request body is not valid JSON.") from None
    _check_texts(data)
    return data


def check_text_parameters(request: Request) -> None:
    """Refuse a path or query parameter holding a NUL character.

    Raises:
        InvalidParameterError: one does.
    """
    for name, value in (*request.path_params.items(), *request.query_params.multi_items()):
        if isinstance(value, str) and "\x00" in value:
            raise InvalidParameterError(f"{name}: may not contain NUL characters")


async def read_limited_body(request: Request, limit: int) -> bytes:
    """The request body, refused with 413 as soon as it passes ``limit`` bytes.

    Raises:
        PayloadTooLargeError: it is larger.
    """
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLargeError(
            f"The request body is {int(declared):,} bytes; the limit is {limit:,} bytes."
        )
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLargeError(f"The request body is over the limit of {limit:,} bytes.")
        chunks.append(chunk)
    return b"".join(chunks)


def _is_json(content_type: str | None) -> bool:
    if content_type is None:
        return True  # FastAPI parses a body without a type as JSON too
    kind = content_type.split(";")[0].strip().lower()
    return kind == "application/json" or (
        kind.startswith("application/") and kind.endswith("+json")
    )


class GuardedRoute(APIRoute):
    """An API route whose text parameters and JSON body are checked before FastAPI parses them.

    Routes that read their body themselves (``POST /api/v1/events``) declare no body
    field and check it in their own parser, under their own size limit.
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """The route's handler, behind the checks."""
        handler = super().get_route_handler()
        has_body = self.body_field is not None

        async def guarded(request: Request) -> Response:
            check_text_parameters(request)
            if has_body:
                raw = await read_limited_body(request, MAX_JSON_BODY_BYTES)
                # FastAPI reads request.body() and request.json() next: hand it the bytes
                # read here, and the JSON parsed (and checked) here.
                request._body = raw
                if raw and _is_json(request.headers.get("content-type")):
                    request._json = parse_json_body(raw)
            return await handler(request)

        return guarded
