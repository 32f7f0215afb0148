"""HistoryView: the agent's own recent activity, newest first."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from deskmate.core.activity.events import ConsultationEvent, EventKind
from deskmate.core.content.model import Item
from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)


def event_label(kind: str) -> str:
    """Translated verb of an event kind."""
    labels = {
        EventKind.SEARCH: QCoreApplication.translate("HistoryView", "Searched"),
        EventKind.NO_RESULT: QCoreApplication.translate("HistoryView", "Found nothing for"),
        EventKind.NOTHING_OPENED: QCoreApplication.translate(
            "HistoryView", "Opened none of the results for"
        ),
        EventKind.OPEN: QCoreApplication.translate("HistoryView", "Opened"),
        EventKind.COPY: QCoreApplication.translate("HistoryView", "Copied"),
        EventKind.FEEDBACK: QCoreApplication.translate("HistoryView", "Rated"),
        EventKind.GAP: QCoreApplication.translate("HistoryView", "Flagged a gap"),
    }
    return labels.get(EventKind(kind), kind)


def contact_label(event: ConsultationEvent, item: Item | None) -> str:
    """A contact event in words, with the expert's name and team: "Called 王芳 (账单与退款组)".

    "Tried to call …" when no app opened the link (the contact is recorded all the same).
    """
    translate = QCoreApplication.translate
    if event.detail.get("opened") is False:
        verbs = {
            "phone": translate("HistoryView", "Tried to call"),
            "email": translate("HistoryView", "Tried to email"),
            "im": translate("HistoryView", "Tried to message"),
        }
    else:
        verbs = {
            "phone": translate("HistoryView", "Called"),
            "email": translate("HistoryView", "Emailed"),
            "im": translate("HistoryView", "Messaged"),
        }
    channel = str(event.detail.get("channel", ""))
    verb = verbs.get(channel, translate("HistoryView", "Contacted"))
    expert = item.expert if item is not None else None
    who = f"{expert.name} ({expert.team})" if expert else (event.item_id or "")
    return f"{verb} {who}"


class HistoryView(QWidget):
    """A list of events; activating one with an item opens it."""

    back_requested = Signal()
    open_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        top = QHBoxLayout()
        back = QToolButton()
        back.setText("←")
        back.clicked.connect(self.back_requested)
        top.addWidget(back)
        top.addWidget(QLabel(self.tr("<b>My recent activity</b>")), 1)
        layout.addLayout(top)
        self.list = QListWidget()
        self.list.setObjectName("historyList")
        self.list.setWordWrap(True)
        self.list.itemActivated.connect(self._activate)
        layout.addWidget(self.list, 1)

    def show_events(
        self, events: Sequence[ConsultationEvent], items: Mapping[str, Item | None]
    ) -> None:
        """Fill the list from the consultation record and the items its events name."""
        self.list.clear()
        for event in events:
            found = items.get(event.item_id) if event.item_id else None
            stamp = datetime.fromisoformat(event.occurred_at).strftime("%m-%d %H:%M")
            row = QListWidgetItem(f"{stamp}  {self._describe(event, found)}")
            row.setData(Qt.ItemDataRole.UserRole, event.item_id)
            self.list.addItem(row)
        if not events:
            self.list.addItem(self.tr("Nothing yet: what you search and open appears here."))

    def _describe(self, event: ConsultationEvent, item: Item | None) -> str:
        if event.kind == EventKind.CONTACT:
            return contact_label(event, item)
        what = event.query
        if event.item_id:
            what = item.title if item else event.item_id
        extra = ""
        if event.kind == EventKind.FEEDBACK:
            helpful = bool(event.detail.get("helpful"))
            extra = self.tr(" (helpful)") if helpful else self.tr(" (not helpful)")
        elif event.kind == EventKind.SEARCH and event.result_count is not None:
            extra = self.tr(" (%n result(s))", "", event.result_count)
        elif event.kind == EventKind.OPEN and event.dwell_ms:
            extra = f" ({event.dwell_ms / 1000:.0f} s)"
        elif event.kind == EventKind.NOTHING_OPENED and event.result_count:
            # Results were there: say how many, so it never reads as "found nothing".
            return self.tr(
                "Looked at %n result(s) for “%1” and opened none", "", event.result_count
            ).replace("%1", what)
        return f"{event_label(event.kind)}: {what}{extra}"

    def _activate(self, row: QListWidgetItem) -> None:
        item_id = row.data(Qt.ItemDataRole.UserRole)
        if item_id:
            self.open_requested.emit(item_id)
