"""ContentPull: brings the local knowledge base up to date with the server's changes feed.

Per page: fetch, validate every record, apply all of it with one ``kb.upsert`` (one store
transaction), then store the page's ``next_cursor``. The order is what makes a crash
harmless. Killed before the upsert commits, the store is unchanged and the old cursor
asks for the same page again. Killed after the upsert but before the cursor is stored,
the next run applies that page a second time, and applying the same records again
changes nothing (an identical item is left alone, a missing id is simply not deleted).
The search index is derived from the store: it catches up once after the last page
(``KnowledgeBase.index_once``) and, after a crash, on open. So store, index and cursor
always agree after a restart.

A pass from the empty cursor is a *full pass*: the server sends every item it has.
When the local store already held items (an earlier server epoch, a 410, a sample
pack), the ids the server did not send are deleted at the end of the pass
(mark-and-sweep). A marker in the meta table records that such a pass is under way, so
a pass cut short restarts from the empty cursor and still ends with its sweep.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from deskmate.core.content.model import Item
from deskmate.core.content.validation import validate_record
from deskmate.core.errors import ContentError, OperationCancelledError
from deskmate.core.knowledge_base import KnowledgeBase
from deskmate.core.search.encoder import BUNDLED_MODEL_ID, DIMENSION
from deskmate.core.semantic.vector_feed import accept_feed_vectors
from deskmate.core.store.database import DB_FILE, open_engine, store_errors
from deskmate.core.store.sync_status_keys import SERVER_VECTOR_MODEL_KEY
from deskmate.core.store.tables import ItemRow
from deskmate.core.sync.errors import ProtocolError, ResyncRequired
from deskmate.core.sync.transport import ChangesPage, SyncSession
from sqlalchemy import select

log = logging.getLogger(__name__)

CURSOR_KEY = "sync.cursor"
ETAG_KEY = "sync.etag"
SWEEP_KEY = "sync.sweep_pending"  # "1" while a full pass that must end with a sweep runs
PAGE_LIMIT = 1000  # the protocol's maximum

Progress = Callable[[int, int], None]


@dataclass
class PullResult:
    """What a pull changed locally.

    Attributes:
        added: Items new to the local copy.
        updated: Items replaced by a newer server version.
        unchanged: Items received again but identical (e.g. a re-applied page).
        deleted: Items deleted because the server listed them as deleted.
        swept: Items deleted because a full pass did not include them.
        pages: Pages applied.
        full_pass: A pass from the empty cursor was made (first sync, 410 or resumed).
        not_modified: The server answered 304: nothing changed since the last poll.
        vectors: Item vectors received and stored (never encoded here again).
    """

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    swept: int = 0
    pages: int = 0
    full_pass: bool = False
    not_modified: bool = False
    vectors: int = 0


def check_page(page: ChangesPage, limit: int, host: str) -> tuple[list[Item], list[str]]:
    """Validate every record of a page; any bad one rejects the whole page.

    Raises:
        ProtocolError: a record breaks the item schema, a deletion id is malformed, an id
            is both changed and deleted, or the page is longer than was asked for.
    """

    def broken(what: str) -> ProtocolError:
        return ProtocolError(
            f"The server at {host} sent a page with {what}; the whole page was refused "
            "and nothing local was changed.",
            host=host,
        )

    if len(page.items) + len(page.deleted) > limit:
        raise broken(f"more than the {limit} changes asked for")
    items: list[Item] = []
    for n, record in enumerate(page.items, start=1):
        try:
            items.append(_item(record))
        except ContentError as exc:
            where = f"record {n}" + (f" ({record['id']})" if _has_str_id(record) else "")
            raise broken(f"an invalid item, {where}: {exc.message}") from None
    deletions: list[str] = []
    for n, item_id in enumerate(page.deleted, start=1):
        try:
            validate_record({"id": item_id, "deleted": True})
        except ContentError:
            raise broken(f"a malformed deleted id (entry {n})") from None
        deletions.append(item_id)
    both = {i.id for i in items} & set(deletions)
    if both:
        raise broken(f"item {min(both)} both changed and deleted")
    return items, deletions


def _item(record: object) -> Item:
    if not isinstance(record, dict):
        raise ContentError(f"expected an object, got {type(record).__name__}")
    return Item.from_dict(record)


def _has_str_id(record: object) -> bool:
    return isinstance(record, dict) and isinstance(record.get("id"), str)


def local_item_ids(data_dir: Path) -> set[str]:
    """Every item id in the store of ``data_dir`` (ids only: cheap even for 100k items)."""
    path = data_dir / DB_FILE
    engine = open_engine(path)
    try:
        with store_errors(path), engine.connect() as conn:
            return set(conn.scalars(select(ItemRow.id)))
    finally:
        engine.dispose()


class ContentPull:
    """Pulls the changes feed into a knowledge base. See the module docstring.

    Args:
        kb: The local knowledge base (written with ``upsert``; bookkeeping in its meta).
        session: The HTTP session to the server.
        page_limit: Changes asked for per page (at most 1000).
    """

    def __init__(self, kb: KnowledgeBase, session: SyncSession, page_limit: int = PAGE_LIMIT):
        self.kb = kb
        self.session = session
        self.page_limit = max(1, min(PAGE_LIMIT, page_limit))
        self.result = PullResult()  # filled in as pages land, so a failed run still counts
        self._vectors_refused = False
        self._server_model: str | None = None  # not known yet in this run

    def run(
        self, progress: Progress | None = None, cancel: threading.Event | None = None
    ) -> PullResult:
        """Pull until the server has nothing more; on 410 start over with a full pass.

        Raises:
            SyncError: the server failed or sent something unusable; every page applied
                before stays applied (with its cursor), nothing of the failed page is.
            OperationCancelledError: ``cancel`` was set (checked between pages).
            StoreError: the local database refused a write.
        """
        result = self.result = PullResult()
        cursor = self.kb.get_meta(CURSOR_KEY) or ""
        if self.kb.get_meta(SWEEP_KEY) == "1":
            log.info("an interrupted full pass is started again from the beginning")
            cursor = ""
        # Pages go to the store as they come; the search index catches up once, after
        # the last page (one pipelined rebuild for a first sync instead of a Whoosh commit
        # per page: KnowledgeBase.index_once).
        with self.kb.index_once(cancel):
            try:
                self._pass(cursor, result, progress, cancel)
            except ResyncRequired as exc:
                if cursor == "":
                    raise ProtocolError(
                        f"The server at {self.session.host} refuses even a sync from the "
                        "beginning; nothing more was changed. Tell your IT team.",
                    ) from exc
                log.warning("server requires a full resync (%s); starting from the beginning", exc)
                self._pass("", result, progress, cancel)
        return result

    def _pass(
        self,
        cursor: str,
        result: PullResult,
        progress: Progress | None,
        cancel: threading.Event | None,
    ) -> None:
        full = cursor == ""
        seen: set[str] | None = None
        if full:
            result.full_pass = True
            self.kb.set_meta(CURSOR_KEY, "")
            self.kb.set_meta(ETAG_KEY, "")
            if sum(self.kb.count().values()):
                # Local items the server may no longer have: sweep them at the end.
                self.kb.set_meta(SWEEP_KEY, "1")
                seen = set()
        etag = None if full else self._stored_etag(cursor)
        while True:
            if cancel is not None and cancel.is_set():
                raise OperationCancelledError("The sync was cancelled; it continues next time.")
            page = self.session.get_changes(cursor, self.page_limit, etag)
            etag = None
            if page is None:
                result.not_modified = True
                return
            self._apply(cursor, page, result, seen, cancel)
            if progress is not None:
                progress(result.added + result.updated + result.unchanged + result.deleted, 0)
            if not page.has_more:
                break
            if page.next_cursor == cursor:
                raise ProtocolError(
                    f"The server at {self.session.host} says it has more changes but its "
                    "cursor does not move; the sync stopped. Try again later.",
                )
            cursor = page.next_cursor
        if seen is not None:
            result.swept = self._sweep(seen)
            self.kb.set_meta(SWEEP_KEY, "")

    def _apply(
        self,
        cursor: str,
        page: ChangesPage,
        result: PullResult,
        seen: set[str] | None,
        cancel: threading.Event | None = None,
    ) -> None:
        items, deletions = check_page(page, self.page_limit, self.session.host)
        # Store only: the index catches up after the last page (run's index_once).
        counts = self.kb.upsert(items, deletions, cancel=cancel)
        self._store_vectors(items, page)
        # A crash here re-applies this page next time, which is harmless (see module doc).
        self.kb.set_meta(CURSOR_KEY, page.next_cursor)
        self._store_etag(cursor, page)
        result.added += counts.added
        result.updated += counts.updated
        result.unchanged += counts.unchanged
        result.deleted += counts.deleted
        result.pages += 1
        if seen is not None:
            seen.update(item.id for item in items)
            seen.difference_update(deletions)

    def _store_vectors(self, items: list[Item], page: ChangesPage) -> None:
        """Keep the page's vectors that fit this client's encoder; refusals logged once."""
        if items:
            self._note_server_model(page.vectors)
        if not page.vectors:
            return
        stored, problems = accept_feed_vectors(
            self.kb.semantic.vectors, items, page.vectors, BUNDLED_MODEL_ID, DIMENSION
        )
        self.result.vectors += stored
        if problems and not self._vectors_refused:
            self._vectors_refused = True
            log.warning(
                "the server sent %d vectors this client cannot use (e.g. %s); those items "
                "stay lexical until encoded here",
                len(problems),
                problems[0],
            )

    def _note_server_model(self, wire: Mapping[str, object]) -> None:
        """Remember which model the server encodes with (see SERVER_VECTOR_MODEL_KEY).

        From each page with items: ours when any of its vectors is ours (during the
        server's re-encoding after a model change, old vectors still travel with items
        not yet renumbered, but the new ones are of the new model); another model's when
        all are; none ("") when the page has no vector at all: a server that encodes ships
        new items with their vectors, so one that sends none cannot encode (any more), and
        this client then encodes them itself.
        """
        models = {v.get("model") for v in wire.values() if isinstance(v, Mapping)}
        named = sorted(m for m in models if isinstance(m, str))
        model = BUNDLED_MODEL_ID if BUNDLED_MODEL_ID in named else (named[0] if named else "")
        if model != self._server_model:
            self._server_model = model
            if (self.kb.get_meta(SERVER_VECTOR_MODEL_KEY) or "") != model:
                self.kb.set_meta(SERVER_VECTOR_MODEL_KEY, model)
                log.info("the server encodes item vectors with %s", model or "nothing")

    def _sweep(self, seen: set[str]) -> int:
        stale = local_item_ids(self.kb.data_dir) - seen
        if not stale:
            return 0
        log.info("full pass: deleting %d local items the server no longer has", len(stale))
        return self.kb.delete(sorted(stale)).deleted

    def _stored_etag(self, cursor: str) -> str | None:
        """The ETag of the last answer to this very request (cursor and limit), if any.

        An ETag belongs to one URL; the server answers 304 when the same request would
        get the same page again, i.e. when nothing changed since.
        """
        raw = self.kb.get_meta(ETAG_KEY)
        try:
            stored = json.loads(raw) if raw else None
        except ValueError:
            return None
        if (
            isinstance(stored, dict)
            and stored.get("cursor") == cursor
            and stored.get("limit") == self.page_limit
            and isinstance(stored.get("etag"), str)
        ):
            return str(stored["etag"]) or None
        return None

    def _store_etag(self, cursor: str, page: ChangesPage) -> None:
        # Only a last page is worth polling again; a page with more behind it is not. The
        # next poll asks at the page's next_cursor, and the server tags a last page with
        # that request's ETag (docs/sync-api.md), so the tag is kept for that cursor. (A
        # server tagging it for ``cursor`` instead costs one full answer, never a change.)
        value = ""
        if not page.has_more and page.etag:
            value = json.dumps(
                {"cursor": page.next_cursor, "limit": self.page_limit, "etag": page.etag}
            )
        self.kb.set_meta(ETAG_KEY, value)
