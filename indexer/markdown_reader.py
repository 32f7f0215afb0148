"""Markdown files with YAML front matter: one item per file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from deskmate.core.errors import ContentError
from deskmate.indexer.records import RecordProblem, SourceRecord
from deskmate.indexer.safe_yaml import load_yaml
from deskmate.indexer.text_files import MAX_SINGLE_ITEM_FILE_BYTES, read_text


def _jsonable(value: object) -> object:
    """YAML turns unquoted dates into datetime objects; the schema wants strings."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, list):
        # tags: [12315] is a list of words to an editor, not of numbers.
        return [v if isinstance(v, str) else str(_jsonable(v)) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


def read_markdown(path: Path) -> Iterator[SourceRecord | RecordProblem]:
    """Yield the item of one Markdown file (front matter + body), or its problem."""
    text = read_text(path, MAX_SINGLE_ITEM_FILE_BYTES)  # ContentError: read_pack reports it
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        yield RecordProblem(
            path,
            1,
            "no front matter: the file must start with a '---' line, "
            "then YAML fields (id, kind, title...), then '---'",
        )
        return
    end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
    if end is None:
        yield RecordProblem(path, 1, "the front matter is not closed by a '---' line")
        return
    try:
        meta = load_yaml("".join(lines[1:end]), str(path), first_line=2) or {}
    except ContentError as exc:
        reason = exc.fields.get("reason", exc.message)
        yield RecordProblem(path, exc.fields.get("line", 1), f"the front matter is {reason}")
        return
    if not isinstance(meta, dict):
        yield RecordProblem(path, 2, "the front matter must be YAML fields (key: value)")
        return
    record = {str(k): _jsonable(v) for k, v in meta.items()}
    if not record.get("deleted"):
        record.setdefault("body", "".join(lines[end + 1 :]).strip("\n"))
    yield SourceRecord(record, path, 1)
