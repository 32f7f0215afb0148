"""CSV exports from Excel: FAQ/script sheets and the expert directory.

Item sheets have the columns ``id,title,questions,body,tags,skills,product,channel,
language,owner,updated_at,version`` (``kind`` optional, default ``faq``; ``deleted``
optional). Expert sheets are recognised by their ``name`` and ``team`` columns:
``id,name,team,role,skills,languages,phone,extension,email,im,hours,bio,updated_at``.
Lists (questions, tags, skills, languages) are separated by ``|``.
"""

from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from deskmate.indexer.records import RecordProblem, SourceRecord
from deskmate.indexer.text_files import read_text

LIST_COLUMNS = ("questions", "tags", "skills", "languages")
CONTACT_COLUMNS = ("phone", "extension", "email", "im")
TRUE_WORDS = {"1", "true", "yes", "y", "是", "deleted", "删除"}


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split("|") if part.strip()]


def _item_record(row: dict[str, str]) -> dict[str, Any]:
    record: dict[str, Any] = {"kind": "faq"}
    for key, value in row.items():
        if value == "":
            continue
        record[key] = _split(value) if key in LIST_COLUMNS else value
    record.setdefault("body", "")
    return record


def _expert_record(row: dict[str, str]) -> dict[str, Any]:
    record: dict[str, Any] = {"kind": "expert", "body": row.get("bio", "")}
    contact = {k: row[k] for k in CONTACT_COLUMNS if row.get(k)}
    if contact:
        record["contact"] = contact
    for key, value in row.items():
        if value == "" or key in CONTACT_COLUMNS or key == "bio":
            continue
        record[key] = _split(value) if key in LIST_COLUMNS else value
    record.setdefault("title", record.get("name", ""))
    record.setdefault("tags", [t for t in (row.get("team"), row.get("role")) if t])
    record.setdefault("language", "zh")
    return record


def _finish(record: dict[str, Any]) -> dict[str, Any]:
    if str(record.get("deleted", "")).strip().lower() in TRUE_WORDS:
        return {"id": record.get("id", ""), "deleted": True}
    record.pop("deleted", None)
    version = record.get("version", "1")
    # Left as text when not a number: schema validation reports it with the field name.
    with contextlib.suppress(TypeError, ValueError):
        record["version"] = int(version)
    return record


def read_csv(path: Path) -> Iterator[SourceRecord | RecordProblem]:
    """Yield each row's record, or a problem naming the row's line."""
    text = read_text(path)  # ContentError: read_pack reports the whole file
    reader = csv.DictReader(io.StringIO(text, newline=""), restkey="__extra__")
    header = [h.strip() for h in (reader.fieldnames or [])]
    reader.fieldnames = header
    if "id" not in header:
        yield RecordProblem(
            path,
            1,
            "the header row has no 'id' column; the first row must name the columns (id,title,...)",
        )
        return
    build = _expert_record if {"name", "team"} <= set(header) else _item_record
    line = reader.line_num + 1
    try:
        for row in reader:
            if row.pop("__extra__", None):
                yield RecordProblem(
                    path,
                    line,
                    "more cells than header columns; a comma inside "
                    "a cell needs the cell in double quotes",
                )
            elif any(v is None for v in row.values()):
                yield RecordProblem(path, line, "fewer cells than header columns")
            elif any((v or "").strip() for v in row.values()):
                cells = {k: (v or "").strip() for k, v in row.items()}
                yield SourceRecord(_finish(build(cells)), path, line)
            line = reader.line_num + 1
    except csv.Error as exc:
        yield RecordProblem(path, line, f"broken CSV ({exc}); check quotes in this row")
