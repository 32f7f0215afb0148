"""Migration 0008's data step: every item already imported gets a first published version."""

from __future__ import annotations

import json

from deskmate.core.content.model import Item
from deskmate.server.tables import ItemRow
from deskmate.server.workbench.lifecycle_state import record_imported_versions
from deskmate.server.workbench.server_settings import Intervals
from deskmate.server.workbench.visibility import encode_teams
from sqlalchemy import Connection, bindparam, select, update

_BATCH = 500


def backfill_versions(conn: Connection) -> None:
    """Versions and states for the stored items, and their team columns, in batches."""
    last = ""
    set_teams = (
        update(ItemRow)
        .where(ItemRow.id == bindparam("k"))
        .values(teams=bindparam("t"), seen_by=bindparam("t"))
    )
    while True:
        rows = conn.execute(
            select(ItemRow.id, ItemRow.record)
            .where(ItemRow.id > last)
            .order_by(ItemRow.id)
            .limit(_BATCH)
        ).all()
        if not rows:
            return
        items = [Item.from_trusted_dict(json.loads(r.record)) for r in rows]
        record_imported_versions(conn, conn.dialect.name, items, Intervals())
        limited = [{"k": i.id, "t": encode_teams(i.teams)} for i in items if i.teams]
        if limited:
            conn.execute(set_teams, limited)
        last = rows[-1].id
