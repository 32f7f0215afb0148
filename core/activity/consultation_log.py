"""ConsultationLog: records what an agent does in Deskmate, without ever losing an event.

Events go to the ``consultation_events`` table of the knowledge base's own SQLite file,
ready for a later upload, through :class:`~deskmate.core.activity.durable_write.
DurableWrite`: when the database refuses a write the event goes to a side file instead
and the method still returns it; the next write that works first moves the side file's
events into the table.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from deskmate.core.activity import event_table
from deskmate.core.activity.account import (
    BindOutcome,
    SignedInAccount,
    read_account,
    write_account,
)
from deskmate.core.activity.durable_write import DurableWrite
from deskmate.core.activity.event_table import ItemUsage
from deskmate.core.activity.events import (
    LOCAL_ONLY_SOURCES,
    MAX_ID_CHARS,
    ConsultationEvent,
    EventKind,
    GapFlag,
    check_contact,
    local_now,
    new_event_id,
)
from deskmate.core.activity.spool import DwellUpdate
from deskmate.core.closing import ClosesOnExit
from deskmate.core.content.model import Item, ItemKind
from deskmate.core.context_request import check_case
from deskmate.core.errors import (
    ContentError,
    StoreError,
)
from deskmate.core.store.database import DB_FILE, store_errors

__all__ = ["ConsultationLog", "ItemUsage"]

log = logging.getLogger(__name__)


def _require_id(value: str, what: str) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_ID_CHARS:
        raise ContentError(f"The {what} must have 1 to {MAX_ID_CHARS} characters.", field=what)
    return value


def _require_count(value: int, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ContentError(f"The {what} must be a whole number of at least 0.", field=what)
    return value


class ConsultationLog(ClosesOnExit):
    """The consultation record of one agent on this machine. Thread-safe.

    Use :meth:`open`; every ``record_*`` method returns the event it recorded and never
    fails because of the database: see the module docstring and :attr:`last_problem`.
    """

    def __init__(self, data_dir: Path, agent_id: str, busy_timeout_ms: int | None = None) -> None:
        self.data_dir = data_dir
        self.agent_id = _require_id(agent_id, "agent id")
        self.db_path = data_dir / DB_FILE
        self._store = DurableWrite(data_dir, busy_timeout_ms)
        self._lock = self._store.lock
        self._case = ""
        self._query_source = ""

    @classmethod
    def open(
        cls, data_dir: Path | str, agent_id: str, *, busy_timeout_ms: int | None = None
    ) -> ConsultationLog:
        """Open the record in ``data_dir`` (the knowledge base's data directory).

        Never fails because of the database: if it cannot be opened now, events are kept
        in the side file and the database is tried again on every later write. Events
        left in the side file by an earlier session are moved into the table now.

        Once an account has signed in on this machine profile (:meth:`bind_account`),
        its name is the agent id and ``agent_id`` is not used.

        Args:
            data_dir: The data directory holding the knowledge base database.
            agent_id: Whose actions are recorded until someone signs in (a local label).
            busy_timeout_ms: How long a write waits for a database locked by another
                connection before the event goes to the side file (default: the store's
                5 seconds).

        Raises:
            ContentError: ``agent_id`` is empty or longer than 128 characters.
        """
        record = cls(Path(data_dir), agent_id, busy_timeout_ms)
        with record._lock:
            try:
                record._store.connect()  # migrates the store now, not in the middle of a search
            except StoreError as exc:
                record._store.open_failed(exc)
            else:
                record._store.write([])
                record._adopt_bound_account()
        return record

    def _adopt_bound_account(self) -> None:
        try:
            with store_errors(self.db_path), self._store.connect().connect() as conn:
                account = read_account(conn)
        except StoreError as exc:
            log.warning("cannot read who is signed in: %s", exc)
            return
        if account is not None:
            self.agent_id = account.name

    def close(self) -> None:
        """Release the database; try once more to save events only kept in memory."""
        self._store.close()

    # -- state the UI can show --------------------------------------------------------

    @property
    def last_problem(self) -> str | None:
        """A plain sentence about why events are waiting outside the database, or None."""
        return self._store.problem

    @property
    def last_error(self) -> StoreError | None:
        """The coded error behind :attr:`last_problem` (for a UI's own wording), or None."""
        return self._store.error

    def spooled(self) -> int:
        """How many entries (events and dwell-time updates) wait outside the database."""
        return self._store.waiting()

    @property
    def case(self) -> str:
        """The CRM case the agent is working on ("" for none); events carry it."""
        return self._case

    @case.setter
    def case(self, value: str) -> None:
        """Set (or clear with "") the case every later event carries in ``detail["case"]``.

        Raises:
            ContextError: a malformed case reference (see :func:`check_case`).
        """
        with self._lock:
            self._case = check_case(value) if value else ""

    @property
    def query_source(self) -> str:
        """Where the queries recorded now came from: "" (typed) or a local-only source."""
        return self._query_source

    @query_source.setter
    def query_source(self, value: str) -> None:
        """Mark later events with a query as ``detail["source"] = value`` ("" clears).

        A source in :data:`LOCAL_ONLY_SOURCES` keeps their query out of the upload.

        Raises:
            ContentError: an unknown source.
        """
        if value and value not in LOCAL_ONLY_SOURCES:
            raise ContentError(f"'{value}' is not a source of queries.", field="source")
        with self._lock:
            self._query_source = value

    # -- recording --------------------------------------------------------------------

    def record_search(self, query: str, result_count: int) -> ConsultationEvent:
        """Record a search the agent ran and how many results it showed."""
        count = _require_count(result_count, "result count")
        return self._record(EventKind.SEARCH, query=query, result_count=count)

    def record_open(self, item_id: str, query: str = "") -> ConsultationEvent:
        """Record that the agent opened an item (from the results of ``query``).

        Pass the returned event's id to :meth:`record_dwell` when the item is closed.
        """
        return self._record(EventKind.OPEN, query=query, item_id=_require_id(item_id, "item id"))

    def record_dwell(self, open_event_id: str, dwell_ms: int) -> None:
        """Set how long the item of an earlier open event stayed on screen.

        A dwell time for an id that is not an open event is ignored (and logged).
        """
        event_id = _require_id(open_event_id, "event id")
        self._store.write([DwellUpdate(event_id, _require_count(dwell_ms, "dwell time"))])

    def record_copy(self, item_id: str, filled: bool) -> ConsultationEvent:
        """Record that the agent copied an item's text (``filled``: placeholders filled in)."""
        return self._record(
            EventKind.COPY,
            item_id=_require_id(item_id, "item id"),
            detail={"filled": bool(filled)},
        )

    def record_feedback(self, item_id: str, helpful: bool) -> ConsultationEvent:
        """Record the agent's helpful / not helpful vote on an item."""
        return self._record(
            EventKind.FEEDBACK,
            item_id=_require_id(item_id, "item id"),
            detail={"helpful": bool(helpful)},
        )

    def record_gap(self, flag: GapFlag) -> ConsultationEvent:
        """Record a knowledge gap the agent flagged."""
        return self._record(
            EventKind.GAP, query=flag.query, item_id=flag.item_id, detail=flag.detail()
        )

    def record_no_result(self, query: str, result_count: int | None = 0) -> ConsultationEvent:
        """Record a search that returned nothing at all: an implicit knowledge gap.

        Raises:
            ContentError: ``result_count`` is above 0; a search that showed results and
                was left is :meth:`record_nothing_opened`.
        """
        count = None if result_count is None else _require_count(result_count, "result count")
        if count:
            raise ContentError(
                f"A search that showed {count} results is not a no-result; record it "
                "as nothing opened.",
                field="result_count",
            )
        return self._record(EventKind.NO_RESULT, query=query, result_count=count)

    def record_contact(self, item: Item, channel: str, *, opened: bool = True) -> ConsultationEvent:
        """Record that the agent called, emailed or messaged an expert from the card.

        Recorded whether or not an app opened the link (``opened``): the agent tried to
        reach a person either way.

        Args:
            item: The expert entry contacted.
            channel: ``"phone"``, ``"email"`` or ``"im"``; the expert must have it.
            opened: Whether the system opened the link in an app.

        Raises:
            ContentError: ``item`` is not an expert, ``channel`` is unknown, or the expert
                cannot be reached that way (nothing is recorded).
        """
        if item.kind is not ItemKind.EXPERT or item.expert is None:
            raise ContentError(
                f"Only an expert can be contacted; '{item.id}' is a {item.kind.value}.",
                field="item_id",
            )
        detail = {"channel": channel, "opened": bool(opened)}
        check_contact(_require_id(item.id, "item id"), detail)
        expert = item.expert
        offered = {
            "phone": expert.phone or expert.extension,
            "email": expert.email,
            "im": expert.im,
        }
        if not offered[channel]:
            raise ContentError(
                f"{expert.name} has no {channel} contact in the directory.", field="channel"
            )
        return self._record(EventKind.CONTACT, item_id=item.id, detail=detail)

    def record_nothing_opened(self, query: str, result_count: int) -> ConsultationEvent:
        """Record a search whose results (``result_count`` > 0) were left unopened."""
        count = _require_count(result_count, "result count")
        return self._record(EventKind.NOTHING_OPENED, query=query, result_count=count)

    def _record(
        self,
        kind: EventKind,
        *,
        query: str = "",
        item_id: str | None = None,
        result_count: int | None = None,
        detail: dict[str, Any] | None = None,
    ) -> ConsultationEvent:
        if not isinstance(query, str):
            raise ContentError("The search text must be text.", field="query")
        recorded = ConsultationEvent(
            event_id=new_event_id(),
            agent_id=self.agent_id,
            kind=kind,
            occurred_at=local_now().isoformat(timespec="microseconds"),
            query=query,
            item_id=item_id,
            result_count=result_count,
            detail=self._with_context(detail or {}, query),
        )
        self._store.write([recorded])
        return recorded

    def _with_context(self, detail: dict[str, Any], query: str) -> dict[str, Any]:
        """``detail`` plus the current case and, for a query not typed, its source."""
        extra: dict[str, Any] = {"case": self._case} if self._case else {}
        if self._query_source and query.strip():
            extra["source"] = self._query_source
        return {**detail, **extra} if extra else detail

    # -- reading ----------------------------------------------------------------------

    def recent(self, limit: int = 50) -> list[ConsultationEvent]:
        """This agent's latest events, newest first, including any still in the side file.

        Raises:
            StoreError: the database cannot be read.
        """
        with self._lock:
            self._store.write([])
            with store_errors(self.db_path), self._store.connect().connect() as conn:
                stored = event_table.newest_of_agent(conn, self.agent_id, limit)
            return self._with_spooled(stored, limit)

    def _with_spooled(self, stored: list[ConsultationEvent], limit: int) -> list[ConsultationEvent]:
        waiting = self._store.waiting_entries()
        if not waiting:
            return stored
        by_id = {e.event_id: e for e in stored}
        for entry in waiting:
            if isinstance(entry, ConsultationEvent) and entry.agent_id == self.agent_id:
                by_id.setdefault(entry.event_id, entry)
            elif isinstance(entry, DwellUpdate) and entry.event_id in by_id:
                by_id[entry.event_id] = replace(by_id[entry.event_id], dwell_ms=entry.dwell_ms)
        # Newest first; sorted() is stable, so equal times keep the stored order.
        merged = sorted(
            by_id.values(), key=lambda e: datetime.fromisoformat(e.occurred_at), reverse=True
        )
        return merged[:limit]

    # -- who the record belongs to ----------------------------------------------------

    def account(self) -> SignedInAccount | None:
        """The account signed in on this machine profile (None before the first sign-in).

        Raises:
            StoreError: the database cannot be read.
        """
        with self._lock, store_errors(self.db_path), self._store.connect().connect() as conn:
            return read_account(conn)

    def bind_account(self, account: SignedInAccount) -> BindOutcome:
        """Record as ``account`` from now on (see :mod:`deskmate.core.activity.account`).

        The first account bound on this machine profile takes over every event not yet
        uploaded; a different account later starts its own record. One transaction.

        Raises:
            StoreError: the database cannot be written (nothing changed).
        """
        with self._lock:
            self._store.write([])  # events still in the side file are taken over too
            with store_errors(self.db_path), self._store.connect().begin() as conn:
                bound = read_account(conn)
                claimed = 0
                if bound is None:
                    claimed = event_table.hand_over_waiting(conn, account.name)
                elif bound.name == account.name:
                    account = replace(account, signed_in_at=bound.signed_in_at)
                if bound != account:
                    write_account(conn, account)
                waiting = event_table.waiting_per_agent(conn)
            self.agent_id = account.name
        previous = bound.name if bound is not None and bound.name != account.name else None
        others = sum(n for agent, n in waiting.items() if agent != account.name)
        outcome = BindOutcome(account, bound is None, claimed, previous, others)
        if outcome.changed:
            log.info(
                "activity is now recorded as %s (%d earlier events taken over, previous: %s)",
                account.name,
                claimed,
                previous,
            )
        return outcome

    def pending_upload(
        self, limit: int = 500, agent_id: str | None = None
    ) -> list[ConsultationEvent]:
        """Events on this machine not yet uploaded, oldest first.

        Events still in the side file are moved into the table first when possible; the
        ones that cannot be are not returned (they will be next time).

        Args:
            limit: At most this many.
            agent_id: Only this agent's events (None: every agent's on this machine).

        Raises:
            StoreError: the database cannot be read.
        """
        with self._lock:
            self._store.write([])
            with store_errors(self.db_path), self._store.connect().connect() as conn:
                return event_table.oldest_not_uploaded(conn, limit, agent_id)

    def mark_uploaded(self, event_ids: Iterable[str]) -> int:
        """Mark events as delivered by a sync; returns how many were newly marked.

        Raises:
            StoreError: the database cannot be written (upload them again later; the
                server de-duplicates on ``event_id``).
        """
        uploaded_at = local_now().isoformat(timespec="microseconds")
        ids = list(dict.fromkeys(event_ids))
        with self._lock:
            self._store.write([])
            with store_errors(self.db_path), self._store.connect().begin() as conn:
                return event_table.set_uploaded(conn, ids, uploaded_at)

    def usage_counts(self) -> dict[str, ItemUsage]:
        """Per item: times opened and helpful / unhelpful votes, by every agent here.

        Feed each to :meth:`KnowledgeBase.record_usage` so popular, helpful items rise.

        Raises:
            StoreError: the database cannot be read.
        """
        with self._lock:
            self._store.write([])
            with store_errors(self.db_path), self._store.connect().connect() as conn:
                return event_table.usage_by_item(conn)
