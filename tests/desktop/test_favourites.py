"""Favourites (issue #18): pin from the item page, Ctrl+D or the result menu; pinned items
on the home screen and first among equal hits; kept per agent in the local store."""

from __future__ import annotations

import pytest
from deskmate.core import KnowledgeBase
from deskmate.core.activity.account import SignedInAccount
from deskmate.core.favourites import load_favourites, parse_favourites, pinned_first
from deskmate.core.knowledge_base import Hit
from deskmate.core.search.snippets import HighlightedText
from deskmate.desktop.activity_recorder import ActivityRecorder
from deskmate.desktop.app import DeskmateApp
from deskmate.desktop.sidebar import SidebarWindow
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.desktop.conftest import press, shot, type_text, wait_for_results

AGENT = "agent-007"  # the recorder fixture's agent


def _ids(window: SidebarWindow) -> list[str]:
    return [window.model.hit(r).id for r in range(window.model.rowCount())]  # type: ignore[union-attr]


def _home_shown(qtbot: QtBot, window: SidebarWindow, first: str) -> None:
    qtbot.waitUntil(lambda: _ids(window)[:1] == [first], timeout=5000)


def test_pin_on_the_item_page_puts_it_on_the_home_screen_and_persists(
    qtbot: QtBot, sidebar: SidebarWindow, sample_kb: KnowledgeBase, recorder: ActivityRecorder
) -> None:
    sidebar.open_item("exp-006")
    button = sidebar.favourite_actions.pin_button
    assert button.isVisible()
    assert button.text() == "☆"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert button.text() == "★"
    qtbot.waitUntil(lambda: load_favourites(sample_kb, AGENT) == ["exp-006"], timeout=5000)
    # Everything the pin started has ended while the item page was on screen (a busy
    # machine's order): going back must still show the home as it is now.
    assert sidebar.jobs.wait_until_idle()
    qtbot.wait(50)  # the results delivered to the GUI thread
    press(qtbot, sidebar, Qt.Key.Key_Escape)
    _home_shown(qtbot, sidebar, "exp-006")
    assert sidebar.section_label.text() == "Pinned, recent and frequently used"
    first = sidebar.model.hit(0)
    assert first is not None
    assert first.marked_title.text.startswith("★")
    shot(sidebar, "favourites-home-en")

    # A new sidebar (the next start) reads the list back from the store.
    again = SidebarWindow(sample_kb, recorder)
    qtbot.addWidget(again)
    try:
        qtbot.waitUntil(lambda: again.favourites.ids == ["exp-006"], timeout=5000)
        _home_shown(qtbot, again, "exp-006")
    finally:
        again.shutdown()

    # Unpinning takes it off the home screen's pinned part and out of the store.
    sidebar.open_item("exp-006")
    press(qtbot, sidebar, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert sidebar.favourite_actions.pin_button.text() == "☆"
    qtbot.waitUntil(lambda: load_favourites(sample_kb, AGENT) == [], timeout=5000)


def test_pinned_hit_comes_first_among_equal_scores_via_the_context_menu(
    qtbot: QtBot, sidebar: SidebarWindow, sample_kb: KnowledgeBase
) -> None:
    # "组" scores 宋佳 (exp-021) and 邓颖 (exp-025) the same, 宋佳 first.
    type_text(qtbot, sidebar.search_box, "组")
    wait_for_results(qtbot, sidebar, "组")
    ids = _ids(sidebar)
    tied = [sidebar.model.hit(ids.index(i)) for i in ("exp-021", "exp-025")]
    assert tied[0] is not None
    assert tied[1] is not None
    assert tied[0].score == tied[1].score
    assert ids.index("exp-021") < ids.index("exp-025")
    best = sidebar.model.hit(0)
    assert best is not None

    row = ids.index("exp-025")
    rect = sidebar.results.visualRect(sidebar.model.index(row))
    sidebar.results.customContextMenuRequested.emit(rect.center())
    menu = sidebar.favourite_actions.menu
    assert menu is not None
    action = menu.actions()[0]
    assert action.text().startswith("Pin to the home screen")
    action.trigger()
    menu.close()
    qtbot.waitUntil(
        lambda: (
            "exp-025" in _ids(sidebar)
            and _ids(sidebar).index("exp-025") < _ids(sidebar).index("exp-021")
        ),
        timeout=5000,
    )
    # Only ties move: the best hit is still first unless it is the pinned one.
    assert _ids(sidebar)[0] in (best.id, "exp-025")
    pinned_row = sidebar.model.hit(_ids(sidebar).index("exp-025"))
    assert pinned_row is not None
    assert pinned_row.marked_title.text.startswith("★")
    qtbot.waitUntil(lambda: load_favourites(sample_kb, AGENT) == ["exp-025"], timeout=5000)
    shot(sidebar, "favourites-results-en")

    # Ctrl+D on the selected result unpins it (once the menu gave the window back).
    sidebar.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is sidebar, timeout=3000)
    sidebar.results.setCurrentIndex(sidebar.model.index(_ids(sidebar).index("exp-025")))
    press(qtbot, sidebar.search_box, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert not sidebar.favourites.is_pinned("exp-025")


@pytest.mark.logs_warnings(r"^the stored favourites are not JSON")
def test_pinned_first_moves_only_ties_and_damaged_lists_are_dropped() -> None:
    blank = HighlightedText("")
    hits = [Hit("a", "faq", "A", blank, 3.0), Hit("b", "faq", "B", blank, 2.0)]
    hits += [Hit("c", "faq", "C", blank, 2.0), Hit("d", "faq", "D", blank, 1.0)]
    assert [h.id for h in pinned_first(hits, {"c", "d"})] == ["a", "c", "b", "d"]
    assert [h.id for h in pinned_first(hits, set())] == ["a", "b", "c", "d"]
    assert parse_favourites("not json") == []
    assert parse_favourites('{"a": 1}') == []
    assert parse_favourites('["x", 3, "", "x", "y"]') == ["x", "y"]


def test_pins_follow_the_first_sign_in_and_a_shared_pc_keeps_them_apart(
    qtbot: QtBot, start_app: DeskmateApp
) -> None:
    window = start_app.window
    kb = start_app.kb
    qtbot.waitUntil(lambda: start_app.jobs.wait_until_idle(0.1), timeout=10_000)
    window.favourites.toggle("exp-006")  # pinned before signing in (the local label)
    log = start_app.recorder.log

    def sign_in(name: str) -> None:
        account = SignedInAccount(name, "agent", "team1", "https://deskmate.example", "")
        start_app.session.bound(log.bind_account(account))

    sign_in("wang.fang")  # the first account takes over what was done before
    qtbot.waitUntil(lambda: load_favourites(kb, "wang.fang") == ["exp-006"], timeout=5000)
    window.favourites.toggle("faq-pay-012")
    qtbot.waitUntil(
        lambda: load_favourites(kb, "wang.fang") == ["faq-pay-012", "exp-006"], timeout=5000
    )
    sign_in("li.lei")  # another person on the same PC: their own (empty) list
    qtbot.waitUntil(lambda: window.favourites.ids == [], timeout=5000)
    sign_in("wang.fang")
    qtbot.waitUntil(lambda: window.favourites.ids == ["faq-pay-012", "exp-006"], timeout=5000)


def test_a_pin_right_after_another_person_signs_in_keeps_both_lists_apart(
    qtbot: QtBot, start_app: DeskmateApp
) -> None:
    # The pin comes before the new person's list has been read: it must go onto their
    # list, and the previous person's pins must not be stored as theirs.
    window, kb, log = start_app.window, start_app.kb, start_app.recorder.log
    qtbot.waitUntil(lambda: start_app.jobs.wait_until_idle(0.1), timeout=10_000)

    def sign_in(name: str) -> None:
        account = SignedInAccount(name, "agent", "team1", "https://deskmate.example", "")
        start_app.session.bound(log.bind_account(account))

    sign_in("wang.fang")
    window.favourites.toggle("exp-006")
    qtbot.waitUntil(lambda: load_favourites(kb, "wang.fang") == ["exp-006"], timeout=5000)
    assert start_app.jobs.wait_until_idle()
    sign_in("li.lei")
    window.favourites.toggle("faq-pay-012")  # before li.lei's list was read
    assert start_app.jobs.wait_until_idle()
    assert load_favourites(kb, "li.lei") == ["faq-pay-012"]
    assert load_favourites(kb, "wang.fang") == ["exp-006"]
