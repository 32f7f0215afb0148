"""Importing content packs into the server: new versions and change numbers for changes.

The pack is read and validated by :func:`deskmate.indexer.pack_import.read_pack`, so the
server takes exactly the formats of ``deskmate import`` and reports bad records the same
way. Then, in one transaction holding the sequence row's lock:

- an item whose content (everything but ``version``) equals the stored one is left
  alone: same version, same change number, nothing for clients to download;
- a changed item gets version ``max(stored + 1, pack version)`` and a new change number;
- a new item keeps the pack's version and gets a new change number;
- a deletion marker for a stored item removes it and records a tombstone with a new
  change number (markers for unknown ids change nothing);
- the pack's ``synonyms.txt`` and ``skills.yaml``, if it has them, replace the stored
  vocabulary (:mod:`deskmate.server.vocabulary`), whose version goes up if it changed.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Callable, Iterable
from pathlib import Path

from deskmate.core.batching import batches
from deskmate.core.content.model import Item
from deskmate.core.search.encoder import shared_encoder
from deskmate.core.store.vector_store import StoredVector
from deskmate.indexer.pack_import import ImportReport, PackContents, read_pack
from deskmate.server.auth import Permission, User
from deskmate.server.database import Database
from deskmate.server.item_vectors import EncoderFactory, encode_items, renumber, store_vectors
from deskmate.server.learning.taxonomy_store import store_taxonomy
from deskmate.server.tables import DeletionRow, ItemRow, ItemStateRow
from deskmate.server.vocabulary import store_vocabulary
from deskmate.server.workbench.lifecycle_state import mark_archived, record_imported_versions
from deskmate.server.workbench.publishing import (
    encode_record,
    lock_head,
    set_head,
    take_out_of_feed,
)
from deskmate.server.workbench.visibility import encode_teams, widen
from sqlalchemy import Connection, bindparam, delete, insert, select, update

__all__ = ["apply_pack", "encode_record", "import_packs"]

log = logging.getLogger(__name__)

_BATCH = 500  # ids per lookup: well under SQLite's bound-parameter limit
_UPDATE_ITEM = (
    update(ItemRow)
    .where(ItemRow.id == bindparam("k"))
    .values(
        record=bindparam("r"),
        version=bindparam("v"),
        seq=bindparam("s"),
        teams=bindparam("t"),
        seen_by=bindparam("w"),
    )
)


@dataclasses.dataclass
class _Planned:
    item: Item
    old_seen_by: str | None
    existed: bool


def _same(item: Item, old_record: str, version: int) -> bool:
    """Whether ``item`` equals the stored record, its version and verification aside."""
    stored = Item.from_trusted_dict(json.loads(old_record))
    if item.verified_at is None:  # a pack says nothing of verification: keep the stored one
        item = dataclasses.replace(
            item, verified_by=stored.verified_by, verified_at=stored.verified_at
        )
    return encode_record(dataclasses.replace(item, version=version)) == old_record


def _plan_items(conn: Connection, items: Iterable[Item], report: ImportReport) -> list[_Planned]:
    """Which items to write, with their new versions (above every draft's number too)."""
    planned: list[_Planned] = []
    for batch in batches(items, _BATCH):
        ids = [i.id for i in batch]
        query = select(ItemRow.id, ItemRow.record, ItemRow.version, ItemRow.seen_by)
        stored = {r.id: r for r in conn.execute(query.where(ItemRow.id.in_(ids)))}
        latest = dict(
            conn.execute(
                select(ItemStateRow.item_id, ItemStateRow.latest_no).where(
                    ItemStateRow.item_id.in_(ids)
                )
            ).all()
        )
        for item in batch:
            old = stored.get(item.id)
            floor = latest.get(item.id, 0) + 1
            if old is None:
                item = dataclasses.replace(item, version=max(item.version, floor))
                planned.append(_Planned(item, None, False))
                report.added += 1
            elif _same(item, old.record, old.version):
                report.unchanged += 1
            else:
                version = max(old.version + 1, item.version, floor)
                planned.append(
                    _Planned(dataclasses.replace(item, version=version), old.seen_by, True)
                )
                report.updated += 1
    return planned


def _present(conn: Connection, ids: list[str]) -> list[str]:
    present: list[str] = []
    for batch in batches(ids, _BATCH):
        present += conn.execute(select(ItemRow.id).where(ItemRow.id.in_(batch))).scalars()
    return present


def apply_pack(
    db: Database,
    pack: PackContents,
    report: ImportReport,
    vectors: tuple[str, list[StoredVector]] = ("", []),
) -> None:
    """Write a validated pack (items, deletions, vocabulary, vectors) in one transaction.

    Every item written becomes a published version by ``import`` (docs/console.md).
    """
    model_id, rows = vectors
    with db.write() as conn:
        head = lock_head(conn)
        planned = _plan_items(conn, pack.items.values(), report)
        doomed = sorted(set(_present(conn, pack.deletions)))
        seq = head
        if rows:
            # Unchanged items with a new vector get a new change number: clients fetch them.
            changed = {plan.item.id for plan in planned}
            seq = renumber(conn, [r.item_id for r in rows if r.item_id not in changed], seq)
            store_vectors(conn, model_id, rows)
        for batch in batches(planned, _BATCH):
            inserts: list[dict[str, object]] = []
            updates: list[dict[str, object]] = []
            for plan in batch:
                seq += 1
                item = plan.item
                record, version = encode_record(item), item.version
                teams = encode_teams(item.teams)
                seen_by = widen(plan.old_seen_by, teams, existed=plan.existed)
                if not plan.existed:
                    inserts.append({"id": item.id, "record": record, "version": version})
                    inserts[-1].update(seq=seq, teams=teams, seen_by=seen_by)
                else:
                    updates.append({"k": item.id, "r": record, "v": version, "s": seq, "t": teams})
                    updates[-1]["w"] = seen_by
            if inserts:
                conn.execute(insert(ItemRow), inserts)
                ids = [row["id"] for row in inserts]
                conn.execute(delete(DeletionRow).where(DeletionRow.id.in_(ids)))
            if updates:
                conn.execute(_UPDATE_ITEM, updates)
            record_imported_versions(conn, db.dialect, [p.item for p in batch])
        if seq != head:
            set_head(conn, seq)
        for id_batch in batches(doomed, _BATCH):
            take_out_of_feed(conn, id_batch)
            mark_archived(conn, id_batch, "import")
        report.deleted = len(doomed)
        _store_vocabularies(conn, pack)
    report.applied = True


def _store_vocabularies(conn: Connection, pack: PackContents) -> None:
    if pack.taxonomy is not None:
        store_taxonomy(conn, pack.taxonomy)
    if store_vocabulary(conn, pack.synonyms, pack.skill_names):
        log.info("the pack changed the synonyms or skill names; clients fetch them next sync")


def import_packs(
    db: Database,
    sources: Iterable[Path],
    *,
    strict: bool = False,
    actor: User | None = None,
    progress: Callable[[int, int], None] | None = None,
    encoder: EncoderFactory = shared_encoder,
) -> ImportReport:
    """Read packs and import their valid records.

    Args:
        db: The server database.
        sources: Pack folders or files.
        strict: Any problem means nothing is written.
        actor: The user importing, whose role must allow it; None for the operator
            running the CLI on the server (who has the database anyway).
        progress: Called with (files read, files in all).
        encoder: Gives the sentence encoder for the items' vectors (None: no vectors).

    Raises:
        ForbiddenError: ``actor`` is not an editor.
        ContentError: a source does not exist.
    """
    if actor is not None:
        actor.require(Permission.IMPORT_CONTENT)
    pack = read_pack(sources, progress)
    report = ImportReport(files=pack.files, records=pack.records, problems=pack.problems)
    if strict and pack.problems:
        return report
    apply_pack(db, pack, report, encode_items(db, pack.items.values(), encoder))
    return report
