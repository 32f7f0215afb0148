"""IndexUpkeep: keeps the Whoosh index derived from the store (what KnowledgeBase writes through).

The SQLite store is the source of truth; the index records the store sequence it
reflects. Opening checks it (missing, damaged, built with other analysis settings, or
behind the store: rebuilt or caught up); each write is followed by a catch-up, an
incremental update up to ``INCREMENTAL_LIMIT`` changes and a full rebuild aside (swapped
in) beyond; :meth:`IndexUpkeep.deferred` lets a run of writes catch up once at its end.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from deskmate.core.content.model import Item
from deskmate.core.errors import OperationCancelledError, SearchIndexError
from deskmate.core.search.analysis import Segmenter
from deskmate.core.search.build_pipeline import (
    PIPELINE_MIN_ITEMS,
    AnalysisConfig,
    DocumentPipeline,
    pipeline_available,
)
from deskmate.core.search.documents import to_document
from deskmate.core.search.index_store import CORRUPTION_ERRORS, SearchIndex
from deskmate.core.store.item_store import ItemStore

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
INCREMENTAL_LIMIT = 5000  # more changes than this: a clean full rebuild is faster
_UPDATE_ERRORS: tuple[type[BaseException], ...] = (SearchIndexError, *CORRUPTION_ERRORS)


class IndexUpkeep:
    """Opens, catches up and rebuilds one knowledge base's search index.

    Args:
        store: The item store the index is derived from.
        index: The index folder, with the fingerprint of the analysis settings.
        segmenter: The word segmenter of those settings.
        skill_names: Skill ids to names (indexed with the items).
        write_lock: The knowledge base's write lock (held by every write and rebuild).
    """

    def __init__(
        self,
        store: ItemStore,
        index: SearchIndex,
        segmenter: Segmenter,
        skill_names: dict[str, str],
        write_lock: threading.RLock,
    ) -> None:
        self._store = store
        self.index = index
        self.segmenter = segmenter
        self.skill_names = skill_names
        self._write_lock = write_lock
        # > 0 inside ``deferred``: writes go to the store only, the index catches up after.
        self._deferred = 0

    def reconfigure(
        self, index: SearchIndex, segmenter: Segmenter, skill_names: dict[str, str]
    ) -> None:
        """Use new analysis settings (the caller rebuilds when the fingerprint changed)."""
        self.index = index
        self.segmenter = segmenter
        self.skill_names = skill_names

    def seq(self) -> int:
        """The store sequence the index reflects (0 when there is no readable index)."""
        state = self.index.state()
        return state.store_seq if state is not None else 0

    def ensure(
        self, progress: Progress | None = None, cancel: threading.Event | None = None
    ) -> None:
        """Open the index, rebuilding or catching it up when it must be (see module doc)."""
        state = self.index.state()
        if state is None or state.fingerprint != self.index.fingerprint:
            if not self.index.live.exists():
                log.info("creating the search index")
            else:
                why = "unreadable" if state is None else "built with other settings"
                log.warning("search index %s; rebuilding it from the store", why)
            self.rebuild(progress, cancel)
            return
        try:
            self.index.open()
        except SearchIndexError as exc:
            log.warning("%s; rebuilding it from the store", exc)
            self.rebuild(progress, cancel)
            return
        if state.store_seq < self._store.last_seq():
            log.info("search index is behind the store; catching up")
            self.catch_up(state.store_seq, cancel)

    def _documents(self, items: Iterable[Item]) -> Iterable[dict[str, str]]:
        for item in items:
            yield to_document(item, self.segmenter, self.skill_names)

    def rebuild(
        self,
        progress: Progress | None = None,
        cancel: threading.Event | None = None,
        *,
        pipeline: bool | None = None,
    ) -> int:
        """Rebuild the whole index from the store; see ``KnowledgeBase.rebuild_index``."""
        with self._write_lock:
            seq = self._store.last_seq()
            total = sum(self._store.count().values())
            items = self._store.iter_items()
            if pipeline is None:
                pipeline = total >= PIPELINE_MIN_ITEMS and pipeline_available()
            if not pipeline:
                # The dictionary loads before the build folder exists: a quit while it
                # loads (up to 2 s on a busy machine, deaf to cancel) leaves nothing behind.
                self.segmenter.load()
                if cancel is not None and cancel.is_set():
                    raise OperationCancelledError("The index rebuild was cancelled.")
                count = self.index.build(self._documents(items), total, seq, progress, cancel)
            else:
                config = AnalysisConfig.of(self.segmenter, self.skill_names)
                with DocumentPipeline(config, cancel) as worker:
                    docs = worker.documents(items)
                    count = self.index.build(docs, total, seq, progress, cancel)
            log.info("search index rebuilt: %d items (pipelined: %s)", count, pipeline)
            return count

    def catch_up(self, since: int, cancel: threading.Event | None = None) -> None:
        """Apply the store's changes after sequence ``since`` (a rebuild when there are many)."""
        changes = self._store.changes_since(since)
        if len(changes.upserted) + len(changes.deleted) > INCREMENTAL_LIMIT:
            self.rebuild(cancel=cancel)
            return
        docs = list(self._documents(changes.upserted))
        try:
            self.index.apply(docs, changes.deleted, changes.last_seq)
        except _UPDATE_ERRORS as exc:
            # The store already has the change; the index is derived, so rebuild it.
            log.warning("search index could not be updated (%s); rebuilding it", exc)
            self.index.close()
            self.rebuild(cancel=cancel)

    def after_write(self, since: int, cancel: threading.Event | None = None) -> None:
        """A write changed the store after sequence ``since``: catch up, unless deferred."""
        if not self._deferred:
            self.catch_up(since, cancel)

    @contextmanager
    def deferred(self, cancel: threading.Event | None = None) -> Iterator[None]:
        """Within, writes go to the store only; see ``KnowledgeBase.index_once``."""
        with self._write_lock:
            self._deferred += 1
        failed = False
        try:
            yield
        except BaseException:
            failed = True
            raise
        finally:
            with self._write_lock:
                self._deferred -= 1
                if not self._deferred:
                    self._catch_up_after_deferral(cancel, failed)

    def _catch_up_after_deferral(self, cancel: threading.Event | None, failed: bool) -> None:
        if self.seq() >= self._store.last_seq():
            return
        if failed and cancel is not None and cancel.is_set():
            return  # quitting: the next open catches up
        try:
            self.catch_up(self.seq(), cancel)
        except (OperationCancelledError, SearchIndexError) as exc:
            if not failed:
                raise
            log.warning("search index not caught up after a failed write (%s)", exc)
