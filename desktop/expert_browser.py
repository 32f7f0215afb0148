"""ExpertBrowser: the expert directory by team or by skill, with who is reachable now.

Shown when the agent chooses the "Experts" filter with an empty search box: "who in
billing can I ask?" is a browse, not a search. Each expert shows their availability:
the presence the server set when there is one, else whether now is within their hours
(:mod:`deskmate.core.content.availability`), else the hours as written. The directory
is read on the reader lane; availability is worked out again each time it is shown.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from deskmate.core import KnowledgeBase
from deskmate.core.content.availability import Reach, availability
from deskmate.core.content.model import Item
from deskmate.desktop.jobs import JobRunner, Lane
from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

REACH_COLOURS = {
    Reach.AVAILABLE: "#047857",
    Reach.BUSY: "#b45309",
    Reach.AWAY: "#b45309",
    Reach.OFF: "#6b7280",
    Reach.UNKNOWN: "#6b7280",
}
ID_ROLE = Qt.ItemDataRole.UserRole


def reach_text(item: Item, now: datetime, *, with_hours: bool = True) -> tuple[Reach, str]:
    """The expert's reach now and how to say it ("In working hours now (…)", "Busy").

    ``with_hours`` False: without the hours in brackets (the card shows them on their own).
    """
    expert = item.expert
    if expert is None:
        return Reach.UNKNOWN, ""
    found = availability(expert, now)
    hours = f" ({expert.hours})" if expert.hours and with_hours else ""
    if found.from_presence:
        words = {
            Reach.AVAILABLE: QCoreApplication.translate("ExpertBrowser", "Available"),
            Reach.BUSY: QCoreApplication.translate("ExpertBrowser", "Busy"),
            Reach.AWAY: QCoreApplication.translate("ExpertBrowser", "Away"),
            Reach.OFF: QCoreApplication.translate("ExpertBrowser", "Offline"),
        }
        return found.reach, words[found.reach]
    if found.reach is Reach.AVAILABLE:
        return found.reach, QCoreApplication.translate(
            "ExpertBrowser", "In working hours now"
        ) + hours
    if found.reach is Reach.OFF:
        return found.reach, QCoreApplication.translate(
            "ExpertBrowser", "Outside working hours"
        ) + hours
    return found.reach, expert.hours if with_hours else ""  # hours we cannot read


class ExpertBrowser(QWidget):
    """Teams (or skills) with their experts; activating an expert opens their card.

    Signals:
        open_requested(str): the item id of the expert to open.
        back_requested(): leave the directory.
    """

    open_requested = Signal(str)
    back_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._experts: list[Item] = []
        self._skill_names: dict[str, str] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        back = QToolButton()
        back.setText("←")
        back.setToolTip(self.tr("Back (Esc)"))
        back.clicked.connect(self.back_requested)
        title = QLabel(self.tr("Experts"))
        title.setObjectName("sectionLabel")
        top.addWidget(back)
        top.addWidget(title, 1)
        self.group = QButtonGroup(self)
        self.by_team = QToolButton()
        self.by_team.setText(self.tr("By team"))
        self.by_skill = QToolButton()
        self.by_skill.setText(self.tr("By skill"))
        for n, button in enumerate((self.by_team, self.by_skill)):
            button.setCheckable(True)
            self.group.addButton(button, n)
            top.addWidget(button)
        self.by_team.setChecked(True)
        self.group.idClicked.connect(lambda _n: self.refresh())
        layout.addLayout(top)
        self.tree = QTreeWidget()
        self.tree.setObjectName("expertTree")
        self.tree.setHeaderHidden(True)
        self.tree.setColumnCount(1)
        self.tree.setWordWrap(True)
        self.tree.itemActivated.connect(self._activated)
        self.tree.itemClicked.connect(self._activated)
        layout.addWidget(self.tree, 1)

    def load(self, kb: KnowledgeBase, jobs: JobRunner) -> None:
        """Read the directory (reader lane); the tree fills when it ends."""
        jobs.submit(
            "experts",
            lambda _ctx: (kb.items_of_kind("expert"), dict(kb.skill_names)),
            lane=Lane.READER,
            key="experts",
            on_done=lambda found: self.show_experts(*found),
            on_error=lambda _exc: self.show_experts([], {}),  # index not ready yet
        )

    def show_experts(self, experts: Sequence[Item], skill_names: Mapping[str, str]) -> None:
        """Show ``experts`` grouped as chosen."""
        self._experts = [e for e in experts if e.expert is not None]
        self._skill_names = dict(skill_names)
        self.refresh()

    def refresh(self, now: datetime | None = None) -> None:
        """Group again (team or skill) and work out who is reachable at ``now``."""
        when = now or datetime.now().astimezone()
        groups: dict[str, list[Item]] = {}
        for item in self._experts:
            if item.expert is None:
                continue  # (filtered in show_experts)
            if self.by_team.isChecked():
                keys = [item.expert.team]
            else:
                keys = [self._skill_names.get(s, s) for s in item.skills] or [self.tr("Other")]
            for key in keys:
                groups.setdefault(key, []).append(item)
        self.tree.clear()
        for name in sorted(groups):
            members = sorted(groups[name], key=lambda i: i.expert.name if i.expert else "")
            reaches = [reach_text(i, when) for i in members]
            free = sum(1 for r, _ in reaches if r is Reach.AVAILABLE)
            text = self.tr("%1 — %2 of %3 available").replace("%1", name)
            head = QTreeWidgetItem([text.replace("%2", str(free)).replace("%3", str(len(members)))])
            head.setFlags(Qt.ItemFlag.ItemIsEnabled)
            font = head.font(0)
            font.setBold(True)
            head.setFont(0, font)
            self.tree.addTopLevelItem(head)
            for item, (reach, said) in zip(members, reaches, strict=True):
                expert = item.expert
                if expert is None:
                    continue
                role = f" · {expert.role}" if expert.role else ""
                row = QTreeWidgetItem([f"● {expert.name}{role}\n    {said}"])
                row.setData(0, ID_ROLE, item.id)
                row.setData(0, Qt.ItemDataRole.AccessibleTextRole, f"{expert.name}: {said}")
                row.setForeground(0, QBrush(QColor(REACH_COLOURS[reach])))
                row.setToolTip(0, expert.hours)
                head.addChild(row)
            head.setExpanded(True)

    def expert_rows(self) -> list[tuple[str, str]]:
        """(group heading, row text) of every expert row on show (for tests and a11y)."""
        rows = []
        for n in range(self.tree.topLevelItemCount()):
            head = self.tree.topLevelItem(n)
            children = [head.child(c) for c in range(head.childCount())] if head else []
            rows += [(head.text(0), c.text(0)) for c in children if head and c]
        return rows

    def _activated(self, row: QTreeWidgetItem, _column: int = 0) -> None:
        item_id = row.data(0, ID_ROLE)
        if item_id:
            self.open_requested.emit(str(item_id))
