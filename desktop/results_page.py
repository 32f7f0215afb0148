"""ResultsPage: the hit list with its section heading and the nothing-found message.

The nothing-found message sits at the top, right under the search box and its filters,
with the empty list hidden: at the bottom of an empty list (where it was) the agent's
eyes, on the box, did not find it.
"""

from __future__ import annotations

import html

from deskmate.core.knowledge_base import Hit
from deskmate.desktop.result_list import HitDelegate, HitListModel
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QListView, QVBoxLayout, QWidget


class ResultsPage(QWidget):
    """What the sidebar shows while searching, and for the empty box."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.section_label = QLabel()
        self.section_label.setObjectName("sectionLabel")
        self.model = HitListModel(self)
        self.results = QListView()
        self.results.setObjectName("results")
        self.results.setModel(self.model)
        self.delegate = HitDelegate(self.results, self.model)
        self.results.setItemDelegate(self.delegate)
        self.results.setUniformItemSizes(True)  # see HitDelegate.sizeHint
        self.results.setWordWrap(True)
        self.empty_label = QLabel()
        self.empty_label.setObjectName("emptyLabel")
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.empty_label.setStyleSheet(
            "QLabel#emptyLabel { background: palette(alternate-base); padding: 6px;"
            " border-left: 3px solid #d97706; }"
        )
        layout.addWidget(self.section_label)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.results, 1)
        layout.addStretch(0)  # takes the room of the list while it is hidden

    def show_hits(self, hits: list[Hit], why_empty: str, offer_gap: bool = True) -> None:
        """Search results; when there are none, ``why_empty`` and what the agent can do.

        ``offer_gap`` False: no gap or proposal links (nothing was searched, e.g. the index
        is still being prepared).
        """
        self.model.set_hits(hits)
        self.section_label.hide()
        self.results.setVisible(bool(hits))
        if hits:
            self.results.setCurrentIndex(self.model.index(0))
            self.empty_label.hide()
        elif not offer_gap:
            self.empty_label.setText(html.escape(why_empty))
            self.empty_label.show()
        else:
            link = self.tr("Record a knowledge gap")
            propose = self.tr("Propose an answer")
            self.empty_label.setText(
                f"{html.escape(why_empty)}<br><a href='gap'>{link}</a> · "
                f"<a href='propose'>{propose}</a>"
            )
            self.empty_label.show()
        self.results.viewport().repaint()

    def show_section(self, hits: list[Hit], heading: str) -> None:
        """A list under a heading (the empty box's recent and frequent items)."""
        self.model.set_hits(hits)
        self.section_label.setText(heading)
        self.section_label.show()
        self.results.show()
        self.empty_label.hide()
