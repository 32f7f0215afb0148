"""JSON Lines in the item schema: one record (or deletion marker) per line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from deskmate.indexer.records import RecordProblem, SourceRecord
from deskmate.indexer.text_files import read_text


def read_jsonl(path: Path) -> Iterator[SourceRecord | RecordProblem]:
    """Yield each line's record, or a problem naming the line."""
    text = read_text(path)  # ContentError: read_pack reports the whole file
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield RecordProblem(
                path,
                number,
                f"not valid JSON ({exc.msg} at column {exc.colno}); the line may be truncated",
            )
            continue
        if not isinstance(record, dict):
            yield RecordProblem(path, number, "each line must be a JSON object")
            continue
        yield SourceRecord(record, path, number)
