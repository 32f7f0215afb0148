"""An item's history: its versions, and a side-by-side diff of any two."""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from deskmate.server.database import Database
from deskmate.server.tables import ItemStateRow, ItemVersionRow
from sqlalchemy import select

#: The fields compared, in the order shown.
DIFF_FIELDS = (
    "title", "questions", "body", "guidance", "tags", "skills", "product", "channel",
    "language", "owner", "teams", "name", "team", "role", "contact", "hours",
)  # fmt: skip


def list_versions(
    db: Database,
    item_id: str,
    limit: int = 500,
    *,
    before: int | None = None,
    with_records: bool = True,
) -> list[dict[str, Any]]:
    """The item's versions, newest first (empty: no such item).

    Args:
        db: The server database.
        item_id: The item.
        limit: At most this many versions.
        before: Only versions numbered below this (the next page of a long history).
        with_records: Also each version's record (``record``); the console's history
            page reads only the two it compares (:func:`version_records`).
    """
    columns = [
        ItemVersionRow.version_no, ItemVersionRow.status, ItemVersionRow.author,
        ItemVersionRow.created_at, ItemVersionRow.note, ItemVersionRow.based_on,
    ]  # fmt: skip
    if with_records:
        columns.append(ItemVersionRow.record)
    query = (
        select(*columns)
        .where(ItemVersionRow.item_id == item_id)
        .order_by(ItemVersionRow.version_no.desc())
        .limit(limit)
    )
    if before is not None:
        query = query.where(ItemVersionRow.version_no < before)
    with db.read() as conn:
        live = conn.execute(
            select(ItemStateRow.published_no).where(ItemStateRow.item_id == item_id)
        ).scalar()
        rows = conn.execute(query).all()
    return [
        {
            "version": r.version_no,
            "status": r.status,
            "author": r.author,
            "created_at": r.created_at,
            "note": r.note,
            "based_on": r.based_on,
            "live": r.version_no == live,
            **({"record": json.loads(r.record)} if with_records else {}),
        }
        for r in rows
    ]


def version_records(db: Database, item_id: str, numbers: Iterable[int]) -> dict[int, Any]:
    """The records of some versions of an item, by number (absent: no such version)."""
    wanted = sorted(set(numbers))
    with db.read() as conn:
        rows = conn.execute(
            select(ItemVersionRow.version_no, ItemVersionRow.record).where(
                ItemVersionRow.item_id == item_id, ItemVersionRow.version_no.in_(wanted)
            )
        ).all()
    return {r.version_no: json.loads(r.record) for r in rows}


@dataclass(frozen=True)
class DiffRow:
    """One row of a side-by-side diff: left and right text and how they differ."""

    left: str
    right: str
    change: str  # same, changed, added, removed


def _lines(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v) for v in value]
    if isinstance(value, dict):
        return [f"{k}: {v}" for k, v in sorted(value.items())]
    return str(value).splitlines() or [""]


def side_by_side(old: dict[str, Any], new: dict[str, Any]) -> list[tuple[str, list[DiffRow]]]:
    """Per field that differs, its lines side by side (plain text: the page escapes it)."""
    fields: list[tuple[str, list[DiffRow]]] = []
    for key in DIFF_FIELDS:
        a, b = _lines(old.get(key)), _lines(new.get(key))
        if a == b:
            continue
        rows: list[DiffRow] = []
        matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            if op == "equal":
                rows += [DiffRow(x, x, "same") for x in a[i1:i2]]
                continue
            left, right = a[i1:i2], b[j1:j2]
            for n in range(max(len(left), len(right))):
                lt = left[n] if n < len(left) else ""
                rt = right[n] if n < len(right) else ""
                change = "changed" if lt and rt else ("removed" if lt else "added")
                rows.append(DiffRow(lt, rt, change))
        fields.append((key, rows))
    return fields
