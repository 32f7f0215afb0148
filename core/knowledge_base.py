"""KnowledgeBase: the facade of the local knowledge core (store + search index).

The SQLite store is the source of truth; the Whoosh index is derived from it. On
open, an index that is missing, damaged, built with other analysis settings or
behind the store is rebuilt or caught up, and the log says so; callers never
see a broken index.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from deskmate.core.closing import ClosesOnExit
from deskmate.core.content.model import Item, ItemKind
from deskmate.core.errors import IndexNotReadyError, OperationCancelledError, SearchIndexError
from deskmate.core.hybrid_search import Hit, HybridSearch, SearchFilters, hit_of
from deskmate.core.index_upkeep import INCREMENTAL_LIMIT, IndexUpkeep
from deskmate.core.search.analysis import Segmenter
from deskmate.core.search.encoder import shared_encoder
from deskmate.core.search.index_store import CORRUPTION_ERRORS, SearchIndex
from deskmate.core.search.query_plan import QueryPlanner
from deskmate.core.search.ranker import IndexSnapshot
from deskmate.core.search.snippets import Highlighter
from deskmate.core.search.synonyms import SynonymTable
from deskmate.core.semantic.search import EncoderFactory, SemanticSearch
from deskmate.core.store.database import DB_FILE
from deskmate.core.store.item_store import ItemStore, WriteCounts

__all__ = ["INCREMENTAL_LIMIT", "Hit", "KnowledgeBase", "UpsertResult", "hash_text"]

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class UpsertResult:
    """What an upsert or delete changed in the store."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0


class KnowledgeBase(ClosesOnExit):
    """Local, offline knowledge: FAQs, scripts and experts, searchable per keystroke.

    Thread-safe: searches may run on a worker thread while another writes.
    """

    def __init__(
        self, data_dir: Path, store: ItemStore, encoder: EncoderFactory = shared_encoder
    ) -> None:
        self.data_dir = data_dir
        self._store = store
        #: Item vectors and the encoder (hybrid ranking of typed questions, related items).
        self.semantic = SemanticSearch(store, encoder)
        self._hybrid = HybridSearch(store, self.semantic)
        self._write_lock = threading.RLock()
        self._snapshot: IndexSnapshot | None = None
        self._snapshot_lock = threading.Lock()
        # Set once the index is usable (prepared, or an old one kept after a cancel).
        self._ready = threading.Event()
        index, segmenter = self._analysis()
        self._upkeep = IndexUpkeep(store, index, segmenter, self.skill_names, self._write_lock)

    @classmethod
    def open(
        cls,
        data_dir: Path | str,
        encoder: EncoderFactory = shared_encoder,
        *,
        prepare_index: bool = True,
    ) -> KnowledgeBase:
        """Open the knowledge base in ``data_dir``, creating an empty one if absent.

        Args:
            data_dir: The data directory (the database and the index live there).
            encoder: Gives the sentence encoder, or None where it cannot run (search then
                stays lexical); called when first needed.
            prepare_index: Open, catch up or rebuild the search index now. The sidebar
                passes False and calls :meth:`prepare_index` as a job with progress and
                cancel (a rebuild can take a minute); until then searches raise
                :class:`IndexNotReadyError`.

        Raises:
            StoreError: the database cannot be opened (damaged, read-only, disk full).
        """
        path = Path(data_dir)
        started = time.perf_counter()
        kb = cls(path, ItemStore(path / DB_FILE), encoder)
        if prepare_index:
            kb.prepare_index()
        log.info(
            "opened knowledge base %s in %.0f ms", path, 1000 * (time.perf_counter() - started)
        )
        return kb

    def close(self) -> None:
        """Release the index and the database."""
        with self._snapshot_lock:
            if self._snapshot is not None:
                self._snapshot.close()
                self._snapshot = None
        self._index.close()
        self._store.close()

    # -- analysis settings (synonyms, skill names) -----------------------------------

    def _analysis(self) -> tuple[SearchIndex, Segmenter]:
        """Read the analysis settings from the store: the index and segmenter they give."""
        self.synonyms = SynonymTable.parse(self._store.get_meta("synonyms") or "")
        self.skill_names: dict[str, str] = json.loads(self._store.get_meta("skill_names") or "{}")
        segmenter = Segmenter(self.synonyms.words())
        names = json.dumps(self.skill_names, sort_keys=True, ensure_ascii=False)
        fingerprint = f"{segmenter.fingerprint}:{hash_text(names)}"
        self._planner = QueryPlanner(segmenter, self.synonyms)
        return SearchIndex(self.data_dir / "index", fingerprint), segmenter

    @property
    def _index(self) -> SearchIndex:
        return self._upkeep.index

    @property
    def _segmenter(self) -> Segmenter:
        return self._upkeep.segmenter

    def set_vocabulary(
        self,
        synonyms: SynonymTable | None = None,
        skill_names: dict[str, str] | None = None,
        progress: Progress | None = None,
        cancel: threading.Event | None = None,
    ) -> bool:
        """Replace the synonym list and/or skill names; rebuild the index if they changed.

        ``cancel`` stops the rebuild (the old index stays live; the next open rebuilds).

        Returns:
            True when the index was rebuilt.
        """
        with self._write_lock:
            if synonyms is not None:
                self._store.set_meta("synonyms", synonyms.to_text())
            if skill_names is not None:
                self._store.set_meta("skill_names", json.dumps(skill_names, ensure_ascii=False))
            old = self._index.fingerprint
            self._index.close()
            self._upkeep.reconfigure(*self._analysis(), self.skill_names)
            if self._index.fingerprint == old:
                return False
            log.info("synonyms or skill names changed; rebuilding the search index")
            self.rebuild_index(progress, cancel)
            return True

    # -- index upkeep ----------------------------------------------------------------

    @property
    def index_ready(self) -> bool:
        """Whether searches can run (see :meth:`prepare_index`)."""
        return self._ready.is_set()

    def prepare_index(
        self, progress: Progress | None = None, cancel: threading.Event | None = None
    ) -> None:
        """Open the search index, catching it up or rebuilding it when it must be.

        Args:
            progress: Called with (items indexed, total) during a rebuild.
            cancel: When set, a rebuild stops; an old index, if readable, stays in use.

        Raises:
            OperationCancelledError: ``cancel`` was set.
            SearchIndexError: the index could not be built (an old one stays in use).
        """
        try:
            self._upkeep.ensure(progress, cancel)
        except (OperationCancelledError, SearchIndexError):
            # Cancelled, or the rebuild failed (disk full, folder not writable): the old
            # index, if there is a readable one, stays in use.
            self.keep_existing_index()
            raise
        self._warm_up()
        self._ready.set()

    def _warm_up(self) -> None:
        """One throw-away search before search is declared ready.

        It opens the index snapshot and loads the field lengths (about a second at 100k
        items), so the query an agent typed while the index was prepared is answered as
        soon as it is ready rather than a second later.
        """
        try:
            self._search("退款 refund", 1, SearchFilters())
        except CORRUPTION_ERRORS as exc:
            log.warning("search index unreadable after preparing it (%s)", exc)
            with self._snapshot_lock:
                self._snapshot = None

    def load_dictionary(self) -> None:
        """Load the word segmenter's dictionary now (it would load on first use).

        The load (0.1-0.7 s) holds the GIL: every other thread waits, the GUI's included.
        The sidebar does it while it builds its window, before the window can stall.
        """
        self._segmenter.load()

    def keep_existing_index(self) -> bool:
        """Search the index on disk as it is (after a cancelled :meth:`prepare_index`).

        Returns:
            True when there is a readable index to search; False when there is none.
        """
        if self._index.state() is None:
            return False
        self._ready.set()
        return True

    def rebuild_index(
        self,
        progress: Progress | None = None,
        cancel: threading.Event | None = None,
        *,
        pipeline: bool | None = None,
    ) -> int:
        """Rebuild the whole index from the store (aside, then swapped in).

        Args:
            progress: Called with (items indexed, total) now and then.
            cancel: When set, the build stops and the old index stays live.
            pipeline: Analyse items in a worker process while this one writes the index
                (True), in this process (False), or decide by size (None: from
                ``PIPELINE_MIN_ITEMS`` items on, where the overlap pays for the start).

        Returns:
            The number of documents indexed.

        Raises:
            OperationCancelledError: ``cancel`` was set; the old index stays live.
            SearchIndexError: the build failed; the old index stays live.
        """
        return self._upkeep.rebuild(progress, cancel, pipeline=pipeline)

    # -- writing -------------------------------------------------------------------------

    def upsert(
        self,
        items: Iterable[Item],
        deletions: Iterable[str] = (),
        progress: Progress | None = None,
        cancel: threading.Event | None = None,
    ) -> UpsertResult:
        """Add or replace items (by id) and delete ids, then bring the index up to date.

        The store is written in one transaction: on error nothing changes. ``cancel``
        stops a rebuild of the index that a large change needs (the store keeps the
        change; the index catches up at the next open).
        """
        with self._write_lock:
            state_seq = self._upkeep.seq()
            counts: WriteCounts = self._store.write(items, deletions)
            if counts.added or counts.updated or counts.deleted:
                self._upkeep.after_write(state_seq, cancel)
            if progress is not None:
                progress(1, 1)
            return UpsertResult(counts.added, counts.updated, counts.unchanged, counts.deleted)

    @contextmanager
    def index_once(self, cancel: threading.Event | None = None) -> Iterator[None]:
        """Within, writes go to the store only; the index catches up once on leaving.

        A sync of many pages writes each page as it comes. Updating Whoosh per page costs
        a commit (and merges) each time; one catch-up at the end is a single incremental
        update, or from ``INCREMENTAL_LIMIT`` changes on a pipelined rebuild, several times
        faster at 100k items. Searches meanwhile read the index as it was. If the catch-up
        is cancelled or fails, the store keeps every change and the index catches up at
        the next write or open (the index records the store sequence it reflects). When
        the block raises, the changes it made are indexed all the same (unless ``cancel``
        is set) and its exception is what the caller sees.
        """
        with self._upkeep.deferred(cancel):
            yield

    def delete(self, ids: Iterable[str]) -> UpsertResult:
        """Delete items by id (unknown ids are ignored)."""
        return self.upsert((), ids)

    def record_usage(
        self, item_id: str, consulted: int, helpful: int = 0, unhelpful: int = 0
    ) -> None:
        """Accept usage counts from the learning side; popular helpful items rise a little."""
        self._store.set_usage(item_id, consulted, helpful, unhelpful)

    # -- reading -------------------------------------------------------------------------

    def get(self, item_id: str) -> Item | None:
        """The item with this id, or None."""
        return self._store.get(item_id)

    def get_meta(self, key: str) -> str | None:
        """A small fact stored with the knowledge base (for the apps' bookkeeping)."""
        return self._store.get_meta(key)

    def set_meta(self, key: str, value: str) -> None:
        """Store a small fact with the knowledge base."""
        self._store.set_meta(key, value)

    def count(self) -> dict[str, int]:
        """Number of items per kind."""
        return self._store.count()

    def _require_ready(self) -> None:
        if not self._ready.is_set():
            raise IndexNotReadyError(
                "The search index is still being prepared; search works when it is ready."
            )

    def _current_snapshot(self) -> IndexSnapshot:
        with self._snapshot_lock:
            snap = self._snapshot
            if snap is None or snap.generation != self._index.generation:
                if snap is not None:
                    snap.close()
                snap = IndexSnapshot(self._index.open().searcher(), self._index.generation)
                self._snapshot = snap
            return snap

    def related(self, item_id: str, limit: int = 4) -> list[Hit]:
        """Items closest in meaning to an item (by their vectors), best first.

        Empty when the item has no vector yet or the encoder cannot run here; callers
        then fall back to a lexical neighbourhood.
        """
        pairs = self.semantic.related(item_id, limit)
        items = self._store.get_many([i for i, _ in pairs])
        marker = Highlighter(())
        return [hit_of(items[i], score, marker) for i, score in pairs if i in items]

    @staticmethod
    def hit_of(item: Item) -> Hit:
        """``item`` as a result row outside any search: nothing marked, its text's start.

        For lists that are not search results (the home list of pinned, recent and
        frequent items), so their rows read like the results' rows.
        """
        return hit_of(item, 0.0, Highlighter(()))

    def items_of_kind(self, kind: str, limit: int = 5000) -> list[Item]:
        """Every item of ``kind`` (e.g. the expert directory), at most ``limit``, by id.

        Raises:
            IndexNotReadyError: :meth:`prepare_index` has not finished.
        """
        self._require_ready()
        ids = sorted(self._current_snapshot().ids_where("kind", str(ItemKind(kind))))[:limit]
        found = self._store.get_many(ids)
        return [found[i] for i in ids if i in found]

    def filter_values(self, field: str) -> list[str]:
        """The values items carry in ``field`` ("product" or "channel"), sorted.

        For filter menus: only values some item has, read from the search index.

        Raises:
            IndexNotReadyError: :meth:`prepare_index` has not finished.
            ValueError: ``field`` is not a filter field.
        """
        if field not in ("product", "channel", "kind", "language"):
            raise ValueError(f"not a filter field: {field!r}")
        self._require_ready()
        return self._current_snapshot().field_values(field)

    def search(
        self,
        text: str,
        limit: int = 10,
        kinds: Sequence[str] | None = None,
        *,
        product: str | None = None,
        channel: str | None = None,
        language: str | None = None,
        prefer_language: str | None = None,
        semantic: bool = True,
    ) -> list[Hit]:
        """Search as the agent types: the last word counts as a prefix.

        Args:
            text: What the agent typed (Chinese, pinyin, English or mixed).
            limit: At most this many hits, best first.
            kinds: Only these kinds (``faq``, ``script``, ``expert``).
            product: Only items of this product.
            channel: Only items for this channel (voice/chat/email).
            language: Only items in this language (zh/en).
            prefer_language: The agent's language (zh/en, from the UI): its items come
                first among hits of the same relevance (see ``search.agent_language``).
            semantic: Fuse in the nearest vectors for question-like text (the final
                ranking); False gives the lexical ranking alone, which the sidebar paints
                first while the fused one is computed.

        Raises:
            IndexNotReadyError: :meth:`prepare_index` has not finished.
        """
        self._require_ready()
        filters = SearchFilters(kinds, product, channel, language)
        try:
            return self._search(text, limit, filters, prefer_language, semantic)
        except CORRUPTION_ERRORS as exc:
            log.warning("search index failed while searching (%s); rebuilding it", exc)
            with self._snapshot_lock:
                self._snapshot = None
            self._index.close()
            self.rebuild_index()
            return self._search(text, limit, filters, prefer_language, semantic)

    def _search(
        self,
        text: str,
        limit: int,
        filters: SearchFilters,
        prefer_language: str | None = None,
        semantic: bool = True,
    ) -> list[Hit]:
        snap = self._current_snapshot()
        return self._hybrid.run(
            snap, self._planner, text, limit, filters, prefer_language, semantic
        )


def hash_text(text: str) -> str:
    """A short stable digest (for fingerprints)."""
    import hashlib

    return hashlib.sha1(text.encode("utf-8"), usedforsecurity=False).hexdigest()[:12]
