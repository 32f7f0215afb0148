"""The result list: a model of hits and a delegate that paints badge, title and snippet.

Rows are painted by a delegate from cached text layouts (no widget per row), which keeps
a keystroke's repaint cheap: that matters for keystroke-to-paint latency.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from deskmate.core.knowledge_base import Hit
from deskmate.core.search.snippets import HighlightedText
from deskmate.desktop.highlight_render import MARK_DARK, MARK_LIGHT, layout_ranges, rich_text
from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPointF,
    QRectF,
    QSize,
    Qt,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QPainter,
    QPalette,
    QTextCharFormat,
    QTextLayout,
    QTextOption,
)
from PySide6.QtWidgets import (
    QApplication,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

_ModelIndex = QModelIndex | QPersistentModelIndex

#: Badge colours per kind: readable on light and dark backgrounds.
BADGE_COLOURS = {"faq": "#2f6fde", "script": "#13894f", "expert": "#b4570a"}


def kind_label(kind: str) -> str:
    """The translated badge text of a kind."""
    labels = {
        "faq": QApplication.translate("ResultList", "FAQ"),
        "script": QApplication.translate("ResultList", "Script"),
        "expert": QApplication.translate("ResultList", "Expert"),
    }
    return labels.get(kind, kind)


class HitListModel(QAbstractListModel):
    """Hits (or recent items shown as hits) in display order."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._hits: list[Hit] = []

    def set_hits(self, hits: Sequence[Hit]) -> None:
        """Replace the rows."""
        self.beginResetModel()
        self._hits = list(hits)
        self.endResetModel()

    def hit(self, row: int) -> Hit | None:
        """The hit in ``row``, or None."""
        return self._hits[row] if 0 <= row < len(self._hits) else None

    def rowCount(self, parent: _ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        """Qt: number of rows."""
        return 0 if parent.isValid() else len(self._hits)

    def data(self, index: _ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Qt: the title for display and accessibility (the delegate reads hits directly)."""
        hit = self.hit(index.row())
        if hit is None:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return f"{kind_label(hit.kind)}: {hit.title}"
        if role == Qt.ItemDataRole.ToolTipRole:
            # The whole title (rows show two lines of it), its matches highlighted.
            return rich_text(hit.marked_title)
        return None


class HitDelegate(QStyledItemDelegate):
    """Paints one hit: number and kind badge, highlighted title, a two-line snippet.

    Rows are laid out with ``QTextLayout`` (a few lines of plain text with highlight
    ranges) rather than ``QTextDocument`` HTML: several times cheaper, which is most of
    a keystroke's repaint. Layouts are kept per row, width and palette until the result
    set changes.
    """

    TITLE_LINES = 2
    SNIPPET_LINES = 2
    PAD = 6

    def __init__(self, view: QWidget, model: HitListModel) -> None:
        super().__init__(view)
        # Hits are read from the model directly: cheaper than a QVariant round trip of a
        # Python object per paint.
        self._view = view
        self._model = model
        self._rows: dict[tuple[int, int, int], _RowLayout] = {}
        model.modelReset.connect(self._rows.clear)

    def forget_layouts(self) -> None:
        """Drop the laid-out rows (after a theme or font change)."""
        self._rows.clear()

    def _row(self, option: QStyleOptionViewItem, index: _ModelIndex) -> _RowLayout:
        width = max(120, option.rect.width())
        key = (index.row(), width, option.palette.cacheKey())
        row = self._rows.get(key)
        if row is None:
            row = self._rows[key] = self._lay_out(option, index.row(), width)
        return row

    def _lay_out(self, option: QStyleOptionViewItem, row_number: int, width: int) -> _RowLayout:
        hit = self._model.hit(row_number)
        palette = option.palette
        dark = palette.color(QPalette.ColorRole.Base).lightness() < 128
        mark = QTextCharFormat()
        background, colour = MARK_DARK if dark else MARK_LIGHT
        mark.setBackground(QColor(background))
        mark.setForeground(QColor(colour))
        font = QFont(option.font)
        bold = QFont(font)
        bold.setBold(True)
        metrics = QFontMetrics(font)
        badge_text = kind_label(hit.kind) if hit else ""
        number = f"{row_number + 1}." if row_number < 9 else ""
        prefix_width = metrics.horizontalAdvance(number + " ") if number else 0
        badge_width = metrics.horizontalAdvance(badge_text) + 8
        indent = self.PAD + prefix_width + badge_width + 6
        title_text = hit.marked_title if hit else HighlightedText("")
        snippet_text = hit.snippet if hit else HighlightedText("")
        title, title_marks = title_text.text, layout_ranges(title_text)
        snippet, snippet_marks = snippet_text.text, layout_ranges(snippet_text)
        inner = width - 2 * self.PAD
        title_layout, title_height = _layout(
            title, bold, title_marks, mark, inner, self.TITLE_LINES, first_indent=indent - self.PAD
        )
        snippet_layout, snippet_height = _layout(
            snippet, font, snippet_marks, mark, inner, self.SNIPPET_LINES
        )
        del snippet_height  # rows have one height (see sizeHint)
        return _RowLayout(
            number=number,
            badge=badge_text,
            badge_colour=QColor(BADGE_COLOURS.get(hit.kind if hit else "", "#666")),
            badge_x=self.PAD + prefix_width,
            badge_width=badge_width,
            title=title_layout,
            snippet=snippet_layout,
            snippet_y=self.PAD + title_height + 2,
            font=font,
        )

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _ModelIndex) -> None:
        """Qt: the selection background, then number, badge, title and snippet."""
        option.text = ""
        self._view.style().drawControl(
            QStyle.ControlElement.CE_ItemViewItem, option, painter, self._view
        )
        row = self._row(option, index)
        # Colours are chosen here, not in the cached layout, so selecting a row costs no
        # new layout: plain text takes the painter's pen, highlights keep their own colours.
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        palette = option.palette
        text = palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        muted = palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.PlaceholderText
        )
        top = option.rect.topLeft()
        painter.save()
        painter.translate(top)
        painter.setClipRect(0, 0, option.rect.width(), option.rect.height())
        painter.setFont(row.font)
        line_height = QFontMetrics(row.font).height()
        if row.number:
            painter.setPen(text)
            painter.drawText(
                QPointF(self.PAD, self.PAD + QFontMetrics(row.font).ascent()), row.number
            )
        painter.fillRect(
            QRectF(row.badge_x, self.PAD, row.badge_width, line_height), row.badge_colour
        )
        painter.setPen(QColor("#ffffff"))
        painter.drawText(
            QRectF(row.badge_x, self.PAD, row.badge_width, line_height),
            Qt.AlignmentFlag.AlignCenter,
            row.badge,
        )
        painter.setPen(text)
        row.title.draw(painter, QPointF(self.PAD, self.PAD))
        painter.setPen(muted)
        row.snippet.draw(painter, QPointF(self.PAD, row.snippet_y))
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: _ModelIndex) -> QSize:  # noqa: N802
        """Qt: every row is as tall as two title lines and two snippet lines.

        One height for all rows lets the view skip laying out rows that are not on screen
        (``setUniformItemSizes``), which is most of a keystroke's repaint otherwise.
        """
        bold = QFont(option.font)
        bold.setBold(True)
        title = QFontMetrics(bold).lineSpacing() * self.TITLE_LINES
        snippet = QFontMetrics(option.font).lineSpacing() * self.SNIPPET_LINES
        return QSize(max(120, option.rect.width()), 2 * self.PAD + title + 2 + snippet)


@dataclass
class _RowLayout:
    number: str
    badge: str
    badge_colour: QColor
    badge_x: float
    badge_width: float
    title: QTextLayout
    snippet: QTextLayout
    snippet_y: float
    font: QFont


def _layout(
    text: str,
    font: QFont,
    marks: list[tuple[int, int]],
    mark: QTextCharFormat,
    width: float,
    max_lines: int,
    first_indent: float = 0.0,
) -> tuple[QTextLayout, int]:
    """Lay ``text`` out in at most ``max_lines`` lines; returns the layout and its height."""
    layout = QTextLayout(text, font)
    ranges = []
    for start, length in marks:
        fmt = QTextLayout.FormatRange()
        fmt.start, fmt.length, fmt.format = start, length, mark
        ranges.append(fmt)
    layout.setFormats(ranges)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    layout.setTextOption(option)
    layout.beginLayout()
    y = 0.0
    for n in range(max_lines):
        line = layout.createLine()
        if not line.isValid():
            break
        indent = first_indent if n == 0 else 0.0
        line.setLineWidth(width - indent)
        line.setPosition(QPointF(indent, y))
        y += line.height()
    layout.endLayout()
    return layout, int(y + 0.999)
