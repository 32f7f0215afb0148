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
from deskmate.server.tables import AuditRow, ItemStateRow, ItemVersionRow
from deskmate.server.workbench.publishing import encode_record
from deskmate.server.workbench.server_settings import Intervals
from sqlalchemy import Connection, func, insert, update
from sqlalchemy.dialects import postgresql, sqlite

STATUSES = ("draft", "in_review", "published", "archived")
IMPORT_AUTHOR = "import"


def content_record(item: Item) -> str:
    """A version's stored record: the item without its verification (not content)."""
    return encode_record(dataclasses.replace(item, verified_by=None, verified_at=None))


def due_after(stamp: str, days: int) -> str:
    """When an item checked at ``stamp`` is due to be checked again, ``days`` later."""
    checked = datetime.fromisoformat(stamp).astimezone(UTC)  # stored as UTC: compared as text
    return (checked + timedelta(days=days)).isoformat(timespec="microseconds")


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


def record_imported_versions(
    conn: Connection, _dialect: str, items: Sequence[Item], intervals: Intervals | None = None
) -> None:
    """Imported items become published versions by ``import`` (one row each).

    ``intervals``: the verification intervals (default: read from the settings; the
    migration that backfills versions passes its own, the settings table being newer).
    """
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
    conn.execute(
        insert(AuditRow),
        [
            {"at": now, "actor": IMPORT_AUTHOR, "action": "import", "item_id": item.id,
             "version_no": item.version, "address": None, "detail": "{}"}
            for item in items
        ],
    )  # fmt: skip
    states, intervals = [], intervals or Intervals.read(conn)
    for item in items:
        row = state_values(item, "published", IMPORT_AUTHOR, now)
        row["published_no"] = item.version
        checked = item.verified_at.isoformat() if item.verified_at else now
        row["due_at"] = due_after(checked, intervals.days(item.kind.value, item.tags))
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
