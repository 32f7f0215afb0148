"""Screenshots of the main states, in Chinese and English, light and dark.

They land in build/screenshots/<language>-<state>.png; look at them after UI changes.
Each also checks that the state shows what it should in that language.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from deskmate.core import KnowledgeBase
from deskmate.core.activity.account import SignedInAccount
from deskmate.core.learning import LearningStore
from deskmate.core.settings import Settings
from deskmate.desktop.activity_recorder import ActivityRecorder
from deskmate.desktop.gap_dialog import GapDialog
from deskmate.desktop.i18n import install_translators, remove_translators
from deskmate.desktop.learning_controller import LearningController
from deskmate.desktop.settings_dialog import SettingsDialog
from deskmate.desktop.sidebar import SidebarWindow
from deskmate.desktop.theme import apply_theme
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.desktop.conftest import shot, type_text, wait_for_results
from tests.desktop.test_learning_view import AGENT, cache_profile, sample_profile


@pytest.fixture(params=["zh_CN", "en"])
def language(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    translators = install_translators(qapp, request.param)
    yield request.param
    remove_translators(qapp, translators)


def sidebar_window(qtbot: QtBot, kb: KnowledgeBase, recorder: ActivityRecorder) -> SidebarWindow:
    window = SidebarWindow(kb, recorder)
    qtbot.addWidget(window)
    window.resize(380, 860)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_main_states(
    qtbot: QtBot,
    language: str,
    sample_kb: KnowledgeBase,
    recorder: ActivityRecorder,
    qapp: QApplication,
) -> None:
    window = sidebar_window(qtbot, sample_kb, recorder)
    zh = language == "zh_CN"
    assert window.search_box.placeholderText().startswith("搜索" if zh else "Search")
    shot(window, f"{language}-empty")

    type_text(qtbot, window.search_box, "花呗还款")
    wait_for_results(qtbot, window, "花呗还款")
    shot(window, f"{language}-results-zh")
    window.search_box.clear()
    type_text(qtbot, window.search_box, "refund iphone")
    wait_for_results(qtbot, window, "refund iphone")
    shot(window, f"{language}-results-en")

    script = next(i for i in sample_kb._store.iter_items() if len(i.placeholders) >= 2)
    window.open_item(script.id)
    assert window.jobs.wait_until_idle()
    assert window.item_view.script.copy_button.text().startswith("复制" if zh else "Copy")
    shot(window, f"{language}-script")
    expert = next(i for i in sample_kb._store.iter_items() if i.expert is not None)
    window.open_item(expert.id)
    assert window.jobs.wait_until_idle()
    shot(window, f"{language}-expert")

    dialog = GapDialog("eSIM 境外转移", expert.id, expert.title)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.windowTitle().endswith("标记知识缺口" if zh else "flag a knowledge gap")
    shot(dialog, f"{language}-gap-dialog")
    dialog.reject()

    window.show_history()
    assert window.jobs.wait_until_idle()
    assert window.history.list.count() > 0
    shot(window, f"{language}-history")

    account = SignedInAccount(
        "demo-agent", "agent", "demo", "http://127.0.0.1:8765", "2026-12-01T09:30:00+08:00"
    )
    settings_dialog = SettingsDialog(
        Settings(),
        locked={"server_url"},
        hotkey_problems=[
            "Ctrl+Alt+G is already used by another program; choose another key in Settings."
        ],
        account=account,
    )
    qtbot.addWidget(settings_dialog)
    settings_dialog.show()
    qtbot.waitExposed(settings_dialog)
    assert not settings_dialog.server_url.isEnabled()
    assert settings_dialog.account_label.text().startswith("demo-agent")
    assert ("班组 demo" if zh else "team demo") in settings_dialog.account_label.text()
    shot(settings_dialog, f"{language}-settings")
    settings_dialog.reject()

    apply_theme(qapp, "dark")
    try:
        window.back()
        qapp.processEvents()
        assert window.palette().color(window.backgroundRole()).lightness() < 128
        shot(window, f"{language}-dark-results")
    finally:
        apply_theme(qapp, "light")
    window.shutdown()


def test_learning_states(
    qtbot: QtBot, language: str, sample_kb: KnowledgeBase, recorder: ActivityRecorder
) -> None:
    window = sidebar_window(qtbot, sample_kb, recorder)
    zh = language == "zh_CN"
    cache_profile(sample_kb.data_dir, sample_profile(language="zh" if zh else "en"))
    controller = LearningController(LearningStore(sample_kb.data_dir, AGENT), window)
    try:
        with qtbot.waitSignal(controller.notices_shown, timeout=5000):
            controller.load()
        assert window.notice_banner.isVisible()
        shot(window, f"{language}-notice")
        with qtbot.waitSignal(controller.snapshot_shown, timeout=5000):
            window.show_learning()
        assert window.learning.propose_button.text().startswith("提议" if zh else "Propose")
        shot(window, f"{language}-learning")
        window.learning.scroll_area.ensureWidgetVisible(window.learning.skill_cards[-1])
        shot(window, f"{language}-learning-skills")

        window.open_item("faq-refund-001")
        controller.propose("", "faq-refund-001")
        dialog = controller.dialog
        assert dialog is not None
        qtbot.addWidget(dialog)
        qtbot.waitExposed(dialog)
        dialog.answer_edit.clear()
        dialog.accept()  # no answer: the problem is shown
        assert dialog.error_label.isVisible()
        shot(dialog, f"{language}-proposal-dialog")
        dialog.reject()
    finally:
        controller.shutdown()
        window.shutdown()
