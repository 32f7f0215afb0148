"""ProposalDialog: an agent proposes a new FAQ, or an edit of an item, for the editors' queue.

Title, answer and the skills it is about (picked from the skill names of the synced
vocabulary). It is checked here with :func:`make_proposal` (no disk); the controller
keeps it in the outbox and the next sync sends it.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping

from deskmate.core.errors import ContentError
from deskmate.core.learning import ProposalDraft, make_proposal
from deskmate.desktop.theme import problem_label
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)


class ProposalDialog(QDialog):
    """Title, answer, skills; "Send" checks and accepts, Esc cancels.

    After ``accept``, :attr:`draft` holds the checked proposal.

    Args:
        title: Pre-filled title (the search, or the item's title for an edit).
        skill_names: Skill code → name, from the knowledge base's vocabulary.
        item_id: The item to edit; None for a new FAQ.
        item_title: Its title, shown in the dialog.
        answer: Pre-filled answer (the item's current text, for an edit).
        skills: Codes ticked at first (the item's skills, for an edit).
    """

    def __init__(
        self,
        title: str,
        skill_names: Mapping[str, str],
        item_id: str | None = None,
        item_title: str | None = None,
        answer: str = "",
        skills: Iterable[str] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("proposalDialog")
        self.setWindowTitle(
            self.tr("Deskmate — propose an edit")
            if item_id
            else self.tr("Deskmate — propose an answer")
        )
        self._item_id = item_id
        self.draft: ProposalDraft | None = None
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "Your proposal goes to the knowledge editors as a draft. It is sent with the "
                "next sync, also if you are offline now."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        if item_id:
            form.addRow(self.tr("Edit of"), QLabel(html.escape(item_title or item_id)))
        self.title_edit = QLineEdit(title)
        self.title_edit.setObjectName("proposalTitle")
        self.title_edit.setPlaceholderText(self.tr("the customer's question"))
        form.addRow(self.tr("Title"), self.title_edit)
        self.answer_edit = QPlainTextEdit(answer)
        self.answer_edit.setObjectName("proposalAnswer")
        self.answer_edit.setPlaceholderText(self.tr("the answer as you would give it"))
        self.answer_edit.setTabChangesFocus(True)
        form.addRow(self.tr("Answer"), self.answer_edit)
        layout.addLayout(form)
        layout.addWidget(QLabel(self.tr("Skills it is about")))
        self.skill_filter = QLineEdit()
        self.skill_filter.setObjectName("proposalSkillFilter")
        self.skill_filter.setPlaceholderText(self.tr("filter skills"))
        self.skill_filter.setClearButtonEnabled(True)
        self.skill_filter.textChanged.connect(self._filter_skills)
        layout.addWidget(self.skill_filter)
        self.skill_list = QListWidget()
        self.skill_list.setObjectName("proposalSkills")
        self.skill_list.setMaximumHeight(150)
        ticked = set(skills)
        for code, name in sorted(skill_names.items(), key=lambda kv: kv[0]):
            row = QListWidgetItem(name or code)
            row.setData(Qt.ItemDataRole.UserRole, code)
            row.setToolTip(code)
            row.setFlags(row.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            row.setCheckState(Qt.CheckState.Checked if code in ticked else Qt.CheckState.Unchecked)
            self.skill_list.addItem(row)
        if not skill_names:
            self.skill_filter.hide()
            self.skill_list.hide()
        layout.addWidget(self.skill_list)
        self.error_label = problem_label()
        self.error_label.setObjectName("proposalError")
        layout.addWidget(self.error_label)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.send_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.send_button.setText(self.tr("Send proposal"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(420, 520)
        (self.answer_edit if title else self.title_edit).setFocus()

    def checked_skills(self) -> list[str]:
        """The codes of the ticked skills, in list order."""
        rows = (self.skill_list.item(n) for n in range(self.skill_list.count()))
        return [
            str(row.data(Qt.ItemDataRole.UserRole))
            for row in rows
            if row.checkState() == Qt.CheckState.Checked
        ]

    def _filter_skills(self, text: str) -> None:
        words = text.lower().split()
        for n in range(self.skill_list.count()):
            row = self.skill_list.item(n)
            haystack = f"{row.text()} {row.data(Qt.ItemDataRole.UserRole)}".lower()
            row.setHidden(not all(w in haystack for w in words))

    def accept(self) -> None:
        """Check the proposal; what is wrong is said in the dialog instead of closing it."""
        try:
            self.draft = make_proposal(
                self.title_edit.text(),
                self.answer_edit.toPlainText(),
                self.checked_skills(),
                self._item_id,
            )
        except ContentError as exc:
            self.error_label.setText(self._problem_text(exc))
            self.error_label.show()
            return
        super().accept()

    def _problem_text(self, exc: ContentError) -> str:
        """The translated sentence for a problem :func:`make_proposal` found."""
        words = {
            ("title", "empty"): self.tr("Give the proposal a title: the question it answers."),
            ("title", "too_long"): self.tr("The title is too long."),
            ("answer", "empty"): self.tr("Write the answer you propose."),
            ("answer", "too_long"): self.tr("The answer is too long."),
            ("skills", "too_long"): self.tr("Pick fewer skills."),
        }
        key = (str(exc.fields.get("field")), str(exc.fields.get("reason")))
        return words.get(key, exc.message)
