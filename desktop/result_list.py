"""The result list: a model of hits and a delegate that paints badge, title and snippet.

Painting rich text through one shared ``QTextDocument`` keeps a keystroke's repaint
cheap (no widget per row), which matters for keystroke-to-paint latency.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from deskmate.core.knowledge_base import Hit
from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    Qt,
)
from PySide6.QtGui import QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import (
    QApplication,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

HitRole = Qt.ItemDataRole.UserRole + 1
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


def marked(html: str, background: str, colour: str) -> str:
    """Qt rich text has no ``<mark>``; turn it into a highlighted span."""
    span = f'<span style="background:{background}; color:{colour};">'
    return html.replace("<mark>", span).replace("</mark>", "</span>")


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
        """Qt: the hit for HitRole, its title for display and accessibility."""
        hit = self.hit(index.row())
        if hit is None:
            return None
        if role == HitRole:
            return hit
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return f"{kind_label(hit.kind)}: {hit.title}"
        return None


class HitDelegate(QStyledItemDelegate):
    """Paints one hit: number, kind badge, highlighted title, one-line snippet."""

    def __init__(self, view: QWidget, model: HitListModel) -> None:
        super().__init__(view)
        # Hits are read from the model directly: cheaper than a QVariant round trip of a
        # Python object per paint.
        self._view = view
        self._model = model
        self._docs: dict[tuple[int, int, bool, int], tuple[QTextDocument, QSize]] = {}
        model.modelReset.connect(self._docs.clear)

    def forget_layouts(self) -> None:
        """Drop the laid-out rows (after a theme or font change)."""
        self._docs.clear()

    def _html(self, option: QStyleOptionViewItem, index: _ModelIndex, selected: bool) -> str:
        hit = self._model.hit(index.row())
        if hit is None:
            return ""
        palette = option.palette
        # Text colours come from the palette (light or dark theme, selected or not), and
        # highlighted words carry their own pair, so both stay readable everywhere.
        dark = palette.color(QPalette.ColorRole.Base).lightness() < 128
        mark_bg, mark_fg = ("#8a6d00", "#ffffff") if dark else ("#ffe58a", "#000000")
        text_role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        text = palette.color(text_role).name()
        muted = text if selected else palette.color(QPalette.ColorRole.PlaceholderText).name()
        colour = BADGE_COLOURS.get(hit.kind, "#666")
        number = f"{index.row() + 1}. " if index.row() < 9 else ""
        title = marked(hit.title_html or hit.title, mark_bg, mark_fg)
        snippet = marked(hit.snippet, mark_bg, mark_fg) if hit.snippet else ""
        badge = (
            f'<span style="color:white; background:{colour};">&nbsp;{kind_label(hit.kind)}'
            "&nbsp;</span>"
        )
        body = f'<br><span style="color:{muted};">{snippet}</span>' if snippet else ""
        return f'<div style="color:{text};">{number}{badge}&nbsp;<b>{title}</b>{body}</div>'

    def _layout(
        self, option: QStyleOptionViewItem, index: _ModelIndex
    ) -> tuple[QTextDocument, QSize]:
        # Qt asks for every row's size several times per reset and paints the visible ones;
        # laying out rich text is the expensive part, so each row is laid out once per
        # width and result set (the cache is dropped when the model resets).
        width = max(100, option.rect.width())
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        key = (index.row(), width, selected, option.palette.cacheKey())
        cached = self._docs.get(key)
        if cached is None:
            doc = QTextDocument()
            doc.setDocumentMargin(6)
            doc.setDefaultFont(option.font)
            doc.setHtml(self._html(option, index, selected))
            doc.setTextWidth(width)
            cached = self._docs[key] = (doc, QSize(width, int(doc.size().height()) + 2))
        return cached

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _ModelIndex) -> None:
        """Qt: draw the selection background, then the rich text."""
        option.text = ""
        self._view.style().drawControl(
            QStyle.ControlElement.CE_ItemViewItem, option, painter, self._view
        )
        doc, _size = self._layout(option, index)
        painter.save()
        painter.translate(option.rect.topLeft())
        painter.setClipRect(0, 0, option.rect.width(), option.rect.height())
        doc.drawContents(painter)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: _ModelIndex) -> QSize:  # noqa: N802
        """Qt: the height the text needs at the current width."""
        return self._layout(option, index)[1]
