"""Insert into CRM (issue #18) through the real sidebar, offscreen, and the Windows seam.

The X11 typing itself is proven on a real X server (tests/x11/test_insert_x11.py); here
the keystroke sender is a recording stand-in at the system edge, so what the action
decides to type (and refuses to type) is checked through the real widgets, and the
Windows ``SendInput`` events are checked through a fake ``SendInput``.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from deskmate.core.activity.events import EventKind
from deskmate.desktop.activity_recorder import ActivityRecorder
from deskmate.desktop.crm_insert import CrmInsert
from deskmate.desktop.keystrokes import (
    KEYEVENTF_KEYUP,
    KEYEVENTF_UNICODE,
    InsertError,
    NoKeystrokes,
    WindowsKeystrokes,
    X11Keystrokes,
    unicode_key_events,
)
from deskmate.desktop.sidebar import SidebarWindow
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from tests.desktop.conftest import shot

DOWN, UP = KEYEVENTF_UNICODE, KEYEVENTF_UNICODE | KEYEVENTF_KEYUP


class RecordingKeystrokes:
    """Stands in for the OS's keystroke injection: records what would be typed."""

    def __init__(self) -> None:
        self.typed: list[str] = []
        self.remembered = 0

    def remember_target(self, own_window: int) -> None:
        self.remembered += 1

    def type_into_target(self, text: str, own_window: int) -> None:
        self.typed.append(text)


def _first(sidebar: SidebarWindow, kind: str, placeholder: str = "") -> str:
    return next(
        i.id
        for i in sidebar.kb._store.iter_items()
        if i.kind.value == kind and (not placeholder or placeholder in i.placeholders)
    )


def test_insert_types_the_open_answer_and_records_it_like_a_copy(
    qtbot: QtBot, sidebar: SidebarWindow, recorder: ActivityRecorder
) -> None:
    keys = RecordingKeystrokes()
    action = CrmInsert(sidebar, keys, sidebar.jobs)
    QGuiApplication.clipboard().setText("before")
    faq = _first(sidebar, "faq")
    sidebar.open_item(faq)
    shot(sidebar, "insert-into-crm-button")
    assert action.button.isVisibleTo(sidebar)
    action.button.click()
    qtbot.waitUntil(lambda: bool(keys.typed), timeout=5_000)
    assert keys.typed == [sidebar.item_view.answer.toPlainText()]
    assert QGuiApplication.clipboard().text() == "before"

    # The copy is recorded when the job's result reaches the GUI thread, after the typing.
    def copies() -> list[str | None]:
        recorder.flush()
        return [e.item_id for e in recorder.recent(5) if e.kind is EventKind.COPY]

    qtbot.waitUntil(lambda: bool(copies()), timeout=5_000)
    assert copies() == [faq]


def test_a_script_with_empty_blanks_is_not_typed(qtbot: QtBot, sidebar: SidebarWindow) -> None:
    keys = RecordingKeystrokes()
    action = CrmInsert(sidebar, keys, sidebar.jobs)
    sidebar.open_item(_first(sidebar, "script", "退款日期"))
    action.insert()
    qtbot.wait(200)
    assert keys.typed == []
    assert "blanks are empty" in sidebar.status.text()
    form = sidebar.item_view.script
    for field in form._fields.values():
        field.setText("三天")
    action.insert()
    qtbot.waitUntil(lambda: bool(keys.typed), timeout=5_000)
    assert "{{" not in keys.typed[0]
    assert keys.typed[0] == form.filled_text()


@pytest.mark.logs_warnings(r"^job insert-into-crm: .* \(insert\.failed\)$")
def test_nothing_open_and_unsupported_desktops_say_so(qtbot: QtBot, sidebar: SidebarWindow) -> None:
    action = CrmInsert(sidebar, NoKeystrokes(), sidebar.jobs)
    action.insert()
    assert "Open an answer" in sidebar.status.text()
    sidebar.open_item(_first(sidebar, "faq"))
    action.insert()
    qtbot.waitUntil(
        lambda: "cannot type into other programs" in sidebar.status.text(),
        timeout=5_000,
    )


def test_windows_sends_one_unicode_down_and_up_per_utf16_unit() -> None:
    assert unicode_key_events("花a\n😀") == [
        (0x82B1, DOWN),
        (0x82B1, UP),
        (ord("a"), DOWN),
        (ord("a"), UP),
        (0x0D, DOWN),  # a line break is Enter
        (0x0D, UP),
        (0xD83D, DOWN),  # an emoji is a surrogate pair: two units
        (0xD83D, UP),
        (0xDE00, DOWN),
        (0xDE00, UP),
    ]


def test_windows_types_into_the_remembered_window_not_the_sidebar() -> None:
    sent: list[list[tuple[int, int]]] = []
    activated: list[int] = []
    foreground = [111]  # the CRM has the focus when the hotkey summons the sidebar

    def send(events: Sequence[tuple[int, int]]) -> int:
        sent.append(list(events))
        return len(events)

    def activate(hwnd: int) -> bool:
        activated.append(hwnd)
        return True

    keys = WindowsKeystrokes(send=send, foreground=lambda: foreground[0], activate=activate)
    with pytest.raises(InsertError):
        keys.type_into_target("x", own_window=222)  # nothing remembered yet
    keys.remember_target(own_window=222)
    foreground[0] = 222
    keys.remember_target(own_window=222)  # the sidebar itself is never the target
    keys.type_into_target("您好", own_window=222)
    assert activated == [111]
    assert sent == [unicode_key_events("您好")]


def test_x11_batches_never_remap_a_key_with_presses_pending() -> None:
    specials = {"\n": 36}
    spares = [250, 251]
    runs = list(X11Keystrokes._batches("abca\nb", specials, spares))
    typed = ""
    for batch, keys in runs:
        assert len(keys) <= len(spares)
        symbol_of = {code: chr(sym) for code, sym in keys.items()}
        typed += "".join("\n" if code == 36 else symbol_of[code] for code in batch)
    assert typed == "abca\nb"
    # Two keys per map: [a b] [c a \n] [b] — a key is remapped only in a later run.
    assert [len(batch) for batch, _keys in runs] == [2, 3, 1]
