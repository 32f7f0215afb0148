"""Hotkey problems are told in the UI's language (the Chinese UI gets Chinese sentences)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from deskmate.desktop.hotkeys.errors import HotkeyError
from deskmate.desktop.hotkeys.global_hotkeys import taken_message
from deskmate.desktop.hotkeys.hotkey_chord import parse_hotkey
from deskmate.desktop.hotkeys.unsupported_hotkeys import UnsupportedGlobalHotkeys
from deskmate.desktop.i18n import install_translators, remove_translators
from PySide6.QtWidgets import QApplication


@pytest.fixture
def chinese(qapp: QApplication) -> Iterator[None]:
    translators = install_translators(qapp, "zh_CN")
    yield
    remove_translators(qapp, translators)


def test_english_sentences_without_a_translation(qapp: QApplication) -> None:
    assert taken_message("Ctrl+Alt+K") == (
        "Ctrl+Alt+K is already used by another program; choose another key in Settings."
    )


@pytest.mark.usefixtures("chinese")
def test_chinese_sentences_name_the_key() -> None:
    assert taken_message("Ctrl+Alt+K") == "Ctrl+Alt+K 已被其他程序占用，请在「设置」里换一个按键。"
    with pytest.raises(HotkeyError, match="全局快捷键需要带 Ctrl、Alt 或 Windows 键") as caught:
        parse_hotkey("G")
    assert caught.value.fields["key"] == "G"
    refused = UnsupportedGlobalHotkeys("Wayland")
    assert refused.unsupported_reason.startswith("此桌面环境（Wayland）不支持全局快捷键")
