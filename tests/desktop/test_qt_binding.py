"""Guards against Qt-binding bugs that took the sidebar down."""

from __future__ import annotations

import sys

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt


class _NoneModel(QAbstractListModel):
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 1

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> None:
        return None


def test_model_data_returning_none_keeps_none_alive() -> None:
    """PySide6 6.12.0 dropped a reference to None per call; the app aborted mid-shift."""
    model = _NoneModel()
    index = model.index(0)
    before = sys.getrefcount(None)
    for _ in range(2000):
        index.data(Qt.ItemDataRole.FontRole)
    assert abs(sys.getrefcount(None) - before) < 100
