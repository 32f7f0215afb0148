"""ItemView: one opened item — FAQ answer, fillable script or expert card — with actions.

Every item has helpful / not helpful feedback, "flag a problem", copy, and related
items (same skills or tags). The view only emits signals; the sidebar records them.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from deskmate.core.content.model import Item, ItemKind
from deskmate.core.knowledge_base import Hit
from deskmate.core.search.freshness import STALE_AFTER_DAYS
from deskmate.desktop.expert_card import ExpertCard
from deskmate.desktop.result_list import BADGE_COLOURS, kind_label
from deskmate.desktop.safe_browser import SafeTextBrowser
from deskmate.desktop.script_form import ScriptForm
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)


class ItemView(QWidget):
    """The detail pane of the sidebar."""

    back_requested = Signal()
    copied = Signal(str, bool)  # item id, complete (all placeholders filled)
    feedback = Signal(str, bool)  # item id, helpful
    flag_requested = Signal(str)  # item id
    related_requested = Signal(str)  # item id
    propose_requested = Signal(str)  # item id: the agent proposes a better text
    contacted = Signal(str, bool)  # the open expert was called/emailed/messaged; app opened

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.item: Item | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        top = QHBoxLayout()
        self.back_button = QToolButton()
        self.back_button.setText("←")
        self.back_button.setToolTip(self.tr("Back to results (Esc)"))
        self.back_button.clicked.connect(self.back_requested)
        self._title = QLabel()
        self._title.setWordWrap(True)
        self._title.setObjectName("itemTitle")
        self._title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        top.addWidget(self.back_button, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self._title, 1)
        self.title_row = top  # others add their buttons (e.g. the favourites' ☆)
        layout.addLayout(top)
        self.freshness = QLabel()
        self.freshness.setObjectName("freshness")
        self.freshness.setWordWrap(True)
        layout.addWidget(self.freshness)
        self.guidance = QLabel()
        self.guidance.setObjectName("scriptGuidance")
        self.guidance.setWordWrap(True)
        self.guidance.setTextFormat(Qt.TextFormat.PlainText)  # editors' text: never markup
        self.guidance.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.guidance)

        self._pages = QStackedWidget()
        self.answer = SafeTextBrowser()
        self.script = ScriptForm()
        self.script.copied.connect(self.copied)
        self.expert = ExpertCard()
        self.expert.contacted.connect(self.contacted)
        for page in (self.answer, self.script, self.expert):
            self._pages.addWidget(page)
        layout.addWidget(self._pages, 1)

        actions = QHBoxLayout()
        self.helpful_button = QPushButton(self.tr("Helpful"))
        self.helpful_button.setToolTip(self.tr("This helped"))
        self.helpful_button.clicked.connect(lambda: self._feedback(True))
        self.unhelpful_button = QPushButton(self.tr("Not helpful"))
        self.unhelpful_button.setToolTip(self.tr("This did not help"))
        self.unhelpful_button.clicked.connect(lambda: self._feedback(False))
        self.copy_button = QPushButton(self.tr("Copy"))
        self.copy_button.setToolTip(self.tr("Copy the answer (Ctrl+C)"))
        self.copy_button.clicked.connect(self.copy)
        self.flag_button = QPushButton(self.tr("Flag a problem"))
        self.flag_button.clicked.connect(self._flag)
        for button in (self.helpful_button, self.unhelpful_button):
            button.setCheckable(True)
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.copy_button)
        actions.addWidget(self.flag_button)
        layout.addLayout(actions)

        self._related = QLabel()
        self._related.setWordWrap(True)
        self._related.setObjectName("relatedItems")
        self._related.linkActivated.connect(self.related_requested)
        layout.addWidget(self._related)
        propose = self.tr("Know a better answer? Propose an edit…")
        self.propose_link = QLabel(f"<a href='propose'>{html.escape(propose)}</a>")
        self.propose_link.setObjectName("proposeEdit")
        self.propose_link.linkActivated.connect(self._propose)
        layout.addWidget(self.propose_link)

    def show_item(
        self,
        item: Item,
        skill_names: Mapping[str, str],
        related: Sequence[Hit] = (),
        known_values: dict[str, str] | None = None,
    ) -> None:
        """Show ``item`` with its related items."""
        self.item = item
        colour = BADGE_COLOURS.get(item.kind.value, "#666")
        self._title.setText(
            f'<span style="color:white; background:{colour};">&nbsp;{kind_label(item.kind.value)}'
            f"&nbsp;</span>&nbsp;<b style='font-size:large'>{html.escape(item.title)}</b>"
        )
        if item.kind is ItemKind.SCRIPT:
            self.script.show_item(item, known_values)
            self._pages.setCurrentWidget(self.script)
        elif item.kind is ItemKind.EXPERT:
            self.expert.show_item(item, skill_names)
            self._pages.setCurrentWidget(self.expert)
        else:
            self.answer.show_markdown(item.body)
            self._pages.setCurrentWidget(self.answer)
        self._show_freshness(item)
        guidance = item.guidance.strip() if item.kind is ItemKind.SCRIPT else ""
        self.guidance.setText(
            self.tr("Guidance for you (not for the customer): %1").replace("%1", guidance)
            if guidance
            else ""
        )
        self.guidance.setVisible(bool(guidance))
        self.copy_button.setVisible(item.kind is not ItemKind.SCRIPT)
        self.propose_link.setVisible(item.kind is not ItemKind.EXPERT)
        for button in (self.helpful_button, self.unhelpful_button):
            button.setChecked(False)
        self.show_related(related)

    def show_related(self, related: Sequence[Hit]) -> None:
        """The related items of the item on show (found by a job after it opened)."""
        links = " · ".join(
            f'<a href="{html.escape(h.id)}">{html.escape(h.title)}</a>' for h in related
        )
        self._related.setText(self.tr("Related: ") + links if links else "")
        self._related.setVisible(bool(links))

    def _show_freshness(self, item: Item, now: datetime | None = None) -> None:
        """The line "Verified by 王芳 · 3 days ago", or a stale mark (FAQs and scripts)."""
        if item.kind is ItemKind.EXPERT:
            self.freshness.setVisible(False)
            return
        self.freshness.setVisible(True)
        if item.verified_at is None:
            self.freshness.setText(self.tr("Not verified yet"))
            self._mark_stale(True)
            return
        at = item.verified_at if item.verified_at.tzinfo else item.verified_at.replace(tzinfo=UTC)
        days = max(0, ((now or datetime.now(UTC)) - at).days)
        if days == 0:
            age = self.tr("today")
        elif days == 1:
            age = self.tr("yesterday")
        else:
            age = self.tr("%n days ago", "", days)
        who = item.verified_by or "?"
        if days > STALE_AFTER_DAYS:
            text = self.tr("⚠ Not verified for %n days (last: %1) — check before quoting", "", days)
            self.freshness.setText(text.replace("%1", who))
        else:
            self.freshness.setText(
                self.tr("Verified by %1 · %2").replace("%1", who).replace("%2", age)
            )
        self._mark_stale(days > STALE_AFTER_DAYS)

    def _mark_stale(self, stale: bool) -> None:
        self.freshness.setProperty("stale", stale)
        # Stale in the warning colour of the console; fresh in a quiet green.
        self.freshness.setStyleSheet("color: #b91c1c;" if stale else "color: #047857;")

    def focus_first(self) -> None:
        """Focus where the agent works first: the first script field, else the text."""
        is_script = self.item is not None and self.item.kind is ItemKind.SCRIPT
        field = self.script.first_field() if is_script else None
        (field or self.answer).setFocus()

    def copy(self) -> None:
        """Copy what the agent would paste: the filled script, the answer or the contact."""
        item = self.item
        if item is None:
            return
        if item.kind is ItemKind.SCRIPT:
            self.script.copy()
            return
        if item.kind is ItemKind.EXPERT and item.expert is not None:
            expert = item.expert
            parts = [expert.name, expert.team, expert.phone, expert.extension, expert.email]
            text = " ".join(p for p in parts if p)
        else:
            text = self.answer.toPlainText()
        QGuiApplication.clipboard().setText(text)
        self.copied.emit(item.id, True)

    def _feedback(self, helpful: bool) -> None:
        if self.item is None:
            return
        self.helpful_button.setChecked(helpful)
        self.unhelpful_button.setChecked(not helpful)
        self.feedback.emit(self.item.id, helpful)

    def _propose(self, _link: str) -> None:
        if self.item is not None:
            self.propose_requested.emit(self.item.id)

    def _flag(self) -> None:
        if self.item is not None:
            self.flag_requested.emit(self.item.id)
