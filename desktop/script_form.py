"""ScriptForm: a call script's placeholders as fields, and the filled text to copy."""

from __future__ import annotations

from deskmate.core.content.model import Item
from deskmate.core.content.presentation import (
    fill_placeholders,
    script_text,
    unfilled_placeholders,
)
from deskmate.desktop.placeholder_labels import placeholder_label
from PySide6.QtCore import Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


class ScriptForm(QWidget):
    """Fields for ``{customer_name}``-style placeholders, a live preview and one copy button."""

    copied = Signal(str, bool)  # item id, all placeholders filled

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._item: Item | None = None
        self._fields: dict[str, QLineEdit] = {}
        self._blanks_accepted = False  # the agent chose to copy with empty blanks once
        self.confirm_box: QMessageBox | None = None  # while asking (tests answer it)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self._hint = QLabel(self.tr("Fill in the blanks, then copy:"))
        self._form = QFormLayout()
        self._preview = QPlainTextEdit()
        self._preview.setReadOnly(True)
        self._preview.setObjectName("scriptPreview")
        self._missing = QLabel()
        self._missing.setWordWrap(True)
        self._missing.setObjectName("missingPlaceholders")
        self.copy_button = QPushButton(self.tr("Copy filled script (Ctrl+C)"))
        self.copy_button.clicked.connect(self.copy)
        layout.addWidget(self._hint)
        layout.addLayout(self._form)
        layout.addWidget(self._preview, 1)
        layout.addWidget(self._missing)
        layout.addWidget(self.copy_button)

    def show_item(self, item: Item, known: dict[str, str] | None = None) -> None:
        """Show a script; ``known`` pre-fills fields (e.g. the customer's name typed earlier)."""
        self._item = item
        self._blanks_accepted = False
        while self._form.rowCount():
            self._form.removeRow(0)
        self._fields = {}
        for name in item.placeholders:
            edit = QLineEdit()
            edit.setObjectName(f"placeholder:{name}")
            label = placeholder_label(name)
            edit.setPlaceholderText(label)
            edit.setText((known or {}).get(name, ""))
            edit.textChanged.connect(self._refresh)
            self._fields[name] = edit
            self._form.addRow(label, edit)
        self._hint.setVisible(bool(self._fields))
        self._refresh()

    def values(self) -> dict[str, str]:
        """What the agent typed, by placeholder name."""
        return {name: edit.text() for name, edit in self._fields.items()}

    def filled_text(self) -> str:
        """The script body with the typed values in place."""
        if self._item is None:
            return ""
        return fill_placeholders(script_text(self._item.body), self.values())

    def first_field(self) -> QLineEdit | None:
        """The first placeholder field (focused when a script opens)."""
        return next(iter(self._fields.values()), None)

    def _refresh(self) -> None:
        self._preview.setPlainText(self.filled_text())
        missing = unfilled_placeholders(self._item.body, self.values()) if self._item else []
        labels = "、".join(placeholder_label(name) for name in missing)
        self._missing.setText(self.tr("Still empty: %s") % labels if missing else "")
        self._missing.setVisible(bool(missing))

    def copy(self) -> None:
        """Put the filled script on the clipboard; with empty blanks, ask once first.

        Pasting "{{退款日期}}" into a customer's chat is worse than a question; once the
        agent says "copy anyway" for this script, later copies do not ask again.
        """
        if self._item is None:
            return
        missing = unfilled_placeholders(self._item.body, self.values())
        if missing and not self._blanks_accepted:
            if not self._confirm_blanks(missing):
                field = self._fields.get(missing[0])
                if field is not None:
                    field.setFocus()
                return
            self._blanks_accepted = True
        QGuiApplication.clipboard().setText(self.filled_text())
        self.copied.emit(self._item.id, not missing)

    def _confirm_blanks(self, missing: list[str]) -> bool:
        labels = "、".join(placeholder_label(name) for name in missing)
        if len(missing) == 1:
            question = self.tr("1 blank is empty: %2. Copy anyway?")
        else:
            question = self.tr("%1 blanks are empty: %2. Copy anyway?")
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Deskmate — empty blanks"),
            question.replace("%1", str(len(missing))).replace("%2", labels),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        box.button(QMessageBox.StandardButton.Yes).setText(self.tr("Copy anyway"))
        box.button(QMessageBox.StandardButton.No).setText(self.tr("Fill them in"))
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.setObjectName("emptyBlanksQuestion")
        self.confirm_box = box
        try:
            return box.exec() == QMessageBox.StandardButton.Yes
        finally:
            self.confirm_box = None
            box.deleteLater()
