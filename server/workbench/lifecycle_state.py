"""The rows behind an item's lifecycle: its versions and its one authoring-state row.

Low-level writes shared by imports (:mod:`deskmate.server.content_import`) and the
workbench's operations (:mod:`deskmate.server.workbench.lifecycle`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from deskmate.core.content.model import Item
from deskmate.server.auth import utc_now
from deskmate.server.tables import ItemStateRow, ItemVersionRow
from deskmate.server.workbench.publishing import encode_record
from sqlalchemy import Connection, func, insert, update
from sqlalchemy.dialects import postgresql, sqlite

STATUSES = ("draft", "in_review", "published", "archived")
#: Days between verifications when the item sets none (per kind).
DEFAULT_VERIFY_DAYS = {"faq": 90, "script": 90, "expert": 180}
IMPORT_AUTHOR = "import"


def content_record(item: Item) -> str:
    """A version's stored record: the item without its verification (not content)."""
    return encode_record(dataclasses.replace(item, verified_by=None, verified_at=None))


def due_after(stamp: str, kind: str, days: int | None) -> str:
    """When an item checked at ``stamp`` is due to be checked again."""
    interval = days or DEFAULT_VERIFY_DAYS.get(kind, 90)
    checked = datetime.fromisoformat(stamp).astimezone(UTC)  # stored as UTC: compared as text
    return (checked + timedelta(days=interval)).isoformat(timespec="microseconds")


def state_values(item: Item, status: str, author: str, now: str) -> dict[str, Any]:
    """The authoring-state columns that follow from a version of ``item``."""
    return {
        "item_id": item.id,
        "kind": item.kind.value,
        "title": item.title,
        "title_key": item.title.casefold()[:500],
        "status": status,
        "latest_no": item.version,
        "owner": item.owner,
        "updated_at": now,
        "updated_by": author,
    }


def upsert_states(conn: Connection, rows: Sequence[dict[str, Any]], *, published: bool) -> None:
    """Insert or update item-state rows (``published``: the rows' versions are live)."""
    if not rows:
        return
    maker = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    statement = maker(ItemStateRow)
    changing: dict[str, Any] = {k: statement.excluded[k] for k in rows[0] if k != "item_id"}
    if published:
        changing["due_at"] = func.coalesce(ItemStateRow.due_at, statement.excluded.due_at)
    conn.execute(
        statement.on_conflict_do_update(index_elements=["item_id"], set_=changing), list(rows)
    )


def record_imported_versions(conn: Connection, _dialect: str, items: Sequence[Item]) -> None:
    """Imported items become published versions by ``import`` (one row each)."""
    if not items:
        return
    now = utc_now()
    versions = [
        {
            "item_id": item.id,
            "version_no": item.version,
            "status": "published",
            "record": content_record(item),
            "author": IMPORT_AUTHOR,
            "created_at": now,
            "note": "",
            "based_on": None,
        }
        for item in items
    ]
    conn.execute(insert(ItemVersionRow), versions)
    states = []
    for item in items:
        row = state_values(item, "published", IMPORT_AUTHOR, now)
        row["published_no"] = item.version
        checked = item.verified_at.isoformat() if item.verified_at else now
        row["due_at"] = due_after(checked, item.kind.value, None)
        states.append(row)
    upsert_states(conn, states, published=True)


def mark_archived(conn: Connection, item_ids: Sequence[str], actor: str) -> None:
    """The items left the feed: archived, nothing live."""
    if item_ids:
        conn.execute(
            update(ItemStateRow)
            .where(ItemStateRow.item_id.in_(list(item_ids)))
            .values(
                status="archived",
                published_no=None,
                due_at=None,
                updated_at=utc_now(),
                updated_by=actor,
            )
        )
