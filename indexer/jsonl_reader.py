"""JSON Lines in the item schema: one record (or deletion marker) per line.

Each line is bounded before it is parsed: longer than any valid record
(:data:`MAX_RECORD_LINE_CHARS`) or nested deeper than any record needs
(:data:`MAX_NESTING`), it is reported and skipped, and the lines after it still import.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

from deskmate.indexer.records import (
    MAX_NESTING,
    MAX_RECORD_LINE_CHARS,
    RecordProblem,
    SourceRecord,
)
from deskmate.indexer.text_files import read_text

_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_BRACKET = re.compile(r"[\[\]{}]")


def nesting_depth(line: str, limit: int = MAX_NESTING) -> int:
    """How deep brackets outside strings nest in a JSON text, counted up to ``limit + 1``.

    Cheap when the text cannot be deep (fewer brackets than ``limit``), so it costs
    nothing on ordinary records.
    """
    if line.count("[") + line.count("{") <= limit:
        return 0
    depth = deepest = 0
    for match in _BRACKET.finditer(_STRING.sub('""', line)):
        depth += 1 if match.group() in "[{" else -1
        if depth > deepest:
            deepest = depth
            if deepest > limit:
                break
    return deepest


def _lines(text: str) -> Iterator[tuple[int, int, int]]:
    """(line number, start, end) of each line, without copying the text."""
    start, number, size = 0, 1, len(text)
    while start < size:
        end = text.find("\n", start)
        if end == -1:
            end = size
        yield number, start, end
        start, number = end + 1, number + 1


def _parse(path: Path, number: int, line: str) -> SourceRecord | RecordProblem:
    if nesting_depth(line) > MAX_NESTING:
        return RecordProblem(
            path,
            number,
            f"the record nests lists/objects more than {MAX_NESTING} levels deep; "
            "an item has at most two levels (e.g. contact.phone)",
        )
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return RecordProblem(
            path,
            number,
            f"not valid JSON ({exc.msg} at column {exc.colno}); the line may be truncated",
        )
    except (ValueError, RecursionError) as exc:
        # ValueError: e.g. an integer of more than 4,300 digits.
        return RecordProblem(path, number, f"not usable JSON ({exc})")
    if not isinstance(record, dict):
        return RecordProblem(path, number, "each line must be a JSON object")
    return SourceRecord(record, path, number)


def read_jsonl(path: Path) -> Iterator[SourceRecord | RecordProblem]:
    """Yield each line's record, or a problem naming the line."""
    text = read_text(path)  # ContentError: read_pack reports the whole file
    if "\n" not in text:
        text = text.replace("\r", "\n")  # classic Mac line ends
    for number, start, end in _lines(text):
        if end - start > MAX_RECORD_LINE_CHARS:
            yield RecordProblem(
                path,
                number,
                f"the line is {end - start:,} characters long; no valid record needs more "
                f"than {MAX_RECORD_LINE_CHARS:,} (a body holds at most 1,000,000 characters)",
            )
            continue
        line = text[start:end]
        if line.strip():
            yield _parse(path, number, line)
