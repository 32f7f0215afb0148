"""DurableWrite: the consultation record's write path, database first, side file second.

Events go to the ``consultation_events`` table of the knowledge base's own SQLite file.
When the database refuses a write (locked for longer than the busy timeout, read-only,
disk full, not openable) the entries go to a side file instead
(:mod:`deskmate.core.activity.spool`); the next write that works first moves the side
file's entries into the table. :class:`~deskmate.core.activity.consultation_log.
ConsultationLog` builds the events; this class only makes sure none is lost.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from deskmate.core.activity import event_table
from deskmate.core.activity.spool import EventSpool, SpoolEntry
from deskmate.core.errors import (
    DiskFullError,
    StoreCorruptError,
    StoreError,
    StoreLockedError,
    StoreOpenError,
    StoreReadOnlyError,
)
from deskmate.core.store.database import DB_FILE, open_engine, store_errors
from sqlalchemy import Engine, event

__all__ = ["DurableWrite"]

log = logging.getLogger(__name__)


def _why(exc: StoreError) -> tuple[str, str]:
    """Why the database refused, and when the side file will be emptied, in plain words."""
    if isinstance(exc.__cause__, OSError):
        return "the data folder cannot be written", "when it can be written again"
    if isinstance(exc, DiskFullError):
        return "the disk is full", "when some space has been freed"
    if isinstance(exc, StoreReadOnlyError):
        return "the database is read-only", "when the database is writable again"
    if isinstance(exc, StoreLockedError):
        return "the database is busy with another program", "as soon as it is free again"
    if isinstance(exc, (StoreOpenError, StoreCorruptError)):
        return "the database cannot be opened", "when it can be opened again"
    return "the database cannot be written", "when it can be written again"


class DurableWrite:
    """The database of one data directory, with the side file as its fallback. Thread-safe.

    Args:
        data_dir: The data directory holding the knowledge base database.
        busy_timeout_ms: How long a write waits for a database locked by another
            connection before its entries go to the side file (None: the store's 5 s).
    """

    def __init__(self, data_dir: Path, busy_timeout_ms: int | None = None) -> None:
        self.data_dir = data_dir
        self.db_path = data_dir / DB_FILE
        self._busy_timeout_ms = busy_timeout_ms
        self._engine: Engine | None = None
        self._spool = EventSpool(data_dir)
        self._problem: str | None = None
        self._error: StoreError | None = None  # the coded cause of ``_problem``
        #: Held by every reader and writer of the record (re-entrant: a read writes first).
        self.lock = threading.RLock()

    @property
    def engine(self) -> Engine | None:
        """The open database engine, or None while the database has not been opened."""
        return self._engine

    @property
    def problem(self) -> str | None:
        """A plain sentence about why entries wait outside the database, or None."""
        return self._problem

    @property
    def error(self) -> StoreError | None:
        """The coded error behind :attr:`problem`, or None."""
        return self._error

    def waiting(self) -> int:
        """How many entries wait outside the database (in the side file or in memory)."""
        return len(self._spool)

    def open_failed(self, exc: StoreError) -> None:
        """Note that the database could not be opened at all: entries go to the side file."""
        log.warning("consultation record cannot open %s: %s", self.db_path, exc)
        reason, until = _why(exc)
        self._error = exc
        self._problem = (
            f"Your activity will be kept in a side file because {reason}; it will be saved {until}."
        )

    def close(self) -> None:
        """Release the database; try once more to save entries only kept in memory."""
        with self.lock:
            if self._spool.in_memory:
                self.write([])
            if self._spool.in_memory:
                log.error(
                    "%d consultation events could not be saved anywhere and are lost",
                    self._spool.in_memory,
                )
            if self._engine is not None:
                self._engine.dispose()
                self._engine = None

    def waiting_entries(self) -> list[SpoolEntry]:
        """The entries in the side file now (none when it cannot be read)."""
        if not len(self._spool):
            return []
        try:
            entries, _damaged = self._spool.read()
        except OSError:
            return []
        return entries

    def connect(self) -> Engine:
        """The database engine, opened (and the store migrated) on first use.

        Raises:
            StoreError: the database cannot be opened.
        """
        if self._engine is None:
            try:
                engine = open_engine(self.db_path)
            except OSError as exc:  # the data folder itself cannot be created
                raise StoreError(
                    f"The data folder {self.data_dir} cannot be created ({exc.strerror}).",
                    path=str(self.db_path),
                ) from exc
            if self._busy_timeout_ms is not None:
                timeout = int(self._busy_timeout_ms)

                def _set_timeout(dbapi_conn: Any, _record: Any) -> None:
                    dbapi_conn.execute(f"PRAGMA busy_timeout={timeout}")

                event.listen(engine, "connect", _set_timeout)
                engine.dispose()  # pooled connections were made without the new timeout
            self._engine = engine
        return self._engine

    def write(self, entries: Sequence[SpoolEntry]) -> None:
        """Write the side file's entries, then ``entries``, in one transaction.

        On a database failure ``entries`` go to the side file instead; never raises
        for that.
        """
        with self.lock:
            backlog: list[SpoolEntry] = []
            damaged: list[str] = []
            backlog_read = False
            backlog_problem: str | None = None
            if len(self._spool):
                try:
                    backlog, damaged = self._spool.read()
                    backlog_read = True
                except OSError as exc:
                    log.warning("cannot read %s: %s", self._spool.path, exc)
                    backlog_problem = (
                        f"Some earlier activity is waiting in {self._spool.path}, which "
                        f"cannot be read ({exc.strerror}); check the file's permissions."
                    )
            if backlog or entries:
                try:
                    engine = self.connect()
                    with store_errors(self.db_path), engine.begin() as conn:
                        event_table.write_entries(conn, [*backlog, *entries])
                except StoreError as exc:
                    if self._engine is not None:
                        # A connection SQLite opened read-only stays read-only after the
                        # file becomes writable: reconnect next time.
                        self._engine.dispose()
                    self._spool_after_failure(entries, exc)
                    return
            if backlog_read:
                if backlog:
                    log.info("moved %d waiting consultation entries to the database", len(backlog))
                try:
                    self._spool.clear(damaged)
                except OSError as exc:
                    # Harmless: the entries are in the table and writing them again is a no-op.
                    log.warning("cannot empty %s: %s", self._spool.path, exc)
            self._problem = backlog_problem
            self._error = (
                StoreError(backlog_problem, path=str(self._spool.path)) if backlog_problem else None
            )

    def _spool_after_failure(self, entries: Sequence[SpoolEntry], exc: StoreError) -> None:
        log.warning("consultation record kept in the side file: %s", exc)
        # With no new entries this still retries moving memory-only entries to the file.
        on_disk = self._spool.keep(entries)
        reason, until = _why(exc)
        self._error = exc
        if on_disk:
            self._problem = (
                f"Your activity is being kept in a side file because {reason}; "
                f"it will be saved {until}."
            )
        else:
            self._problem = (
                f"Your activity cannot be saved right now because {reason} and the side "
                f"file {self._spool.path} cannot be written either. It is kept in memory "
                f"and will be saved {until}, unless Deskmate is closed first."
            )
