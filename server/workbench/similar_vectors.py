"""Near-duplicates by meaning: published items whose vector is close to a draft's text.

The draft's text (:func:`~deskmate.core.semantic.vector_job.item_text`, the recipe the
items' vectors were made with) is encoded through the encoder's guard, so an engine that
hangs costs the editor at most the guard's deadline and then the hint is lexical only.
Its nearest item vectors come from a per-process copy of the ``item_vectors`` table (int8
rows, one scale each) that is refreshed when the feed's change number moves: a save reads
only the vectors of items changed since the last one, not 100k rows.

The rule, chosen on ``benchmarks/duplicate_hint.py`` (docs/search.md): an item is named
when its cosine is at least :data:`FLOOR` and it stands :data:`MARGIN` above the
:data:`CROWD_RANK`-th best item. On ATEC the absolute cosine does not separate a draft
that duplicates an article from one that does not (every text of one narrow domain is
close to many articles); standing out of the crowd does. Where the knowledge base has
fewer items than the crowd, the missing ones count as ``FLOOR - MARGIN``: a small base
needs just the floor. (Unrelated Chinese questions score 0.81-0.87 with the bundled
model, paraphrases sharing almost no characters 0.92-0.95.)
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from deskmate.core.batching import batches
from deskmate.core.content.model import Item
from deskmate.core.errors import DeskmateError
from deskmate.core.search.documents import plain_text
from deskmate.core.search.encoder import EncoderUnavailableError, TextEncoder, shared_encoder
from deskmate.core.search.encoder_guard import guard_for
from deskmate.core.semantic.vector_job import item_text
from deskmate.core.semantic.vectors import scan, top_k
from deskmate.server.auth import Permission, User
from deskmate.server.database import Database
from deskmate.server.tables import ItemRow, ItemStateRow, ItemVectorRow, ServerMetaRow
from deskmate.server.workbench.visibility import decode_teams
from sqlalchemy import select

log = logging.getLogger(__name__)

#: The lowest cosine that can name an item (the benchmark is flat from 0.90 to 0.95).
FLOOR = 0.90
#: How far above the crowd an item must stand (0.02: on ATEC, 65 % of the hints on a
#: duplicate name the right article; 0.01 fires four times as often at 44 %).
MARGIN = 0.02
#: The crowd: the score of this rank (the sixth best, one past the five shown).
CROWD_RANK = 6
#: At most this many items are named per text.
SHOWN = 5
_READ_BATCH = 500

FloatMatrix = npt.NDArray[np.float32]


@dataclass(frozen=True)
class Lookalike:
    """An existing item whose meaning is close to a text: its id and cosine."""

    item_id: str
    cosine: float


@dataclass(frozen=True)
class _Rows:
    ids: list[str]
    data: npt.NDArray[np.int8]
    scales: FloatMatrix


class ItemVectorCache:
    """One database's item vectors of one model, in memory; thread-safe.

    :meth:`refresh` compares the feed's change number with the one it last read and
    merges the vectors of items changed since (imports and publishing give an item a new
    change number with its new vector). A new model starts over.
    """

    def __init__(self, dimension: int) -> None:
        self.dimension = dimension
        self.model_id = ""
        self._rows = _Rows([], np.zeros((0, dimension), np.int8), np.zeros(0, np.float32))
        self._pos: dict[str, int] = {}
        self._seq = -1
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._rows.ids)

    def refresh(self, db: Database, model_id: str) -> None:
        """Take in the vectors written since the last refresh (one small read if none)."""
        with self._lock:
            if model_id != self.model_id:
                self.model_id, self._seq, self._pos = model_id, -1, {}
                self._rows = _Rows(
                    [], np.zeros((0, self.dimension), np.int8), np.zeros(0, np.float32)
                )
            with db.read() as conn:
                head = conn.execute(
                    select(ServerMetaRow.head_seq).where(ServerMetaRow.id == 1)
                ).scalar()
                if head is None or int(head) == self._seq:
                    return
                query = (
                    select(ItemVectorRow.item_id, ItemVectorRow.scale, ItemVectorRow.vector)
                    .join(ItemRow, ItemRow.id == ItemVectorRow.item_id)
                    .where(ItemVectorRow.model_id == model_id, ItemRow.seq > self._seq)
                )
                fresh = [(i, float(s), bytes(v)) for i, s, v in conn.execute(query)]
            self._merge(fresh)
            self._seq = int(head)

    def _merge(self, fresh: list[tuple[str, float, bytes]]) -> None:
        width = self.dimension
        usable = [f for f in fresh if len(f[2]) == width and np.isfinite(f[1])]
        new = [f[0] for f in usable if f[0] not in self._pos]
        rows = self._rows
        data = np.concatenate([rows.data, np.zeros((len(new), width), np.int8)])
        scales = np.concatenate([rows.scales, np.zeros(len(new), np.float32)])
        for item_id in new:
            self._pos[item_id] = len(self._pos)
        for item_id, scale, vector in usable:
            at = self._pos[item_id]
            data[at] = np.frombuffer(vector, np.int8)
            scales[at] = scale
        self._rows = _Rows([*rows.ids, *new], data, scales)  # swapped whole for readers

    def nearest(self, queries: FloatMatrix, k: int) -> list[list[tuple[str, float]]]:
        """Per query row, the ``k`` items of highest cosine, best first.

        One pass over the int8 matrix for all queries (core's scan: a block at a time
        widened to float32, on one BLAS thread, as the client's search).
        """
        rows = self._rows
        if not rows.ids or k <= 0:
            return [[] for _ in queries]
        scores = scan(rows.data, rows.scales, np.asarray(queries, np.float32).T)
        return [top_k(rows.ids, scores[:, j], k) for j in range(scores.shape[1])]


_caches: weakref.WeakKeyDictionary[Database, ItemVectorCache] = weakref.WeakKeyDictionary()
_caches_lock = threading.Lock()


def cache_for(db: Database, dimension: int) -> ItemVectorCache:
    """The process's vector cache of ``db``."""
    with _caches_lock:
        cache = _caches.get(db)
        if cache is None or cache.dimension != dimension:
            cache = _caches[db] = ItemVectorCache(dimension)
        return cache


def draft_text(record: dict[str, Any]) -> str:
    """The text encoded for a draft: the items' recipe (title, questions, body)."""
    try:
        clean = {k: v for k, v in record.items() if v not in (None, "")}
        clean.setdefault("id", "draft")
        clean.setdefault("version", 1)
        return item_text(Item.from_dict(clean))
    except (DeskmateError, TypeError, ValueError, KeyError):
        # Not a valid item yet: the same parts, joined as item_text joins them.
        questions = [q for q in record.get("questions") or [] if isinstance(q, str)]
        body = record.get("body")
        parts = [str(record.get("title") or ""), *questions]
        parts.append(plain_text(body[:4000]) if isinstance(body, str) else "")
        return "\n".join(p for p in parts if p)


def rule(candidates: list[tuple[str, float]], exclude: Collection[str]) -> list[Lookalike]:
    """The candidates that the rule names (best first), ``exclude`` left out."""
    ranked = [(i, s) for i, s in candidates if i not in exclude]
    crowd = ranked[CROWD_RANK - 1][1] if len(ranked) >= CROWD_RANK else FLOOR - MARGIN
    return [Lookalike(i, s) for i, s in ranked if s >= FLOOR and s - crowd >= MARGIN]


def lookalikes(
    db: Database,
    texts: Sequence[str],
    exclude: Collection[str] = (),
    encoder: TextEncoder | None = None,
) -> list[list[Lookalike]]:
    """Per text, the items whose meaning is close to it (empty lists without an encoder).

    Args:
        db: The server's database.
        texts: The drafts' texts (:func:`draft_text`) or a topic's words.
        exclude: Item ids never named (the draft itself).
        encoder: The encoder (default: the process's shared one, if it can run).
    """
    wanted = [t for t in texts if t.strip()]
    inner = encoder if encoder is not None else shared_encoder()
    if inner is None or not wanted:
        return [[] for _ in texts]
    try:
        vectors = guard_for(inner).encode(wanted)
    except EncoderUnavailableError as exc:
        log.info("duplicate hints are lexical only: %s", exc.message)
        return [[] for _ in texts]
    cache = cache_for(db, inner.dimension)
    cache.refresh(db, inner.model_id)
    depth = CROWD_RANK + len(exclude)
    found = iter(cache.nearest(np.asarray(vectors, np.float32), depth))
    return [rule(next(found), exclude) if t.strip() else [] for t in texts]


def viewable(
    db: Database, ids: Collection[str], user: User | None
) -> dict[str, tuple[str, str | None]]:
    """Of ``ids``, the non-archived items ``user`` may see: id → (title, status).

    Editors see every item; anyone else (an owner allowed to edit their own items)
    only the items sent to their team.
    """
    sees_all = user is None or user.can(Permission.AUTHOR_CONTENT)
    found: dict[str, tuple[str, str | None]] = {}
    with db.read() as conn:
        for batch in batches(sorted(ids), _READ_BATCH):
            query = (
                select(ItemStateRow.item_id, ItemStateRow.title, ItemStateRow.status, ItemRow.teams)
                .outerjoin(ItemRow, ItemRow.id == ItemStateRow.item_id)
                .where(ItemStateRow.item_id.in_(batch), ItemStateRow.status != "archived")
            )
            for item_id, title, status, teams in conn.execute(query):
                limit = decode_teams(teams)
                if sees_all or not limit or (user is not None and user.team in limit):
                    found[item_id] = (title, status)
    return found
