"""Issue #13: only a search that returned nothing is a no-result (through the real sidebar).

A search whose results were shown and left without opening one is ``nothing_opened``,
with how many results there were; History words the two differently.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from deskmate.core.activity.events import ConsultationEvent, EventKind
from deskmate.desktop.activity_recorder import ActivityRecorder
from deskmate.desktop.history_view import event_label
from deskmate.desktop.i18n import install_translators, remove_translators
from deskmate.desktop.sidebar import SidebarWindow
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.desktop.conftest import press, type_text, wait_for_results

SHOTS = Path(__file__).resolve().parents[2] / "shots"  # looked at, never committed


def settle(qtbot: QtBot, window: SidebarWindow, text: str) -> int:
    """Wait for the results of ``text`` and for the search to count as made; the count."""
    wait_for_results(qtbot, window, text)
    qtbot.waitUntil(lambda: not window.session.settle.isActive(), timeout=10_000)
    return window.model.rowCount()


def session_events(recorder: ActivityRecorder) -> list[ConsultationEvent]:
    recorder.flush()
    return list(reversed(recorder.recent(50)))  # oldest first


def test_results_left_unopened_are_nothing_opened_not_no_result(
    qtbot: QtBot, sidebar: SidebarWindow, recorder: ActivityRecorder
) -> None:
    type_text(qtbot, sidebar.search_box, "refund")
    shown = settle(qtbot, sidebar, "refund")
    assert shown > 0
    press(qtbot, sidebar.search_box, Qt.Key.Key_Escape)  # clears the box: the session ends
    assert sidebar.search_box.text() == ""

    events = session_events(recorder)
    assert [e.kind for e in events] == [EventKind.SEARCH, EventKind.NOTHING_OPENED]
    assert events[0].result_count == shown
    assert events[1].query == "refund"
    assert events[1].result_count == shown


def test_chinese_search_left_on_hide_is_nothing_opened(
    qtbot: QtBot, sidebar: SidebarWindow, recorder: ActivityRecorder
) -> None:
    type_text(qtbot, sidebar.search_box, "退款")  # input-method commits
    shown = settle(qtbot, sidebar, "退款")
    assert shown > 0
    sidebar.end_session()  # hidden with the results still on screen

    kinds = [(e.kind, e.query, e.result_count) for e in session_events(recorder)]
    assert kinds == [
        (EventKind.SEARCH, "退款", shown),
        (EventKind.NOTHING_OPENED, "退款", shown),
    ]


def test_a_search_with_no_results_is_exactly_one_no_result(
    qtbot: QtBot, sidebar: SidebarWindow, recorder: ActivityRecorder
) -> None:
    type_text(qtbot, sidebar.search_box, "zzqqxx")
    assert settle(qtbot, sidebar, "zzqqxx") == 0
    press(qtbot, sidebar.search_box, Qt.Key.Key_Escape)
    sidebar.end_session()  # a second end changes nothing

    events = session_events(recorder)
    assert [e.kind for e in events] == [EventKind.SEARCH, EventKind.NO_RESULT]
    assert events[1].query == "zzqqxx"
    assert events[1].result_count == 0


def test_opening_a_result_records_neither(
    qtbot: QtBot, sidebar: SidebarWindow, recorder: ActivityRecorder
) -> None:
    type_text(qtbot, sidebar.search_box, "refund")
    settle(qtbot, sidebar, "refund")
    sidebar.open_row(0)
    sidebar.end_session()
    kinds = {e.kind for e in session_events(recorder)}
    assert EventKind.OPEN in kinds
    assert not kinds & {EventKind.NO_RESULT, EventKind.NOTHING_OPENED}


def test_the_count_is_that_of_the_settled_text_not_an_older_one(
    qtbot: QtBot, sidebar: SidebarWindow, recorder: ActivityRecorder
) -> None:
    # The settle timer fires before the new text's results are painted: the search must
    # wait for them rather than take the previous text's count (12 shown for "refund").
    type_text(qtbot, sidebar.search_box, "refund")
    settle(qtbot, sidebar, "refund")
    sidebar.open_row(0)
    press(qtbot, sidebar, Qt.Key.Key_Escape)  # back to the list
    sidebar.search_box.setText("zzqqxx")
    sidebar.session.settle.stop()
    sidebar.session.record()  # settled, its results not painted yet
    wait_for_results(qtbot, sidebar, "zzqqxx")
    sidebar.end_session()
    events = session_events(recorder)
    searches = [(e.query, e.result_count) for e in events if e.kind == EventKind.SEARCH]
    assert searches[-1] == ("zzqqxx", 0)
    assert [e.query for e in events if e.kind == EventKind.NO_RESULT] == ["zzqqxx"]


@pytest.fixture(params=["zh_CN", "en"])
def language(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    translators = install_translators(qapp, request.param)
    yield request.param
    remove_translators(qapp, translators)


def test_history_words_the_two_kinds_truthfully(
    language: str, qtbot: QtBot, sidebar: SidebarWindow, recorder: ActivityRecorder
) -> None:  # language first: the sidebar is built in it
    type_text(qtbot, sidebar.search_box, "refund")
    shown = settle(qtbot, sidebar, "refund")
    press(qtbot, sidebar.search_box, Qt.Key.Key_Escape)
    type_text(qtbot, sidebar.search_box, "zzqqxx")
    settle(qtbot, sidebar, "zzqqxx")
    press(qtbot, sidebar.search_box, Qt.Key.Key_Escape)
    sidebar.show_history()
    assert sidebar.jobs.wait_until_idle()

    lines = [sidebar.history.list.item(r).text() for r in range(sidebar.history.list.count())]
    refund = [line for line in lines if "refund" in line]
    nothing = [line for line in lines if "zzqqxx" in line]
    assert len(refund) == 2  # the search and how it ended
    assert len(nothing) == 2
    # No line about "refund" says nothing was found, and the count is shown.
    assert not any("Found nothing" in line for line in refund)
    count, none = (
        (f"{shown} 条结果", "未打开") if language == "zh_CN" else (f"{shown} result", "opened none")
    )
    assert any(count in line and none in line for line in refund)
    assert any(f"{event_label('no_result')}: zzqqxx" in line for line in nothing)
    SHOTS.mkdir(exist_ok=True)
    assert sidebar.grab().save(str(SHOTS / f"{language}-history-no-result.png"))
