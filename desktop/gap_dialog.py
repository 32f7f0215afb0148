"""GapDialog: "I could not find this" in one keystroke, pre-filled with the context."""

from __future__ import annotations

from deskmate.core.activity.events import (
    MAX_INTERACTION_ID_CHARS,
    MAX_NOTE_CHARS,
    GapFlag,
    GapType,
)
from deskmate.core.errors import ContentError
from deskmate.desktop.error_wording import gap_flag_problem_text
from deskmate.desktop.theme import problem_label
from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)


def gap_type_labels() -> dict[GapType, str]:
    """Translated names of the gap types, in menu order."""
    return {
        GapType.MISSING: QCoreApplication.translate("GapDialog", "Missing: there is no answer"),
        GapType.WRONG: QCoreApplication.translate("GapDialog", "Wrong: the answer is incorrect"),
        GapType.OUTDATED: QCoreApplication.translate("GapDialog", "Outdated: the answer is old"),
        GapType.UNCLEAR: QCoreApplication.translate("GapDialog", "Unclear: hard to use on a call"),
    }


class GapDialog(QDialog):
    """Type, note and case number; Enter submits, Esc cancels.

    Signals:
        propose_requested(str, str): the agent would rather propose the answer (the
            query, the open item's id or ""); the dialog closes without recording.
    """

    propose_requested = Signal(str, str)

    def __init__(
        self,
        query: str,
        item_id: str | None,
        item_title: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Deskmate — flag a knowledge gap"))
        self.setObjectName("gapDialog")
        self._item_id = item_id
        self.flag: GapFlag | None = None
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.query_edit = QLineEdit(query)
        self.query_edit.setObjectName("gapQuery")
        self.type_box = QComboBox()
        self.type_box.setObjectName("gapType")
        for gap_type, label in gap_type_labels().items():
            self.type_box.addItem(label, gap_type)
        if item_id:  # an open item was the problem, not a missing one
            self.type_box.setCurrentIndex(self.type_box.findData(GapType.WRONG))
        self.note_edit = QLineEdit()
        self.note_edit.setObjectName("gapNote")
        self.note_edit.setPlaceholderText(self.tr("optional: what was the customer asking?"))
        self.case_edit = QLineEdit()
        self.case_edit.setObjectName("gapInteraction")
        self.case_edit.setPlaceholderText(self.tr("optional: CRM case number"))
        form.addRow(self.tr("Searched for"), self.query_edit)
        if item_id:
            # Plain text: titles come from content packs, and a QLabel would otherwise
            # guess rich text and render "<img src=...>" and the like as HTML.
            self.item_label = QLabel(item_title or item_id)
            self.item_label.setObjectName("gapItem")
            self.item_label.setTextFormat(Qt.TextFormat.PlainText)
            form.addRow(self.tr("Open item"), self.item_label)
        form.addRow(self.tr("Problem"), self.type_box)
        form.addRow(self.tr("Note"), self.note_edit)
        form.addRow(self.tr("Case number"), self.case_edit)
        layout.addLayout(form)
        self.error_label = problem_label()
        layout.addWidget(self.error_label)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(self.tr("Record gap (Enter)"))
        ok.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.propose_button = buttons.addButton(
            self.tr("Propose an answer…"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.propose_button.setAutoDefault(False)
        self.propose_button.clicked.connect(self._propose)
        layout.addWidget(buttons)
        self.note_edit.setFocus()

    def _propose(self) -> None:
        self.propose_requested.emit(self.query_edit.text().strip(), self._item_id or "")
        self.reject()

    def accept(self) -> None:
        """Build the flag; a bad value is explained in the dialog instead of closing it."""
        try:
            self.flag = GapFlag(
                gap_type=GapType(self.type_box.currentData()),
                query=self.query_edit.text().strip(),
                item_id=self._item_id,
                note=self.note_edit.text().strip(),
                interaction_id=self.case_edit.text().strip(),
            )
        except ContentError as exc:
            field = str(exc.fields.get("field", ""))
            limit = {"note": MAX_NOTE_CHARS, "interaction_id": MAX_INTERACTION_ID_CHARS}
            self.error_label.setText(gap_flag_problem_text(field, limit.get(field, 0)))
            self.error_label.show()
            return
        super().accept()
