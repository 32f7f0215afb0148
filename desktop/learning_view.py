"""LearningView: "My learning" — the agent's own profile, from the last sync, offline too.

Notices, assignments (overdue in red, with their time window, "mark done"),
recommended items (the first few; each skill lists its own) and the skills with the
largest gap first (level against target as a bar, the reasons beneath, items to read,
the agent's own rating 1–5). What the agent changes shows at
once as "waiting to sync". The view only shows a :class:`LearningSnapshot` and emits
signals; :class:`~deskmate.desktop.learning_controller.LearningController` does the rest.
"""

from __future__ import annotations

import html
from datetime import date
from enum import StrEnum

from deskmate.core.learning import Assignment, LearningProfile, LearningSnapshot
from deskmate.desktop.learning_cards import AssignmentCard, SkillCard
from deskmate.desktop.local_time import local_time
from deskmate.desktop.result_list import kind_label
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

MAX_NOTICES = 5
MAX_RECOMMENDED = 5  # the rest are listed under their skills


class Connection(StrEnum):
    """How the last sync went, for the view's status line."""

    ONLINE = "online"
    OFFLINE = "offline"
    SIGNED_OUT = "signed_out"
    NO_SERVER = "no_server"
    FAILED = "failed"


class LearningView(QWidget):
    """The "My learning" page of the sidebar.

    Signals:
        back_requested: Esc or the back arrow.
        open_requested(str): an item to open (recommendation, assignment, notice).
        assess_requested(str, int): the agent rated themselves in a skill.
        done_requested(int): the agent marked an assignment done.
        propose_requested: "Propose an answer…".
        sync_requested: "Sync now".
    """

    back_requested = Signal()
    open_requested = Signal(str)
    assess_requested = Signal(str, int)
    done_requested = Signal(int)
    propose_requested = Signal()
    sync_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("learningView")
        self.snapshot: LearningSnapshot | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        top = QHBoxLayout()
        back = QToolButton()
        back.setText("←")
        back.setToolTip(self.tr("Back (Esc)"))
        back.clicked.connect(self.back_requested)
        top.addWidget(back)
        top.addWidget(QLabel(self.tr("<b>My learning</b>")), 1)
        self.sync_button = QToolButton()
        self.sync_button.setText(self.tr("Sync now"))
        self.sync_button.clicked.connect(self.sync_requested)
        top.addWidget(self.sync_button)
        layout.addLayout(top)
        self.status = QLabel()
        self.status.setObjectName("learningStatus")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QScrollArea.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout.addWidget(self.scroll_area, 1)
        self.propose_button = QPushButton(self.tr("Propose an answer…"))
        self.propose_button.setObjectName("proposeAnswer")
        self.propose_button.clicked.connect(self.propose_requested)
        layout.addWidget(self.propose_button)
        self.skill_cards: list[SkillCard] = []
        self.assignment_cards: list[AssignmentCard] = []
        self.status.setText(self.tr("Loading…"))

    def show_snapshot(
        self, snapshot: LearningSnapshot, connection: Connection, today: date | None = None
    ) -> None:
        """Show ``snapshot``; ``connection`` says how the last sync went."""
        self.snapshot = snapshot
        self.status.setText(self._status_text(snapshot, connection))
        content = QWidget()
        content.setObjectName("learningContent")
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 0, 4, 0)
        self.skill_cards, self.assignment_cards = [], []
        profile = snapshot.profile
        if profile is not None:
            self._add_notices(column, profile)
            self._add_assignments(column, snapshot, profile, today or date.today())
            self._add_recommendations(column, profile)
            self._add_skills(column, snapshot, profile)
        column.addStretch(1)
        old = self.scroll_area.takeWidget()
        if old is not None:
            old.deleteLater()
        self.scroll_area.setWidget(content)

    # -- the status line -----------------------------------------------------------------

    def _status_text(self, snapshot: LearningSnapshot, connection: Connection) -> str:
        if snapshot.profile is None:
            return self._empty_text(snapshot, connection)
        parts = []
        if snapshot.checked_at:
            parts.append(self.tr("Last updated %1").replace("%1", local_time(snapshot.checked_at)))
        if snapshot.profile.role_name:
            parts.append(self.tr("Role: %1").replace("%1", snapshot.profile.role_name))
        lines = [" · ".join(parts)]
        notes = {
            Connection.OFFLINE: self.tr("Offline: this is your profile as last synced."),
            Connection.SIGNED_OUT: self.tr(
                "Sign in again (Settings → Account) to update it; this is the last synced one."
            ),
            Connection.FAILED: self.tr("The last sync failed; this is the last synced profile."),
            Connection.NO_SERVER: self.tr("No server is set; this is the last synced profile."),
        }
        if connection in notes:
            lines.append(notes[connection])
        waiting = (
            len(snapshot.pending_levels) + len(snapshot.pending_done) + snapshot.pending_proposals
        )
        if waiting:
            lines.append(self.tr("Changes waiting for the next sync: %n", "", waiting))
        return "<br>".join(html.escape(line) for line in lines if line)

    def _empty_text(self, snapshot: LearningSnapshot, connection: Connection) -> str:
        if snapshot.unsupported:
            text = self.tr("Your server does not offer learning profiles yet.")
        elif connection is Connection.NO_SERVER:
            text = self.tr(
                "Learning profiles come from your team's server. Set its address in "
                "Settings to see yours."
            )
        elif connection is Connection.SIGNED_OUT:
            text = self.tr("Sign in (Settings → Account) and sync to see your learning profile.")
        elif connection is Connection.OFFLINE:
            text = self.tr(
                "Offline: your learning profile appears after the first sync with the server."
            )
        else:
            text = self.tr("Your learning profile appears after the next sync.")
        return html.escape(text)

    # -- sections ------------------------------------------------------------------------

    def _header(self, column: QVBoxLayout, text: str) -> None:
        label = QLabel(f"<b>{html.escape(text)}</b>")
        label.setObjectName("learningSection")
        label.setContentsMargins(0, 8, 0, 2)
        column.addWidget(label)

    def _add_notices(self, column: QVBoxLayout, profile: LearningProfile) -> None:
        if not profile.notices:
            return
        self._header(column, self.tr("Notices"))
        for notice in profile.notices[:MAX_NOTICES]:
            text = html.escape(notice.text)
            if notice.item_id:
                open_text = self.tr("Open")
                text += f" <a href='{html.escape(notice.item_id)}'>{open_text}</a>"
            label = QLabel(f"· {text}")
            label.setObjectName(f"notice:{notice.id}")
            label.setWordWrap(True)
            label.linkActivated.connect(self.open_requested)
            column.addWidget(label)

    def _add_assignments(
        self,
        column: QVBoxLayout,
        snapshot: LearningSnapshot,
        profile: LearningProfile,
        today: date,
    ) -> None:
        if not profile.assignments:
            return
        self._header(column, self.tr("Assignments"))

        def order(a: Assignment) -> tuple[bool, str]:  # open ones first, soonest due first
            return (a.done_at is not None or a.id in snapshot.pending_done, a.due_on)

        for assignment in sorted(profile.assignments, key=order):
            card = AssignmentCard(assignment, assignment.id in snapshot.pending_done, today)
            card.open_item_requested.connect(self.open_requested)
            card.done_requested.connect(self.done_requested)
            self.assignment_cards.append(card)
            column.addWidget(card)

    def _add_recommendations(self, column: QVBoxLayout, profile: LearningProfile) -> None:
        if not profile.recommendations:
            return
        self._header(column, self.tr("Recommended for you"))
        names = {s.code: s.name for s in profile.skills}
        for rec in profile.recommendations[:MAX_RECOMMENDED]:
            skill = names.get(rec.skill, rec.skill)
            label = QLabel(
                f"· <a href='{html.escape(rec.item_id)}'>{html.escape(rec.title)}</a>"
                f" <span style='color:gray'>{html.escape(kind_label(rec.kind))}"
                f" · {html.escape(skill)}</span>"
            )
            label.setObjectName(f"recommendation:{rec.item_id}")
            label.setWordWrap(True)
            label.linkActivated.connect(self.open_requested)
            column.addWidget(label)

    def _add_skills(
        self, column: QVBoxLayout, snapshot: LearningSnapshot, profile: LearningProfile
    ) -> None:
        if not profile.skills:
            return
        self._header(column, self.tr("Skills, largest gap first"))
        for skill in profile.skills:
            reading = [r for r in profile.recommendations if r.skill == skill.code]
            card = SkillCard(skill, snapshot.pending_levels.get(skill.code), reading)
            card.assessed.connect(self.assess_requested)
            card.open_item_requested.connect(self.open_requested)
            self.skill_cards.append(card)
            column.addWidget(card)
