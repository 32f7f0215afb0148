"""Raw records read from content-pack files, with where they came from.

Readers never raise on a bad record: they yield a :class:`RecordProblem` naming the
file, line and reason, so one bad row never aborts an import.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class SourceRecord:
    """One record in the item schema (not yet validated) and its origin."""

    data: dict[str, Any]
    file: Path
    line: int


@dataclass(frozen=True)
class RecordProblem:
    """A record or file that could not be used, and why (in plain words)."""

    file: Path
    line: int
    reason: str
    item_id: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else str(self.file)
        who = f" [{self.item_id}]" if self.item_id else ""
        return f"{where}{who}: {self.reason}"
