"""No English sentence of the core reaches a zh_CN agent: dialogs, start-up, sync, sign-in.

Each sentence is checked through a translator that marks what it translates: a sentence
shown without the mark did not go through translation (the Chinese UI would show English).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from deskmate.core.paths import Paths
from deskmate.core.settings import Settings
from deskmate.desktop.app import DeskmateApp
from deskmate.desktop.gap_dialog import GapDialog
from deskmate.desktop.i18n import remove_translators
from deskmate.desktop.settings_dialog import SettingsDialog
from deskmate.desktop.sidebar import SidebarWindow
from deskmate.desktop.sync_wording import problem_text
from PySide6.QtCore import QTranslator
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

MARK = "〔zh〕"


class _MarkingTranslator(QTranslator):
    def translate(
        self, context: str, source: str, disambiguation: str | None = None, n: int = -1
    ) -> str:
        return f"{MARK}{source}"


@pytest.fixture
def marked(qapp: QApplication) -> Iterator[None]:
    translator = _MarkingTranslator()
    qapp.installTranslator(translator)
    yield
    qapp.removeTranslator(translator)


@pytest.mark.usefixtures("marked")
def test_a_too_long_gap_note_is_explained_in_the_agents_language(qtbot: QtBot) -> None:
    dialog = GapDialog("宽带", None, None)
    qtbot.addWidget(dialog)
    dialog.note_edit.setMaxLength(5000)
    dialog.note_edit.setText("长" * 2001)
    dialog.accept()
    text = dialog.error_label.text()
    assert text.startswith(MARK)
    assert "2000" in text
    assert "characters long" not in text  # the core's English sentence
    case = GapDialog("宽带", None, None)
    qtbot.addWidget(case)
    case.case_edit.setMaxLength(500)
    case.case_edit.setText("C" * 65)
    case.accept()
    assert case.error_label.text().startswith(MARK)
    assert "64" in case.error_label.text()


@pytest.mark.usefixtures("marked")
def test_an_invalid_server_address_is_explained_in_the_agents_language(qtbot: QtBot) -> None:
    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    dialog.server_url.setText("ftp://deskmate")
    dialog.accept()
    text = dialog.error_label.text()
    assert text.startswith(MARK)
    assert "https://deskmate.example.com" in text
    assert "is not valid: it must" not in text
    assert dialog.result_settings is None  # the dialog stayed open


@pytest.mark.usefixtures("marked")
def test_a_sync_problem_without_its_own_sentence_is_never_english_in_a_frame() -> None:
    english = "The local database is locked by another program (deskmate.db)."
    for code in ("store.locked", "sync.too_slow", "sync.failed", "some.new_code"):
        text = problem_text(code, english, "zh_CN")
        assert text.startswith(MARK), code
        assert english not in text, code
    assert problem_text("store.locked", english, "en") == english


@pytest.mark.logs_warnings(r"^settings: The setting 'dock_width' .* not valid")
@pytest.mark.usefixtures("marked")
def test_settings_problems_at_start_are_shown_translated_and_logged(
    qapp: QApplication,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    shown: list[str] = []
    real_toast = SidebarWindow.toast

    def toast(self: SidebarWindow, text: str) -> None:
        shown.append(text)
        real_toast(self, text)

    monkeypatch.setattr(SidebarWindow, "toast", toast)
    config = tmp_path / "config"
    config.mkdir()
    settings = {"language": "zh_CN", "dock_width": "wide"}  # a value that cannot be used
    (config / "settings.json").write_text(json.dumps(settings), "utf-8")
    deskmate = DeskmateApp(qapp, Paths.resolve(tmp_path / "data", config), dock=False)
    try:
        problems = deskmate.settings_store.problems
        assert problems
        assert shown
        for text in shown:  # the settings sentence and the hotkeys' (already Chinese)
            assert text.startswith(MARK) or not text.isascii(), text
            assert problems[0] not in text
        assert deskmate.settings_store.problems[0] in caplog.text  # the detail is logged
    finally:
        deskmate.quit()
        deskmate.window.deleteLater()
        remove_translators(qapp, deskmate._translators)  # the next test is in English
