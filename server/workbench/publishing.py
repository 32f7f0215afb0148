"""Putting items into the change feed and taking them out (one change number each).

Every writer of the feed (imports, publishing, archiving, verifying) first locks the
sequence row (:func:`lock_head`) and holds it until it commits, so change numbers become
visible in order (see :mod:`deskmate.server.changes`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from deskmate.core.content.model import Item
from deskmate.server.item_vectors import refresh_vector
from deskmate.server.tables import DeletionRow, ItemRow, ServerMetaRow
from deskmate.server.workbench.visibility import encode_teams, widen
from sqlalchemy import Connection, delete, insert, select, update


def encode_record(item: Item) -> str:
    """The stored JSON text of an item (keys sorted, so equal items give equal text)."""
    return json.dumps(item.to_dict(), ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def lock_head(conn: Connection) -> int:
    """Lock the sequence row until the transaction ends; return the head change number."""
    # FOR UPDATE holds other writers until this transaction ends, so change numbers
    # commit in order (SQLite ignores it: BEGIN IMMEDIATE already serialises writers).
    query = select(ServerMetaRow.head_seq).where(ServerMetaRow.id == 1).with_for_update()
    return int(conn.execute(query).scalar_one())


def set_head(conn: Connection, seq: int) -> None:
    """Record ``seq`` as the newest change number."""
    conn.execute(update(ServerMetaRow).where(ServerMetaRow.id == 1).values(head_seq=seq))


def put_in_feed(conn: Connection, item: Item) -> int:
    """Write ``item`` (new or changed) under a new change number; return the number.

    The caller holds the sequence lock (:func:`lock_head`) in this transaction.
    """
    seq = lock_head(conn) + 1
    old = conn.execute(select(ItemRow.seen_by).where(ItemRow.id == item.id)).one_or_none()
    teams = encode_teams(item.teams)
    values = {
        "record": encode_record(item),
        "version": item.version,
        "seq": seq,
        "teams": teams,
        "seen_by": widen(old.seen_by if old else None, teams, existed=old is not None),
    }
    if old is None:
        conn.execute(insert(ItemRow).values(id=item.id, **values))
        conn.execute(delete(DeletionRow).where(DeletionRow.id == item.id))
    else:
        conn.execute(update(ItemRow).where(ItemRow.id == item.id).values(values))
    # Shipped with the item in the feed (issue #16); unchanged text: nothing encoded.
    refresh_vector(conn, item)
    set_head(conn, seq)
    return seq


def take_out_of_feed(conn: Connection, item_ids: Sequence[str]) -> int:
    """Delete the published items among ``item_ids`` (tombstones); return how many."""
    if not item_ids:
        return 0
    rows = conn.execute(
        select(ItemRow.id, ItemRow.seen_by).where(ItemRow.id.in_(list(item_ids)))
    ).all()
    if not rows:
        return 0
    seq = lock_head(conn)
    ids = sorted(r.id for r in rows)
    seen = {r.id: r.seen_by for r in rows}
    conn.execute(delete(ItemRow).where(ItemRow.id.in_(ids)))
    conn.execute(delete(DeletionRow).where(DeletionRow.id.in_(ids)))
    tombstones = []
    for item_id in ids:
        seq += 1
        tombstones.append({"id": item_id, "seq": seq, "seen_by": seen[item_id]})
    conn.execute(insert(DeletionRow), tombstones)
    set_head(conn, seq)
    return len(ids)
