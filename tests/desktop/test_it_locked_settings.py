"""Settings IT locks are greyed out and say so; the About box shows the one version."""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path

from deskmate.core.paths import Paths
from deskmate.core.settings import Settings
from deskmate.desktop.about import about_text
from deskmate.desktop.settings_dialog import SettingsDialog
from PySide6.QtWidgets import QDialogButtonBox, QLabel
from pytestqt.qtbot import QtBot


def test_locked_settings_are_disabled_with_a_visible_note(qtbot: QtBot) -> None:
    dialog = SettingsDialog(Settings(agent_id="a1"), locked={"server_url", "start_at_login"})
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.server_url.isEnabled()
    assert not dialog.start_at_login.isEnabled()
    assert dialog.theme.isEnabled()
    assert set(dialog.locked_notes) == {"server_url", "start_at_login"}
    for note in dialog.locked_notes.values():
        assert note.isVisible()
        assert note.text() == "Set by your IT department"
    notes = [w for w in dialog.findChildren(QLabel) if w.objectName().startswith("locked_")]
    assert len(notes) == 2


def test_about_box_names_version_and_support_paths(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = SettingsDialog(Settings(agent_id="a1"))
    qtbot.addWidget(dialog)
    buttons = dialog.findChild(QDialogButtonBox)
    assert buttons is not None
    assert any(b.objectName() == "aboutButton" for b in buttons.buttons())
    text = about_text(Paths(tmp_path / "d", tmp_path / "c", tmp_path / "logs"))
    assert f"Deskmate {version('deskmate')}" in text
    assert str(tmp_path / "logs") in text
    assert "deskmate --selftest" in text


def test_suggest_from_clipboard_checkbox_is_greyed_out_when_it_locked_it(qtbot: QtBot) -> None:
    dialog = SettingsDialog(Settings(agent_id="a1"), locked={"suggest_from_clipboard"})
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.suggest_from_clipboard.isEnabled()
    assert not dialog.suggest_from_clipboard.isChecked()  # off by default
    assert dialog.locked_notes["suggest_from_clipboard"].isVisible()
    assert dialog.suggest_hotkey.isEnabled()  # the hotkey itself was not locked


def test_suggest_from_clipboard_checkbox_saves_the_choice(qtbot: QtBot) -> None:
    dialog = SettingsDialog(Settings(agent_id="a1"))
    qtbot.addWidget(dialog)
    assert dialog.suggest_from_clipboard.isEnabled()
    dialog.suggest_from_clipboard.setChecked(True)
    chosen = dialog.settings()
    assert chosen.suggest_from_clipboard is True
    assert chosen.suggest_hotkey == "Ctrl+Alt+S"
