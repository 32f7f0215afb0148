"""SettingsDialog: server, sign-in, dock, hotkeys, start at login, language, theme.

The account row says who is signed in (the server's answer for the token) and since
when; there is no agent id to type any more.

Settings IT has locked (system-wide file or policy, see docs/it-deployment.md) are shown
disabled, with "Set by your IT department" under them. The About box is one button away.
Hotkey problems (taken by another program, impossible on this desktop) are shown
next to the hotkey fields.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import cast

from deskmate.core.activity.account import SignedInAccount
from deskmate.core.errors import SettingsError
from deskmate.core.setting_values import TEXT_ZOOM_MAX, TEXT_ZOOM_MIN
from deskmate.core.settings import Settings
from deskmate.desktop.about import show_about
from deskmate.desktop.error_wording import setting_problem_text, wording
from deskmate.desktop.local_time import local_time
from PySide6.QtCore import Signal
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QKeySequenceEdit,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)


class SettingsDialog(QDialog):
    """Edit a :class:`Settings`; ``settings()`` returns the edited copy."""

    sign_in_requested = Signal(str, str)  # server URL, token

    def __init__(
        self,
        settings: Settings,
        locked: Iterable[str] = (),
        hotkey_problems: Iterable[str] = (),
        parent: QWidget | None = None,
        account: SignedInAccount | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Deskmate settings"))
        self.setObjectName("settingsDialog")
        self._original = settings
        locked_keys = set(locked)
        form = QFormLayout()

        self.server_url = QLineEdit(settings.server_url)
        self.server_url.setPlaceholderText("https://deskmate.example.com")
        form.addRow(self.tr("Server URL"), self.server_url)
        self.token = QLineEdit()
        self.token.setObjectName("signInToken")
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.token.setPlaceholderText(self.tr("token from your team lead or IT"))
        self.sign_in = QPushButton(self.tr("Sign in"))
        self.sign_in.setObjectName("signIn")
        self.sign_in.clicked.connect(self._sign_in)
        self.sign_in_result = QLabel()
        self.sign_in_result.setWordWrap(True)
        self.sign_in_result.hide()
        account_row = QHBoxLayout()
        account_row.addWidget(self.token, 1)
        account_row.addWidget(self.sign_in)
        form.addRow(self.tr("Account"), account_row)
        form.addRow("", self.sign_in_result)
        # Who the activity is recorded as: the server says, from the token (no longer a
        # name the agent types and can get wrong).
        self.account_label = QLabel()
        self.account_label.setObjectName("signedInAccount")
        self.account_label.setWordWrap(True)
        form.addRow(self.tr("Signed in as"), self.account_label)
        self.show_account(account)

        self.dock_edge = QComboBox()
        self.dock_edge.addItem(self.tr("Right edge"), "right")
        self.dock_edge.addItem(self.tr("Left edge"), "left")
        self.dock_edge.setCurrentIndex(max(0, self.dock_edge.findData(settings.dock_edge)))
        form.addRow(self.tr("Dock at"), self.dock_edge)
        self.dock_screen = QComboBox()
        self.dock_screen.addItem(self.tr("Primary screen"), "")
        for screen in QGuiApplication.screens():
            self.dock_screen.addItem(screen.name(), screen.name())
        self.dock_screen.setCurrentIndex(max(0, self.dock_screen.findData(settings.dock_screen)))
        form.addRow(self.tr("Screen"), self.dock_screen)
        self.dock_width = QSpinBox()
        self.dock_width.setRange(280, 800)
        self.dock_width.setSuffix(" px")
        self.dock_width.setValue(settings.dock_width)
        form.addRow(self.tr("Width"), self.dock_width)

        self.summon_hotkey = QKeySequenceEdit(QKeySequence(settings.summon_hotkey))
        form.addRow(self.tr("Summon hotkey"), self.summon_hotkey)
        self.gap_hotkey = QKeySequenceEdit(QKeySequence(settings.gap_hotkey))
        form.addRow(self.tr("Gap hotkey"), self.gap_hotkey)
        problems = list(hotkey_problems)
        self.hotkey_problem = QLabel("\n".join(problems))
        self.hotkey_problem.setObjectName("hotkeyProblem")
        self.hotkey_problem.setWordWrap(True)
        self.hotkey_problem.setStyleSheet("color: #c0392b;")
        self.hotkey_problem.setVisible(bool(problems))
        form.addRow("", self.hotkey_problem)

        self.start_at_login = QCheckBox(self.tr("Start Deskmate when I sign in"))
        self.start_at_login.setChecked(settings.start_at_login)
        form.addRow("", self.start_at_login)
        # Opt-in (issue #18): copied text is often not meant for Deskmate at all.
        self.suggest_from_clipboard = QCheckBox(self.tr("Suggest answers for text I copy"))
        self.suggest_from_clipboard.setObjectName("suggestFromClipboard")
        self.suggest_from_clipboard.setChecked(settings.suggest_from_clipboard)
        self.suggest_from_clipboard.setToolTip(
            self.tr(
                "Plain text up to 2,000 characters, never passwords or card numbers; "
                "it stays on this computer and is not uploaded."
            )
        )
        form.addRow("", self.suggest_from_clipboard)
        self.suggest_hotkey = QKeySequenceEdit(QKeySequence(settings.suggest_hotkey))
        form.addRow(self.tr("Suggest hotkey"), self.suggest_hotkey)
        self.hide_on_close = QCheckBox(self.tr("Closing the window keeps Deskmate in the tray"))
        self.hide_on_close.setChecked(settings.hide_on_close)
        form.addRow("", self.hide_on_close)
        self.language = QComboBox()
        self.language.addItem(self.tr("Follow the system"), "system")
        self.language.addItem("简体中文", "zh_CN")
        self.language.addItem("English", "en")
        self.language.setCurrentIndex(max(0, self.language.findData(settings.language)))
        form.addRow(self.tr("Language"), self.language)
        self.theme = QComboBox()
        self.theme.addItem(self.tr("Follow the system"), "system")
        self.theme.addItem(self.tr("Light"), "light")
        self.theme.addItem(self.tr("Dark"), "dark")
        self.theme.setCurrentIndex(max(0, self.theme.findData(settings.theme)))
        form.addRow(self.tr("Theme"), self.theme)
        self.text_zoom = QSpinBox()
        self.text_zoom.setObjectName("textZoom")
        self.text_zoom.setRange(TEXT_ZOOM_MIN, TEXT_ZOOM_MAX)
        self.text_zoom.setSingleStep(10)
        self.text_zoom.setSuffix(" %")
        self.text_zoom.setValue(settings.text_zoom)
        self.text_zoom.setToolTip(self.tr("Also Ctrl+= / Ctrl+- / Ctrl+0 in the sidebar"))
        form.addRow(self.tr("Text size"), self.text_zoom)

        self._widgets: dict[str, QWidget] = {
            "server_url": self.server_url,
            "dock_edge": self.dock_edge,
            "dock_screen": self.dock_screen,
            "dock_width": self.dock_width,
            "summon_hotkey": self.summon_hotkey,
            "gap_hotkey": self.gap_hotkey,
            "start_at_login": self.start_at_login,
            "hide_on_close": self.hide_on_close,
            "suggest_from_clipboard": self.suggest_from_clipboard,
            "suggest_hotkey": self.suggest_hotkey,
            "language": self.language,
            "theme": self.theme,
            "text_zoom": self.text_zoom,
        }
        self.locked_notes: dict[str, QLabel] = {}
        for key, widget in self._widgets.items():
            if key in locked_keys:
                self._show_locked(form, key, widget)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        if locked_keys:
            note = QLabel(self.tr("Greyed-out settings are managed by your IT department."))
            note.setWordWrap(True)
            layout.addWidget(note)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        about = buttons.addButton(self.tr("About Deskmate"), QDialogButtonBox.ButtonRole.HelpRole)
        about.setObjectName("aboutButton")
        about.clicked.connect(self._about)
        self.error_label = QLabel()
        self.error_label.setObjectName("settingsError")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #c0392b;")
        self.error_label.hide()
        layout.addWidget(self.error_label)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.result_settings: Settings | None = None

    def _show_locked(self, form: QFormLayout, key: str, widget: QWidget) -> None:
        """Grey out a setting IT locked and say so under it (a tooltip alone goes unseen)."""
        widget.setEnabled(False)
        text = self.tr("Set by your IT department")
        widget.setToolTip(text)
        note = QLabel(text)
        note.setObjectName(f"locked_{key}")
        note.setEnabled(False)  # drawn in the palette's disabled colour, like the field
        row, _role = cast(tuple[int, QFormLayout.ItemRole], form.getWidgetPosition(widget))
        form.insertRow(row + 1, "", note)
        self.locked_notes[key] = note

    def _about(self) -> None:
        """The About box: the version, where data and logs are, for support calls."""
        show_about(self)

    def accept(self) -> None:
        """Check the values; a wrong one is explained here and the dialog stays open."""
        try:
            self.result_settings = self.settings()
        except SettingsError as exc:
            key = exc.fields.get("key")
            self.error_label.setText(setting_problem_text(str(key)) if key else wording(exc))
            self.error_label.show()
            return
        super().accept()

    def _sign_in(self) -> None:
        url, token = self.server_url.text().strip(), self.token.text().strip()
        if not url or not token:
            self.show_sign_in_result(self.tr("Enter the server URL and your token first."))
            return
        self.token.clear()  # the token lives in the credential store, not in this dialog
        self.sign_in_requested.emit(url, token)

    def show_account(self, account: SignedInAccount | None) -> None:
        """Say who is signed in on this computer, and since when."""
        if account is None:
            self.account_label.setText(
                self.tr(
                    "Nobody yet. What you do is kept on this computer and uploaded for the "
                    "first account that signs in."
                )
            )
            return
        roles = {
            "agent": self.tr("agent"),
            "manager": self.tr("manager"),
            "editor": self.tr("editor"),
        }
        details = [roles.get(account.role, account.role)]
        if account.team:
            details.append(self.tr("team %1").replace("%1", account.team))
        self.account_label.setText(
            self.tr("%1 (%2) since %3")
            .replace("%1", account.name)
            .replace("%2", " · ".join(d for d in details if d))
            .replace("%3", local_time(account.signed_in_at))
        )

    def show_sign_in_result(self, message: str) -> None:
        """Say how signing in went (or why the token is only kept for this session)."""
        self.sign_in_result.setText(message)
        self.sign_in_result.show()

    def settings(self) -> Settings:
        """The settings as edited in the dialog.

        Raises:
            SettingsError: a value is not acceptable (the message says which and why).
        """
        summon = self.summon_hotkey.keySequence().toString(QKeySequence.SequenceFormat.PortableText)
        gap = self.gap_hotkey.keySequence().toString(QKeySequence.SequenceFormat.PortableText)
        suggest = self.suggest_hotkey.keySequence().toString(
            QKeySequence.SequenceFormat.PortableText
        )
        return dataclasses.replace(
            self._original,
            server_url=self.server_url.text().strip(),
            dock_edge=str(self.dock_edge.currentData()),
            dock_screen=str(self.dock_screen.currentData()),
            dock_width=self.dock_width.value(),
            summon_hotkey=summon or self._original.summon_hotkey,
            gap_hotkey=gap or self._original.gap_hotkey,
            start_at_login=self.start_at_login.isChecked(),
            hide_on_close=self.hide_on_close.isChecked(),
            suggest_from_clipboard=self.suggest_from_clipboard.isChecked(),
            suggest_hotkey=suggest or self._original.suggest_hotkey,
            language=str(self.language.currentData()),
            theme=str(self.theme.currentData()),
            text_zoom=self.text_zoom.value(),
        )
