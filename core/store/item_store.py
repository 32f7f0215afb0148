"""ItemStore: the local source of truth for content items.

Every write happens in one transaction and takes a new value of the store-wide
change counter (``seq``), so the derived search index can catch up on exactly
what it missed after a crash.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from deskmate.core.batching import batches
from deskmate.core.content.model import Item
from deskmate.core.store.database import open_engine, store_errors
from deskmate.core.store.tables import DeletionRow, ItemRow, MetaRow, UsageSignalRow
from sqlalchemy import Engine, delete, func, insert, select, update
from sqlalchemy.orm import Session

_SEQ_KEY = "last_seq"
_WRITE_BATCH = 500  # ids per lookup; well under SQLite's bound-parameter limit


@dataclass(frozen=True)
class WriteCounts:
    """What a write changed."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0


@dataclass(frozen=True)
class ChangeSet:
    """Items written and ids deleted after a given change counter."""

    upserted: list[Item]
    deleted: list[str]
    last_seq: int


def _encode(item: Item) -> str:
    return json.dumps(item.to_dict(), ensure_ascii=False, sort_keys=True)


class ItemStore:
    """Items in SQLite (WAL), migrated with Alembic. One instance per process."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._engine: Engine = open_engine(path)
        self._boosts: dict[str, float] | None = None

    @property
    def engine(self) -> Engine:
        """The database engine (for the stores of derived data kept beside the items)."""
        return self._engine

    def close(self) -> None:
        """Release the database connections."""
        self._engine.dispose()

    def _next_seq(self, session: Session) -> int:
        row = session.get(MetaRow, _SEQ_KEY)
        seq = (int(row.value) if row else 0) + 1
        session.merge(MetaRow(key=_SEQ_KEY, value=str(seq)))
        return seq

    def last_seq(self) -> int:
        """The change counter of the newest write (0 for an empty store)."""
        with store_errors(self.path), Session(self._engine) as session:
            row = session.get(MetaRow, _SEQ_KEY)
            return int(row.value) if row else 0

    def write(self, items: Iterable[Item], deletions: Iterable[str] = ()) -> WriteCounts:
        """Upsert ``items`` and delete ``deletions`` in one transaction.

        Items identical to what is stored are left alone (no new change number).
        Work is done in batches of ids (one lookup, one bulk insert and one bulk
        update per batch), so a 100k-item pack is written in seconds.

        Raises:
            StoreError: the database refused the write; nothing was changed.
        """
        added = updated = unchanged = deleted = 0
        with store_errors(self.path), Session(self._engine) as session, session.begin():
            seq = self._next_seq(session)
            for batch in batches(items, _WRITE_BATCH):
                latest = {item.id: item for item in batch}  # the last copy of an id wins
                query = select(ItemRow.id, ItemRow.record).where(ItemRow.id.in_(list(latest)))
                stored = {row_id: record for row_id, record in session.execute(query)}
                inserts: list[dict[str, object]] = []
                updates: list[dict[str, object]] = []
                for item in latest.values():
                    encoded = _encode(item)
                    old = stored.get(item.id)
                    if old == encoded:
                        unchanged += 1
                        continue
                    row: dict[str, object] = {
                        "id": item.id,
                        "kind": item.kind.value,
                        "language": item.language,
                        "version": item.version,
                        "updated_at": item.updated_at.isoformat(),
                        "record": encoded,
                        "seq": seq,
                    }
                    (inserts if old is None else updates).append(row)
                unchanged += len(batch) - len(latest)
                added += len(inserts)
                updated += len(updates)
                if inserts:
                    session.execute(insert(ItemRow), inserts)
                    ids = [row["id"] for row in inserts]
                    session.execute(delete(DeletionRow).where(DeletionRow.id.in_(ids)))
                if updates:
                    session.execute(update(ItemRow), updates)
            for id_batch in batches(deletions, _WRITE_BATCH):
                present = list(
                    session.scalars(select(ItemRow.id).where(ItemRow.id.in_(set(id_batch))))
                )
                if not present:
                    continue
                session.execute(delete(ItemRow).where(ItemRow.id.in_(present)))
                session.execute(delete(DeletionRow).where(DeletionRow.id.in_(present)))
                session.execute(insert(DeletionRow), [{"id": i, "seq": seq} for i in present])
                deleted += len(present)
            if not (added or updated or deleted):
                session.rollback()
        return WriteCounts(added, updated, unchanged, deleted)

    def get(self, item_id: str) -> Item | None:
        """The item with this id, or None."""
        with store_errors(self.path), Session(self._engine) as session:
            row = session.get(ItemRow, item_id)
            return Item.from_trusted_dict(json.loads(row.record)) if row else None

    def get_many(self, ids: Sequence[str]) -> dict[str, Item]:
        """The items with these ids that exist, by id.

        This runs for every keystroke's results, so it skips the ORM: a plain statement
        on a pooled connection takes ~0.06 ms for ten items where a Session and a
        ``select()`` take ~0.3 ms (measured with the 10k benchmark corpus).
        """
        found: dict[str, Item] = {}
        with store_errors(self.path), self._engine.connect() as conn:
            for batch in batches(dict.fromkeys(ids), _WRITE_BATCH):
                # Only "?" placeholders are formatted in; the ids are bound parameters.
                marks = ",".join("?" * len(batch))
                sql = f"SELECT id, record FROM {ItemRow.__tablename__} WHERE id IN ({marks})"  # noqa: S608
                rows = conn.exec_driver_sql(sql, tuple(batch))
                for item_id, record in rows:
                    found[item_id] = Item.from_trusted_dict(json.loads(record))
        return found

    def count(self) -> dict[str, int]:
        """Number of items per kind."""
        with store_errors(self.path), Session(self._engine) as session:
            rows = session.execute(select(ItemRow.kind, func.count()).group_by(ItemRow.kind))
            return {kind: n for kind, n in rows}

    def iter_items(self, batch: int = 2000) -> Iterator[Item]:
        """Every item, in id order, read in batches."""
        last = ""
        while True:
            with store_errors(self.path), Session(self._engine) as session:
                query = select(ItemRow.id, ItemRow.record).where(ItemRow.id > last)
                rows = session.execute(query.order_by(ItemRow.id).limit(batch)).all()
            if not rows:
                return
            for _id, record in rows:
                yield Item.from_trusted_dict(json.loads(record))
            last = rows[-1][0]

    def changes_since(self, seq: int) -> ChangeSet:
        """Items written and ids deleted after change ``seq``."""
        with store_errors(self.path), Session(self._engine) as session:
            rows = session.scalars(select(ItemRow).where(ItemRow.seq > seq))
            items = [Item.from_trusted_dict(json.loads(r.record)) for r in rows]
            gone = list(session.scalars(select(DeletionRow.id).where(DeletionRow.seq > seq)))
            meta = session.get(MetaRow, _SEQ_KEY)
            return ChangeSet(items, gone, int(meta.value) if meta else 0)

    def get_meta(self, key: str) -> str | None:
        """A stored fact (synonym list, skill names...), or None."""
        with store_errors(self.path), Session(self._engine) as session:
            row = session.get(MetaRow, key)
            return row.value if row else None

    def set_meta(self, key: str, value: str) -> None:
        """Store a fact."""
        with store_errors(self.path), Session(self._engine) as session, session.begin():
            session.merge(MetaRow(key=key, value=value))

    def usage_boosts_cached(self) -> dict[str, float]:
        """:meth:`usage_boosts`, read once and kept until the next :meth:`set_usage`."""
        if self._boosts is None:
            self._boosts = self.usage_boosts()
        return self._boosts

    def usage_boosts(self) -> dict[str, float]:
        """The usage ranking boost of every item that has one."""
        with store_errors(self.path), Session(self._engine) as session:
            rows = session.execute(select(UsageSignalRow.item_id, UsageSignalRow.boost))
            return {item_id: boost for item_id, boost in rows if boost}

    def set_usage(self, item_id: str, consulted: int, helpful: int, unhelpful: int) -> float:
        """Record usage counts for an item and return the ranking boost derived from them."""
        boost = usage_boost(consulted, helpful, unhelpful)
        self._boosts = None
        with store_errors(self.path), Session(self._engine) as session, session.begin():
            session.merge(
                UsageSignalRow(
                    item_id=item_id,
                    consulted=consulted,
                    helpful=helpful,
                    unhelpful=unhelpful,
                    boost=boost,
                )
            )
        return boost


def usage_boost(consulted: int, helpful: int, unhelpful: int) -> float:
    """A small, bounded multiplier bonus from usage: at most +0.2 (20 % more score).

    Popular, helpful items rise "a little": log-scaled consultations plus net
    helpful votes, so one enthusiastic agent cannot bury better matches.
    """
    raw = 0.04 * math.log1p(max(consulted, 0)) + 0.03 * math.log1p(max(helpful - unhelpful, 0))
    penalty = 0.03 * math.log1p(max(unhelpful - helpful, 0))
    return max(-0.1, min(0.2, raw - penalty))
