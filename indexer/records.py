"""Raw records read from content-pack files, with where they came from.

Readers never raise on a bad record: they yield a :class:`RecordProblem` naming the
file, line and reason, so one bad row never aborts an import.

The limits below bound what one record may cost to read, whatever the file holds; they
follow the item schema (``core/content/item.schema.json``), whose largest field is the
body of at most 1,000,000 characters.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from deskmate.core.content.validation import MAX_BODY_CHARS

# A JSON line may spell each body character as a \uXXXX escape (6 characters, 12 for a
# character outside the BMP), plus up to 200 questions and 100 tags of 500 characters:
# no valid record needs more than this, so a longer line is refused before parsing.
MAX_RECORD_LINE_CHARS = 8_000_000
# One CSV cell holds at most one field of the schema; the body is the largest.
MAX_CELL_CHARS = MAX_BODY_CHARS
# The schema's deepest record (item -> contact -> phone) has two levels of nesting.
MAX_NESTING = 32
# How much of a value a problem may quote: enough to recognise it, never megabytes.
MAX_ECHO_CHARS = 200


def clip(text: str, limit: int = MAX_ECHO_CHARS) -> str:
    """``text`` shortened to about ``limit`` characters, keeping its start and end.

    The end is kept because messages often say what is wrong last ("... is too long").
    """
    if len(text) <= limit:
        return text
    tail = limit // 3
    return f"{text[: limit - tail]} …[{len(text) - limit:,} characters cut]… {text[-tail:]}"


@dataclass(frozen=True)
class SourceRecord:
    """One record in the item schema (not yet validated) and its origin."""

    data: dict[str, Any]
    file: Path
    line: int


@dataclass(frozen=True)
class RecordProblem:
    """A record or file that could not be used, and why (in plain words).

    The reason and id are clipped on creation, so no problem ever repeats a huge value.
    """

    file: Path
    line: int
    reason: str
    item_id: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "reason", clip(self.reason, 3 * MAX_ECHO_CHARS))
        if self.item_id is not None:
            object.__setattr__(self, "item_id", clip(self.item_id, 80))

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else str(self.file)
        who = f" [{self.item_id}]" if self.item_id else ""
        return f"{where}{who}: {self.reason}"
