"""ActivityRecorder: writes the consultation record off the UI thread, in order.

A locked database can make a write wait for its busy timeout; the agent's typing
must not. Calls are queued to one worker thread, so events keep their order, and
``ConsultationLog`` spools anything the database refuses, so nothing is lost.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

from deskmate.core.activity.consultation_log import ConsultationLog
from deskmate.core.activity.events import ConsultationEvent, GapFlag
from deskmate.core.content.model import Item
from deskmate.core.errors import DeskmateError
from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)
_T = TypeVar("_T")


class ActivityRecorder(QObject):
    """Asynchronous front of a :class:`ConsultationLog`."""

    problem = Signal(str)  # a plain sentence when events had to be kept aside
    gap_recorded = Signal()  # a gap flag is in the record: worth sending right away

    def __init__(self, consultation_log: ConsultationLog, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.log = consultation_log
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="deskmate-activity")

    def _submit(self, call: Callable[[], _T]) -> Future[_T]:
        def run() -> _T:
            try:
                result = call()
            except DeskmateError as exc:  # the log spools; this is the last resort
                log.exception("could not record activity: %s", exc.message)
                self.problem.emit(exc.message)
                raise
            if self.log.last_problem:
                self.problem.emit(self.log.last_problem)
            return result

        return self._pool.submit(run)

    def set_case(self, case: str) -> None:
        """Link events recorded from now on to a CRM case ("" clears).

        Queued like the events, so those made before the change keep the old case.
        """

        def change() -> None:
            self.log.case = case

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

        return self._submit(record)

    def contact(self, item: Item, channel: str, opened: bool) -> Future[ConsultationEvent]:
        """An expert called, emailed or messaged from the card (``opened``: an app took it)."""
        return self._submit(lambda: self.log.record_contact(item, channel, opened=opened))

    def recent(self, limit: int = 50) -> list[ConsultationEvent]:
        """The agent's recent history (waits for queued writes first)."""
        return self._pool.submit(lambda: self.log.recent(limit)).result()

    def flush(self) -> None:
        """Wait until every queued event is written (or spooled)."""
        self._pool.submit(lambda: None).result()

    def close(self) -> None:
        """Write what is queued, then close the log."""
        self._pool.shutdown(wait=True)
        self.log.close()
