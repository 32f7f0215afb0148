"""SearchSession: when a typed query counts as a search, and how the search ended.

A query unchanged for :data:`SETTLE_MS` is a search the agent made (recorded with the
number of results on screen); a refined query replaces the previous one. When the box is
cleared, the sidebar hides or the app quits, the session ends: a search that returned
nothing is a ``no_result`` (an implicit gap), results shown and left unopened are
``nothing_opened`` (a weaker sign: the snippet may have answered). Moved out of the
sidebar window (issue #18) unchanged.
"""

from __future__ import annotations

from collections.abc import Callable

from deskmate.desktop.activity_recorder import ActivityRecorder
from PySide6.QtCore import QObject, QTimer

SETTLE_MS = 1200  # a query unchanged this long counts as a search the agent made


class SearchSession(QObject):
    """The recording side of the search box.

    Args:
        recorder: Where searches and their endings are recorded.
        query: The box's text now (the window's, read when needed).
    """

    def __init__(
        self, recorder: ActivityRecorder, query: Callable[[], str], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._recorder = recorder
        self._query = query
        self.recorded_query = ""
        self.recorded_count = 0  # the results the recorded search showed
        self.opened_since_search = False
        self.last_count = 0
        self.last_text = ""  # the text whose results are on screen (counted in last_count)
        self.record_when_painted = False  # settled before its results arrived
        self.settle = QTimer(self, singleShot=True, interval=SETTLE_MS)
        self.settle.timeout.connect(self.record)

    def typed(self) -> None:
        """The text changed: it counts once it stays unchanged a moment."""
        self.settle.start()

    def painted(self, text: str, count: int) -> None:
        """The results of ``text`` (``count`` of them) are on screen."""
        self.last_count = count
        self.last_text = text
        if self.record_when_painted and text == self._query():
            self.record()

    def record(self, *, wait_for_count: bool = True) -> None:
        """Record the box's query as a search (once per distinct query)."""
        query = self._query().strip()
        if not query or query == self.recorded_query:
            return
        if wait_for_count and self.last_text != self._query():
            # Settled before this text's results arrived: the count on screen belongs to
            # an older text, so wait for the right one rather than record a wrong count.
            self.record_when_painted = True
            return
        self.record_when_painted = False
        # A refined query replaces the previous one; only the session's end counts.
        self._recorder.search(query, self.last_count)
        self.recorded_query = query
        self.recorded_count = self.last_count
        self.opened_since_search = False

    def opened(self) -> None:
        """An item was opened from the list on screen.

        Even if the list is an older text's, that search counts, and it did not end with
        nothing opened.
        """
        self.settle.stop()
        self.record(wait_for_count=False)
        self.opened_since_search = True

    def end(self) -> None:
        """Record how the session's search ended when nothing was opened."""
        if self.recorded_query and not self.opened_since_search:
            if self.recorded_count:
                self._recorder.nothing_opened(self.recorded_query, self.recorded_count)
            else:
                self._recorder.no_result(self.recorded_query)
        self.recorded_query = ""
        self.record_when_painted = False
        self.opened_since_search = True
