"""FilterBar: two compact menus beside the kind buttons, product and channel.

The search already filters by product and channel (``KnowledgeBase.search``); the bar
offers the values the knowledge actually carries, read from the index on the reader
lane when the sidebar starts and whenever the index is ready again. A menu with nothing
to offer (no item names a channel) is hidden.
"""

from __future__ import annotations

from collections.abc import Sequence

from deskmate.core import KnowledgeBase
from deskmate.desktop.jobs import JobRunner, Lane
from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QSizePolicy, QWidget

ARROW_ROOM = 30  # the combo's frame and arrow beside its text (Fusion, measured: 28)
MAX_BOX_WIDTH = 120


def channel_label(channel: str) -> str:
    """The channel's name in the interface language (unknown ones as they are)."""
    names = {
        "voice": QCoreApplication.translate("FilterBar", "Phone"),
        "chat": QCoreApplication.translate("FilterBar", "Chat"),
        "email": QCoreApplication.translate("FilterBar", "Email"),
    }
    return names.get(channel, channel)


class FilterBar(QWidget):
    """Product and channel menus; unfiltered ("Product", "Channel": None) by default.

    Signals:
        changed(): the agent chose another product or channel.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.product_box = QComboBox()
        self.product_box.setObjectName("filter:product")
        self.product_box.setToolTip(self.tr("Only this product"))
        self.channel_box = QComboBox()
        self.channel_box.setObjectName("filter:channel")
        self.channel_box.setToolTip(self.tr("Only this channel"))
        for box in (self.product_box, self.channel_box):
            # A fixed, short width: the row must fit a 280 px dock next to the kind buttons
            # (a long product name is elided; the open menu shows it whole).
            box.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            box.setMinimumContentsLength(3)
            box.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
            box.currentIndexChanged.connect(lambda _n: self.changed.emit())
            layout.addWidget(box)
        self.set_values([], [])

    @property
    def product(self) -> str | None:
        """The chosen product, or None for all."""
        value = self.product_box.currentData()
        return str(value) if value else None

    @property
    def channel(self) -> str | None:
        """The chosen channel, or None for all."""
        value = self.channel_box.currentData()
        return str(value) if value else None

    def set_values(self, products: Sequence[str], channels: Sequence[str]) -> None:
        """Offer these values; the current choice is kept if it is still offered."""
        for box, values, all_label, label in (
            (self.product_box, products, self.tr("Product"), str),
            (self.channel_box, channels, self.tr("Channel"), channel_label),
        ):
            chosen = box.currentData()
            box.blockSignals(True)
            box.clear()
            box.addItem(all_label, "")
            for value in values:
                box.addItem(label(value), value)
            box.setCurrentIndex(max(0, box.findData(chosen)) if chosen else 0)
            box.blockSignals(False)
            # Wide enough for the unfiltered label itself ("Channel" was cut to "Channe").
            room = box.fontMetrics().horizontalAdvance(all_label) + ARROW_ROOM
            box.setMinimumWidth(min(room, MAX_BOX_WIDTH))
        self.product_box.setVisible(bool(products))
        self.channel_box.setVisible(bool(channels))

    def choose(self, product: str | None = None, channel: str | None = None) -> None:
        """Select a product and a channel (None: all), as the agent would."""
        self.product_box.setCurrentIndex(max(0, self.product_box.findData(product or "")))
        self.channel_box.setCurrentIndex(max(0, self.channel_box.findData(channel or "")))

    def load(self, kb: KnowledgeBase, jobs: JobRunner) -> None:
        """Read the values from the index (reader lane); the menus fill when it ends."""

        def read(_ctx: object) -> tuple[list[str], list[str]]:
            return kb.filter_values("product"), kb.filter_values("channel")

        jobs.submit(
            "filter-values",
            read,
            lane=Lane.READER,
            key="filter-values",
            on_done=lambda found: self.set_values(*found),
            on_error=lambda _exc: None,  # the index is not ready: loaded when it is
        )
