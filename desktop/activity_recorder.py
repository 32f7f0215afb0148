"""ActivityRecorder: writes the consultation record as writer-lane jobs, in order.

A locked database can make a write wait for its busy timeout; the agent's typing
must not. Calls go to the job runner's writer lane (one thread, so events keep their
order) and are kept on quit (the lane finishes them before it stops). ``ConsultationLog``
spools anything the database refuses; a call that fails with a bug (an unexpected
exception) is kept here and tried again before the next write and on close, so no event
the agent made is lost to it. Problems reach the agent in their words, never as raw text.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

from deskmate.core.activity.consultation_log import ConsultationLog
from deskmate.core.activity.events import ConsultationEvent, GapFlag
from deskmate.core.content.model import Item
from deskmate.core.errors import DeskmateError
from deskmate.desktop.error_wording import wording
from deskmate.desktop.jobs import JobContext, JobRunner, Lane
from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)
_T = TypeVar("_T")


class ActivityRecorder(QObject):
    """Asynchronous front of a :class:`ConsultationLog`.

    Args:
        consultation_log: The record.
        parent: The Qt parent.
        jobs: The app's job runner (None: one of its own, stopped by :meth:`close`).

    Signals:
        problem(str): events had to be kept aside (a translated sentence).
        gap_recorded: a gap flag is in the record: worth sending right away.
    """

    problem = Signal(str)
    gap_recorded = Signal()

    def __init__(
        self,
        consultation_log: ConsultationLog,
        parent: QObject | None = None,
        jobs: JobRunner | None = None,
    ) -> None:
        super().__init__(parent)
        self.log = consultation_log
        self._owns_jobs = jobs is None
        self._jobs = jobs if jobs is not None else JobRunner()
        self._unsaved: list[Callable[[], Any]] = []  # writer lane only
        self._writer: threading.Thread | None = None

    def _submit(
        self, call: Callable[[], _T], kind: str = "record", *, writes: bool = True
    ) -> Future[_T]:
        future: Future[_T] = Future()

        def run(_ctx: JobContext) -> None:
            self._writer = threading.current_thread()
            self._retry_unsaved()
            try:
                result = call()
            except DeskmateError as exc:  # the log spools; this is the last resort
                future.set_exception(exc)
                raise
            except Exception as exc:
                # A bug: keep the call to try again, and let the runner log it and
                # show the apology.
                self._unsaved.append(call)
                future.set_exception(exc)
                raise
            future.set_result(result)
            error = self.log.last_error
            if writes and error is not None:
                self.problem.emit(self._kept_aside(error))

        self._jobs.submit(kind, run, lane=Lane.WRITER, keep_on_quit=True)
        return future

    def _retry_unsaved(self) -> None:
        while self._unsaved:
            call = self._unsaved[0]
            call()  # fails again: stays first, and this job reports it
            self._unsaved.pop(0)

    def _kept_aside(self, error: DeskmateError) -> str:
        return self.tr("%1 Your activity is kept aside and saved when this is fixed.").replace(
            "%1", wording(error)
        )

    def set_case(self, case: str) -> None:
        """Link events recorded from now on to a CRM case ("" clears).

        Queued like the events, so those made before the change keep the old case.
        """

        def change() -> None:
            self.log.case = case

        self._submit(change)

    def set_query_source(self, source: str) -> None:
        """Mark queries recorded from now on as copied or pasted ("" for typed).

        Queued like :meth:`set_case`: events made before keep their source. Queries of a
        local-only source are kept here and left out of the upload (issue #18).
        """

        def change() -> None:
            self.log.query_source = source

        self._submit(change)

    def search(self, query: str, result_count: int) -> None:
        """A search the agent settled on."""
        self._submit(lambda: self.log.record_search(query, result_count))

    def no_result(self, query: str) -> None:
        """A search that returned nothing (an implicit gap)."""
        self._submit(lambda: self.log.record_no_result(query, 0))

    def nothing_opened(self, query: str, result_count: int) -> None:
        """A search whose results were shown and left without opening one."""
        self._submit(lambda: self.log.record_nothing_opened(query, result_count))

    def open(self, item_id: str, query: str) -> Future[ConsultationEvent]:
        """An item opened; keep the future to report its dwell time."""
        return self._submit(lambda: self.log.record_open(item_id, query))

    def dwell(self, opened: Future[ConsultationEvent], dwell_ms: int) -> None:
        """How long an opened item stayed on screen."""
        # Runs after the open on the same worker thread, so the future is done.
        self._submit(lambda: self.log.record_dwell(opened.result().event_id, dwell_ms))

    def copy(self, item_id: str, filled: bool) -> None:
        """An answer, script or contact copied."""
        self._submit(lambda: self.log.record_copy(item_id, filled))

    def feedback(self, item_id: str, helpful: bool) -> None:
        """Helpful / not helpful."""
        self._submit(lambda: self.log.record_feedback(item_id, helpful))

    def gap(self, flag: GapFlag) -> Future[ConsultationEvent]:
        """A gap flag (explicit); ``gap_recorded`` follows once it is in the record."""

        def record() -> ConsultationEvent:
            event = self.log.record_gap(flag)
            self.gap_recorded.emit()
            return event

        return self._submit(record, "record-gap")

    def contact(self, item: Item, channel: str, opened: bool) -> Future[ConsultationEvent]:
        """An expert called, emailed or messaged from the card (``opened``: an app took it)."""
        return self._submit(lambda: self.log.record_contact(item, channel, opened=opened))

    def recent(self, limit: int = 50) -> list[ConsultationEvent]:
        """The agent's recent history (waits for queued writes first)."""
        if threading.current_thread() is self._writer:
            return self.log.recent(limit)  # on the writer lane: everything before is written
        return self._submit(lambda: self.log.recent(limit), "history", writes=False).result()

    def flush(self) -> None:
        """Wait until every queued event is written (or spooled)."""
        self._submit(lambda: None, "flush", writes=False).result()

    def close(self) -> None:
        """Write what is queued (and what a bug kept back), then close the log."""
        if self._owns_jobs:
            self._jobs.shutdown(timeout=5)
        if self._unsaved:
            try:
                self._retry_unsaved()
            except Exception:  # quitting: nothing left to show it to
                log.exception("%d activity records could not be saved", len(self._unsaved))
        self.log.close()
