"""The "Insert into CRM" action: the open answer typed into the agent's previous window.

An explicit action is the agent's consent each time (nothing is typed anywhere on its
own): the button under the open item or Ctrl+Shift+Enter. The text is what Copy would
put on the clipboard — the answer, or the filled script — and the clipboard is left
alone. A script with empty blanks is not typed (a customer must never receive
``{{退款日期}}``); the agent fills them or copies instead. Typing runs as a job on the
reader lane (about 10 ms a character); the sidebar stays responsive.
"""

from __future__ import annotations

import logging

from deskmate.core.content.model import ItemKind
from deskmate.core.content.presentation import unfilled_placeholders
from deskmate.core.errors import DeskmateError
from deskmate.desktop.docking.native_window import native_window_id
from deskmate.desktop.error_wording import wording
from deskmate.desktop.jobs import JobRunner, Lane
from deskmate.desktop.keystrokes import InsertError, Keystrokes
from deskmate.desktop.sidebar import SidebarWindow
from PySide6.QtCore import QObject
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QPushButton

log = logging.getLogger(__name__)
SHORTCUT = "Ctrl+Shift+Return"


class CrmInsert(QObject):
    """Wires the action to the sidebar; :meth:`remember_target` runs on each summon."""

    def __init__(
        self,
        window: SidebarWindow,
        keystrokes: Keystrokes,
        jobs: JobRunner,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.window = window
        self.keystrokes = keystrokes
        self.jobs = jobs
        self.button = QPushButton(self.tr("Insert into CRM"))
        self.button.setObjectName("insertIntoCrm")
        self.button.setToolTip(
            self.tr(
                "Type this answer into the window you were working in (Ctrl+Shift+Enter); "
                "the clipboard is not used"
            )
        )
        self.button.clicked.connect(self.insert)
        layout = window.item_view.layout()
        if layout is not None:
            layout.addWidget(self.button)
        self.shortcut = QShortcut(QKeySequence(SHORTCUT), window)
        self.shortcut.activated.connect(self.insert)
        QShortcut(QKeySequence("Ctrl+Shift+Enter"), window).activated.connect(self.insert)

    def remember_target(self) -> None:
        """Before the sidebar takes the focus: note the window the agent is in."""
        try:
            self.keystrokes.remember_target(native_window_id(self.window))
        except InsertError as exc:
            log.info("cannot note the previous window: %s", exc.message)

    def text_to_insert(self) -> str | None:
        """What Copy would copy, or None (a toast says why) when nothing should be typed."""
        view = self.window.item_view
        item = view.item
        if item is None or self.window.pages.currentWidget() is not view:
            self.window.toast(self.tr("Open an answer or a script first."))
            return None
        if item.kind is ItemKind.SCRIPT:
            missing = unfilled_placeholders(item.body, view.script.values())
            if missing:
                self.window.toast(
                    self.tr("%1 blanks are empty: fill them before inserting.").replace(
                        "%1", str(len(missing))
                    )
                )
                return None
            return view.script.filled_text()
        if item.kind is ItemKind.EXPERT:
            self.window.toast(self.tr("Contacts are copied, not inserted."))
            return None
        return view.answer.toPlainText()

    def insert(self) -> None:
        """Type the open answer into the previous window (a job; a toast on failure)."""
        text = self.text_to_insert()
        if not text:
            return
        item = self.window.item_view.item
        own = native_window_id(self.window)
        self.jobs.submit(
            "insert-into-crm",
            lambda _ctx: self.keystrokes.type_into_target(text, own),
            lane=Lane.READER,
            key="insert-into-crm",
            on_done=lambda _none: self._inserted(item.id if item else ""),
            on_error=lambda exc: self.window.toast(self.problem(exc)),
        )

    def problem(self, error: DeskmateError) -> str:
        """The agent's sentence for a failed insert (other errors: error_wording)."""
        sentences = {
            "unsupported": self.tr(
                "Deskmate cannot type into other programs on this desktop; copy and paste instead."
            ),
            "no_display": self.tr("Deskmate cannot reach the display to type."),
            "no_target": self.tr("There is no other window to type into."),
            "not_activated": self.tr("The previous window could not be brought forward."),
            "modifiers": self.tr("Release Ctrl, Shift and Alt, then insert again."),
            "no_free_key": self.tr("The keyboard map has no free key to type with."),
            "blocked": self.tr("Windows blocked typing into the previous window."),
        }
        if isinstance(error, InsertError):
            return sentences.get(str(error.fields.get("reason")), wording(error))
        return wording(error)

    def _inserted(self, item_id: str) -> None:
        # Recorded like a copy (the agent used this answer with the customer), without the
        # copy's "Copied" flash and status line, which would hide this message.
        self.window.item_actions.used(item_id, True)
        self.window.toast(self.tr("Inserted into the previous window."))
