"""The context pop: a CRM's query and case reach the sidebar, and the case travels.

A :class:`ContextRequest` (from ``deskmate search --show`` or a ``deskmate://`` link,
through the single-instance channel) summons the sidebar with the query in the box
and its results shown. Its case shows in a small header with a clear button, and every
event recorded while it is set carries it (``detail["case"]``) until the agent clears
it or another case arrives.

A request arriving while one of Deskmate's dialogs is open (settings, a proposal, or the
gap dialog the agent may be typing a note in) is queued and applied once the dialog
closes: typing into the search box behind a dialog would be invisible, raising the
sidebar would take the keyboard from the agent mid-sentence, and a new case must not
slip into a gap flag that belongs to the previous call. The newest queued request wins.

Once the pop's results are on screen (the index ready, the newest search painted) one
line is logged with the time, the result count and whether the case header shows; the
X11 tests and ``benchmarks/context_pop.py`` read it from outside the process.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from deskmate.core.context_request import ContextRequest
from deskmate.desktop.activity_recorder import ActivityRecorder
from deskmate.desktop.query_shown import QueryShown
from deskmate.desktop.sidebar import SidebarWindow
from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QToolButton,
    QWidget,
)

log = logging.getLogger(__name__)
MODAL_POLL_MS = 200
PAINTED_LOG = "context pop painted at"  # what tests and the benchmark wait for


def dialog_open() -> bool:
    """Whether a modal dialog or any visible Deskmate dialog window is open."""
    if QApplication.activeModalWidget() is not None:
        return True
    return any(isinstance(w, QDialog) and w.isVisible() for w in QApplication.topLevelWidgets())


class CaseHeader(QWidget):
    """The current case ("Case: CASE-123 ×") above the results; hidden when none is set."""

    clear_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("caseHeader")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(2, 0, 2, 0)
        self.label = QLabel()
        self.label.setObjectName("caseLabel")
        # Plain text: the case comes from outside (validated, but never markup).
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.clear_button = QToolButton()
        self.clear_button.setObjectName("caseClear")
        self.clear_button.setText("×")
        self.clear_button.setToolTip(self.tr("Clear the case: later activity is not linked to it"))
        self.clear_button.setAutoRaise(True)
        self.clear_button.clicked.connect(self.clear_requested)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.clear_button)
        self.hide()

    def show_case(self, case: str) -> None:
        """Show ``case``, or hide the header for ""."""
        self.label.setText(self.tr("Case: %1").replace("%1", case))
        self.setVisible(bool(case))


class ContextPop(QObject):
    """Applies context requests to the sidebar and keeps the current case."""

    applied = Signal(object)  # the ContextRequest, once the sidebar shows it
    painted = Signal(int)  # the sidebar's request number, once the pop's results show

    def __init__(
        self,
        window: SidebarWindow,
        recorder: ActivityRecorder,
        summon: Callable[[], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.window = window
        self.recorder = recorder
        self._summon = summon
        self._case = ""
        self.pending: ContextRequest | None = None
        self.header = CaseHeader()
        self.header.clear_requested.connect(self.clear_case)
        window.add_header(self.header)
        self._wait = QTimer(self, interval=MODAL_POLL_MS)
        self._wait.timeout.connect(self._apply_pending)
        self._shown = QueryShown(window, self._log_painted)

    @property
    def case(self) -> str:
        """The current case ("" for none)."""
        return self._case

    def apply(self, request: ContextRequest) -> None:
        """Show ``request`` now, or once the open modal dialog closes."""
        if dialog_open():
            log.info("context pop queued until the dialog closes: %s", request.describe())
            self.pending = request
            self._wait.start()
            return
        log.info("context pop: %s", request.describe())
        if request.case:
            self.set_case(request.case)
        self._summon()
        if request.query:
            self._shown.show(request.query)
        self.applied.emit(request)

    def _log_painted(self, request: int) -> None:
        window = self.window
        log.info(
            "%s %.3f (epoch seconds): %d results, case header %s",
            PAINTED_LOG,
            time.time(),
            window.model.rowCount(),
            "hidden" if self.header.isHidden() else "shown",
        )
        self.painted.emit(request)

    def _apply_pending(self) -> None:
        if dialog_open() or self.pending is None:
            return
        self._wait.stop()
        request, self.pending = self.pending, None
        self.apply(request)

    def set_case(self, case: str) -> None:
        """Link later activity to ``case`` ("" clears); shown in the header."""
        self._case = case
        self.recorder.set_case(case)
        self.header.show_case(case)

    def clear_case(self) -> None:
        """The agent's × on the header: later activity is not linked to a case."""
        self.set_case("")
        self.window.search_box.setFocus()
