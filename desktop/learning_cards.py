"""The cards of the "My learning" view: one per skill, one per assignment.

They only show data and emit signals; :class:`~deskmate.desktop.learning_view.LearningView`
passes the signals on.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import date
from itertools import pairwise

from deskmate.core.content.taxonomy import MAX_LEVEL, MIN_LEVEL
from deskmate.core.learning import Assignment, Recommendation, SkillStanding
from deskmate.desktop.local_time import local_time, short_date
from deskmate.desktop.theme import PROBLEM_COLOUR
from PySide6.QtCore import QDate, QPointF, QRectF, QSize, Qt, QUrl, Signal
from PySide6.QtGui import QColor, QDesktopServices, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

AT_TARGET = "#2f9e44"
BELOW_TARGET = "#e67700"
_WEB = ("http", "https")


class LevelBar(QWidget):
    """A 1–5 scale: the level filled in, the role's target as a tick."""

    def __init__(
        self, level: float | None, target: float | None, gap: float, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.level, self.target, self.gap = level, target, gap
        self.setMinimumHeight(10)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:  # noqa: N802
        """Qt: a thin bar."""
        return QSize(160, 10)

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802
        """Qt: the track, the level and the target tick."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        bar = QRectF(1, 2, self.width() - 2, self.height() - 4)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(palette.color(QPalette.ColorRole.Mid))
        painter.drawRoundedRect(bar, 3, 3)
        if self.level is not None:
            filled = QRectF(bar)
            filled.setWidth(bar.width() * min(self.level, MAX_LEVEL) / MAX_LEVEL)
            painter.setBrush(QColor(BELOW_TARGET if self.gap > 0 else AT_TARGET))
            painter.drawRoundedRect(filled, 3, 3)
        if self.target is not None:
            x = bar.left() + bar.width() * min(self.target, MAX_LEVEL) / MAX_LEVEL
            painter.setBrush(palette.color(QPalette.ColorRole.WindowText))
            painter.drawRect(QRectF(x - 1, 0, 2, self.height()))
        painter.end()


class TrendLine(QWidget):
    """A skill's weekly levels as a small line, the latest as a dot.

    The vertical scale spans the levels shown with a margin, at least one level (so a
    change of 0.5 is visible without looking like a leap); the numbers are in the words
    beside it and in the tooltip.
    """

    def __init__(self, levels: Sequence[float], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.levels = list(levels)
        low = max(float(MIN_LEVEL), min(self.levels, default=3.0) - 0.25)
        high = min(float(MAX_LEVEL), max(max(self.levels, default=3.0) + 0.25, low + 1.0))
        self.scale = (min(low, high - 1.0), high)
        self.setFixedSize(self.sizeHint())

    def sizeHint(self) -> QSize:  # noqa: N802
        """Qt: small enough to sit beside a line of text."""
        return QSize(80, 22)

    def _point(self, index: int, level: float) -> QPointF:
        low, high = self.scale
        width, height = self.width() - 8, self.height() - 8
        x = 4 + width * index / max(1, len(self.levels) - 1)
        y = 4 + height * (high - min(high, max(low, level))) / (high - low)
        return QPointF(x, y)

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802
        """Qt: a faint baseline, the levels, a dot on the latest."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        painter.setPen(QPen(palette.color(QPalette.ColorRole.Mid), 1))
        bottom = self.height() - 2.5
        painter.drawLine(QPointF(2, bottom), QPointF(self.width() - 2, bottom))
        points = [self._point(i, v) for i, v in enumerate(self.levels)]
        colour = QColor(
            AT_TARGET if len(points) < 2 or self.levels[-1] >= self.levels[0] else BELOW_TARGET
        )
        painter.setPen(QPen(colour, 1.8))
        for start, end in pairwise(points):
            painter.drawLine(start, end)
        if points:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(colour)
            painter.drawEllipse(points[-1], 2.8, 2.8)
        painter.end()


class _Card(QFrame):
    """A framed panel; ``body`` is its column."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.body = QVBoxLayout(self)
        self.body.setContentsMargins(8, 6, 8, 6)
        self.body.setSpacing(3)


def _label(text: str, object_name: str = "", rich: bool = True) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
    if object_name:
        label.setObjectName(object_name)
    return label


class SkillCard(_Card):
    """A skill: level against target as a bar, the reasons, items to read, own rating."""

    assessed = Signal(str, int)  # skill code, level 1-5
    open_item_requested = Signal(str)  # item id

    def __init__(
        self,
        skill: SkillStanding,
        pending_level: int | None,
        reading: Sequence[Recommendation] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(f"skill:{skill.code}")
        self.skill = skill
        layout = self.body
        head = QHBoxLayout()
        head.addWidget(_label(f"<b>{html.escape(skill.name)}</b>"), 1)
        head.addWidget(_label(self._numbers(), "skillNumbers"), 0, Qt.AlignmentFlag.AlignRight)
        layout.addLayout(head)
        self.bar = LevelBar(skill.level, skill.target, skill.gap)
        self.bar.setToolTip(self._numbers_tip())
        layout.addWidget(self.bar)
        if skill.trend:
            layout.addLayout(self._trend())
        if skill.reasons:
            reasons = "<br>".join(f"· {html.escape(r)}" for r in skill.reasons)
            layout.addWidget(_label(f"<span style='color:gray'>{reasons}</span>", "reasons"))
        if reading:
            links = " · ".join(
                f"<a href='{html.escape(r.item_id)}'>{html.escape(r.title)}</a>" for r in reading
            )
            label = _label(html.escape(self.tr("Read: ")) + links, "reading")
            label.linkActivated.connect(self.open_item_requested)
            layout.addWidget(label)
        layout.addLayout(self._assessment(pending_level))

    def _numbers(self) -> str:
        level = f"{self.skill.level:.1f}" if self.skill.level is not None else "–"
        target = f"{self.skill.target:g}" if self.skill.target is not None else "–"
        text = f"{level} / {target}"
        if self.skill.gap > 0:
            gap = self.tr("gap %1").replace("%1", f"{self.skill.gap:.1f}")
            text += f" · <span style='color:{BELOW_TARGET}'>{gap}</span>"
        return text

    def _numbers_tip(self) -> str:
        level = f"{self.skill.level:.1f}" if self.skill.level is not None else self.tr("unknown")
        target = f"{self.skill.target:g}" if self.skill.target is not None else self.tr("none")
        return (
            self.tr("Level %1 of 5; your role's target: %2")
            .replace("%1", level)
            .replace("%2", target)
        )

    def _trend(self) -> QHBoxLayout:
        """The weekly levels drawn, and in words: "Level 2.1 → 3.0 since 1 Nov"."""
        row = QHBoxLayout()
        row.setSpacing(6)
        self.trend_line = TrendLine([p.level for p in self.skill.trend])
        self.trend_line.setToolTip("\n".join(f"{p.week}: {p.level:.1f}" for p in self.skill.trend))
        row.addWidget(self.trend_line, 0, Qt.AlignmentFlag.AlignVCenter)
        since, level = self.skill.since, self.skill.level
        if since is not None and level is not None:
            day = QDate.fromString(since.date, Qt.DateFormat.ISODate)
            # Qt date format: "d MMM" is "1 Nov"; translations give their own order.
            on = day.toString(self.tr("d MMM")) if day.isValid() else since.date
            text = (
                self.tr("Level %1 → %2 since %3")
                .replace("%1", f"{since.level:.1f}")
                .replace("%2", f"{level:.1f}")
                .replace("%3", on)
            )
            if since.change:
                colour = AT_TARGET if since.change > 0 else BELOW_TARGET
                change = f"<span style='color:{colour}'>{since.change:+.1f}</span>"
                text = f"{html.escape(text)} {change}"
            else:
                text = html.escape(text)
        else:
            text = html.escape(self.tr("Level recorded weekly from this week"))
        self.trend_label = _label(f"<span style='color:gray'>{text}</span>", "trend")
        row.addWidget(self.trend_label, 1)
        return row

    def _assessment(self, pending_level: int | None) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(2)
        row.addWidget(QLabel(self.tr("My own rating:")))
        self.levels = QButtonGroup(self)
        current = pending_level if pending_level is not None else self.skill.self_level
        for level in range(MIN_LEVEL, MAX_LEVEL + 1):
            button = QToolButton()
            button.setText(str(level))
            button.setCheckable(True)
            button.setChecked(level == current)
            button.setObjectName(f"assess:{level}")
            button.setAccessibleName(self.tr("Rate myself %1 of 5").replace("%1", str(level)))
            self.levels.addButton(button, level)
            row.addWidget(button)
        self.levels.idClicked.connect(lambda level: self.assessed.emit(self.skill.code, level))
        row.addStretch(1)
        if pending_level is not None:
            waiting = self.tr("waiting to sync")
            row.addWidget(_label(f"<i>{html.escape(waiting)}</i>", "pending"))
        return row


class AssignmentCard(_Card):
    """An assignment: title, due date and time window (overdue in red), open, mark done."""

    open_item_requested = Signal(str)  # item id
    done_requested = Signal(int)  # assignment id

    def __init__(
        self, assignment: Assignment, done_pending: bool, today: date, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName(f"assignment:{assignment.id}")
        self.assignment = assignment
        layout = self.body
        self.overdue = assignment.is_overdue(today) and not done_pending
        layout.addWidget(_label(f"<b>{html.escape(assignment.title)}</b>"))
        layout.addWidget(_label(self._due_text(), "dueLine"))
        who = self.tr("Assigned by %1").replace("%1", html.escape(assignment.assigned_by))
        note = f" — {html.escape(assignment.note)}" if assignment.note else ""
        layout.addWidget(_label(f"<span style='color:gray'>{who}{note}</span>"))
        layout.addLayout(self._actions(done_pending))

    def _due_text(self) -> str:
        a = self.assignment
        due = short_date(a.due_on)
        text = (self.tr("Overdue: was due %1") if self.overdue else self.tr("Due %1")).replace(
            "%1", due
        )
        if a.window_start and a.window_end:
            text += f" · {a.window_start}–{a.window_end}"
        colour = PROBLEM_COLOUR if self.overdue else ""
        style = f" style='color:{colour}; font-weight:bold'" if colour else ""
        return f"<span{style}>{html.escape(text)}</span>"

    def _actions(self, done_pending: bool) -> QHBoxLayout:
        row = QHBoxLayout()
        a = self.assignment
        if a.item_id or (a.url and QUrl(a.url).scheme().lower() in _WEB):
            self.open_button = QPushButton(self.tr("Open"))
            self.open_button.setObjectName("openAssignment")
            self.open_button.clicked.connect(self._open)
            row.addWidget(self.open_button)
        row.addStretch(1)
        if a.done_at is not None:
            row.addWidget(
                _label(
                    self.tr("Done %1").replace("%1", local_time(a.done_at)), "doneLabel", rich=False
                )
            )
        elif done_pending:
            row.addWidget(_label(self.tr("Done — waiting to sync"), "doneLabel", rich=False))
        else:
            self.done_button = QPushButton(self.tr("Mark done"))
            self.done_button.setObjectName("markDone")
            self.done_button.clicked.connect(lambda: self.done_requested.emit(a.id))
            row.addWidget(self.done_button)
        return row

    def _open(self) -> None:
        if self.assignment.item_id:
            self.open_item_requested.emit(self.assignment.item_id)
        elif self.assignment.url:
            QDesktopServices.openUrl(QUrl(self.assignment.url))
