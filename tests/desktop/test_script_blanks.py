"""Scripts (issue #18): copying with empty blanks asks once; fields have human labels."""

from __future__ import annotations

import pytest
from deskmate.core.activity.events import EventKind
from deskmate.desktop.activity_recorder import ActivityRecorder
from deskmate.desktop.placeholder_labels import placeholder_label
from deskmate.desktop.script_form import ScriptForm
from deskmate.desktop.sidebar import SidebarWindow
from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFormLayout, QLabel, QMessageBox
from pytestqt.qtbot import QtBot

from tests.desktop.conftest import shot, type_text

SENTINEL = "— clipboard before —"


def answer_blanks_question(
    form: ScriptForm, *, copy_anyway: bool, seen: list[str] | None = None
) -> None:
    """Answer the next "blanks are empty" question (it is modal) once it is shown."""

    def answer() -> None:
        box = form.confirm_box
        if box is None or not box.isVisible():
            QTimer.singleShot(20, answer)
            return
        if seen is not None:
            seen.append(box.text())
        button = QMessageBox.StandardButton.Yes if copy_anyway else QMessageBox.StandardButton.No
        box.button(button).click()

    QTimer.singleShot(0, answer)


def _open_script(sidebar: SidebarWindow, name_part: str) -> ScriptForm:
    script = next(
        i
        for i in sidebar.kb._store.iter_items()
        if i.kind.value == "script" and any(name_part in p for p in i.placeholders)
    )
    sidebar.open_item(script.id)
    return sidebar.item_view.script


def test_copy_with_empty_blanks_asks_once_and_no_keeps_the_clipboard(
    qtbot: QtBot, sidebar: SidebarWindow, recorder: ActivityRecorder
) -> None:
    form = _open_script(sidebar, "退款日期")
    empty = [n for n, v in form.values().items() if not v.strip()]
    assert len(empty) >= 2
    QGuiApplication.clipboard().setText(SENTINEL)
    seen: list[str] = []
    answer_blanks_question(form, copy_anyway=False, seen=seen)
    form.copy()
    assert len(seen) == 1
    assert seen[0].startswith(f"{len(empty)} blanks are empty")
    assert "退款日期" in seen[0]
    assert QGuiApplication.clipboard().text() == SENTINEL  # nothing pasted with {{…}}

    answer_blanks_question(form, copy_anyway=True, seen=seen)
    form.copy()
    assert len(seen) == 2
    assert "{{退款日期}}" in QGuiApplication.clipboard().text()
    # Asked once: the agent chose to copy anyway, the next copy of this script goes through.
    QGuiApplication.clipboard().setText(SENTINEL)
    form.copy()
    assert len(seen) == 2
    assert QGuiApplication.clipboard().text() != SENTINEL
    recorder.flush()
    copies = [e for e in recorder.recent(5) if e.kind == EventKind.COPY]
    assert len(copies) == 2
    assert all(c.detail["filled"] is False for c in copies)


def test_filled_script_copies_without_asking(qtbot: QtBot, sidebar: SidebarWindow) -> None:
    form = _open_script(sidebar, "customer_name")
    for n, field in enumerate(form._fields.values()):
        type_text(qtbot, field, f"v{n}")
    form.copy()  # a question here would block the test: none is asked
    assert form.confirm_box is None
    assert "v0" in QGuiApplication.clipboard().text()


def test_field_labels_are_words(qtbot: QtBot, sidebar: SidebarWindow) -> None:
    form = _open_script(sidebar, "customer_name")
    layout = form._form
    assert isinstance(layout, QFormLayout)
    labels = []
    for row in range(layout.rowCount()):
        item = layout.itemAt(row, QFormLayout.ItemRole.LabelRole)
        widget = item.widget() if item is not None else None
        if isinstance(widget, QLabel):
            labels.append(widget.text())
    assert "Customer name" in labels
    assert not any("_" in label for label in labels)
    # The placeholder key is unchanged where it matters: the copied text and field names.
    assert "customer_name" in form._fields
    shot(sidebar, "script-labels-en")


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("customer_name", "Customer name"),
        ("agent_name", "Your name"),
        ("退款日期", "退款日期"),
        ("delivery_window", "Delivery window"),
        ("refundDate", "Refund date"),
        ("Amount", "Amount"),
    ],
)
def test_placeholder_label(name: str, label: str) -> None:
    assert placeholder_label(name) == label
