"""QueryShown: put a query in the sidebar's box and hear once its results are on screen.

The context pop and the clipboard suggestions both show a query that did not come from
the keyboard and then report (in the log the X11 tests and benchmarks read) when its
results are painted. Both wait for the same thing: the newest search's rows, not those
of a search the new text replaced, and not the "preparing the index" state.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer

if TYPE_CHECKING:
    from deskmate.desktop.sidebar import SidebarWindow


class QueryShown(QObject):
    """Shows queries in ``window`` and calls ``on_painted(request)`` once each is painted.

    Args:
        window: The sidebar.
        on_painted: Called with the sidebar's request number after the rows of the query
            shown last are painted (a queued call: it runs after the repaint the new rows
            queued, so a time taken there is when they are on screen).
    """

    def __init__(self, window: SidebarWindow, on_painted: Callable[[int], None]) -> None:
        super().__init__(window)
        self.window = window
        self._on_painted = on_painted
        self._awaiting = False
        window.results_painted.connect(self._painted)

    def show(self, query: str) -> None:
        """Put ``query`` in the search box; ``on_painted`` follows once its rows show."""
        self._awaiting = True
        self.window.show_query(query)
        # The same text as already shown starts no new search: it is on screen now.
        self._painted(self.window.painted_request)

    def _painted(self, request: int) -> None:
        window = self.window
        if not self._awaiting or request != window.runner.latest:
            return
        if not window.index_progress.isHidden():
            return  # "preparing the index": the real results follow once it is ready
        self._awaiting = False
        QTimer.singleShot(0, self, lambda: self._on_painted(request))
