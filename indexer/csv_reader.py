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
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from deskmate.indexer.records import MAX_CELL_CHARS, RecordProblem, SourceRecord, clip
from deskmate.indexer.text_files import read_text

# The csv module refuses cells over 131,072 characters unless told; a body may hold
# 1,000,000. A little more is let through so such a cell is reported with its length.
CSV_FIELD_LIMIT = MAX_CELL_CHARS + 50_000

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


class _Lines:
    """The physical lines of a text, fed to ``csv.reader``, able to read a bad row's again.

    A stray quote makes the csv module read on over the following lines as one cell;
    when that row turns out bad, all but its first line are given back and read again
    as rows of their own, so one broken row never swallows the good rows after it.
    """

    def __init__(self, text: str) -> None:
        self._text = text
        self._pos = 0
        self._pending: deque[str] = deque()
        self.taken: list[str] = []  # the lines of the row being read

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self._pending:
            line = self._pending.popleft()
        elif self._pos < len(self._text):
            end = self._text.find("\n", self._pos)
            end = len(self._text) if end == -1 else end + 1
            line, self._pos = self._text[self._pos : end], end
        else:
            raise StopIteration
        self.taken.append(line)
        return line

    def next_row(self) -> int:
        """Forget the lines of the row just read; return how many there were."""
        count, self.taken = len(self.taken), []
        return count

    def reread_after_first(self) -> None:
        """Give back all lines but the first of the row just read."""
        self._pending.extendleft(reversed(self.taken[1:]))
        self.taken = []


def _cells_problem(header: list[str], cells: list[str]) -> str | None:
    if len(cells) > len(header):
        return (
            "more cells than header columns; a comma inside a cell needs the cell in double quotes"
        )
    if len(cells) < len(header):
        return "fewer cells than header columns"
    for column, value in zip(header, cells, strict=True):
        if len(value) > MAX_CELL_CHARS:
            return (
                f"the '{clip(column, 40)}' cell is {len(value):,} characters; a cell holds at "
                f"most {MAX_CELL_CHARS:,} (the longest body an item may have)"
            )
    return None


def _header(path: Path, reader: Iterator[list[str]]) -> list[str] | RecordProblem:
    try:
        header = [h.strip() for h in next(reader, [])]
    except csv.Error as exc:
        return RecordProblem(path, 1, f"the header row is broken CSV ({exc})")
    if "id" not in header:
        return RecordProblem(
            path,
            1,
            "the header row has no 'id' column; the first row must name the columns (id,title,...)",
        )
    return header


def read_csv(path: Path) -> Iterator[SourceRecord | RecordProblem]:
    """Yield each row's record, or a problem naming the row's line."""
    text = read_text(path)  # ContentError: read_pack reports the whole file
    if "\n" not in text:
        text = text.replace("\r", "\n")  # "CSV (Macintosh)" ends lines with CR only
    csv.field_size_limit(CSV_FIELD_LIMIT)
    lines = _Lines(text)
    reader = csv.reader(lines)
    header = _header(path, reader)
    if isinstance(header, RecordProblem):
        yield header
        return
    build = _expert_record if {"name", "team"} <= set(header) else _item_record
    line = 1 + lines.next_row()
    while True:
        try:
            cells = next(reader, None)
        except csv.Error as exc:
            problem: str | None = f"broken CSV ({exc}); check the quotes in this row"
            cells = []
        else:
            if cells is None:
                return
            # "" marks a blank row: skipped without a word, as Excel leaves some behind.
            problem = _cells_problem(header, cells) if any(c.strip() for c in cells) else ""
        if problem and len(lines.taken) > 1:
            yield RecordProblem(
                path,
                line,
                f"{problem} (a quote in this row may not be closed; it ran on "
                f"over {len(lines.taken)} lines, which are read again as rows)",
            )
            lines.reread_after_first()
            line += 1
            continue
        if problem:
            yield RecordProblem(path, line, problem)
        elif problem is None:
            cells = [c.strip() for c in cells]
            yield SourceRecord(_finish(build(dict(zip(header, cells, strict=True)))), path, line)
        line += lines.next_row()
