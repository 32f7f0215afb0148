"""The sidebar on the sample pack, offscreen: typing, opening, copying, recording."""

from __future__ import annotations

from deskmate.core.activity.events import EventKind
from deskmate.desktop.activity_recorder import ActivityRecorder
from deskmate.desktop.sidebar import SidebarWindow
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from tests.desktop.conftest import press, shot, type_text, wait_for_results
from tests.desktop.test_script_blanks import answer_blanks_question


def titles(window: SidebarWindow) -> list[str]:
    return [window.model.hit(r).title for r in range(window.model.rowCount())]  # type: ignore[union-attr]


def test_chinese_typing_finds_answers_per_keystroke(qtbot: QtBot, sidebar: SidebarWindow) -> None:
    shot(sidebar, "empty")
    type_text(qtbot, sidebar.search_box, "花呗还")
    wait_for_results(qtbot, sidebar, "花呗还")
    assert sidebar.model.rowCount() > 0
    assert any("花呗" in t and "还" in t for t in titles(sidebar)[:3])
    shot(sidebar, "results-zh")


def test_pinyin_initials_and_english(qtbot: QtBot, sidebar: SidebarWindow) -> None:
    type_text(qtbot, sidebar.search_box, "hbhk")
    wait_for_results(qtbot, sidebar, "hbhk")
    assert "花呗" in titles(sidebar)[0]
    sidebar.search_box.clear()
    type_text(qtbot, sidebar.search_box, "refund iphone")
    wait_for_results(qtbot, sidebar, "refund iphone")
    assert sidebar.model.rowCount() > 0
    shot(sidebar, "results-en")


def test_keyboard_open_copy_and_back(
    qtbot: QtBot, sidebar: SidebarWindow, recorder: ActivityRecorder
) -> None:
    type_text(qtbot, sidebar.search_box, "退款")
    wait_for_results(qtbot, sidebar, "退款")
    press(qtbot, sidebar.search_box, Qt.Key.Key_Down)
    assert sidebar.results.currentIndex().row() == 1
    press(qtbot, sidebar.search_box, Qt.Key.Key_Return)
    assert sidebar.current_item() is not None
    opened = sidebar.current_item()
    assert opened is not None
    assert opened.id == sidebar.model.hit(1).id  # type: ignore[union-attr]
    sidebar.item_view.copy()
    assert QGuiApplication.clipboard().text().strip()
    press(qtbot, sidebar, Qt.Key.Key_Escape)
    assert sidebar.current_item() is None
    sidebar.end_session()
    recorder.flush()
    kinds = [e.kind for e in recorder.recent(10)]
    assert {EventKind.OPEN, EventKind.COPY, EventKind.SEARCH} <= set(kinds)
    open_event = next(e for e in recorder.recent(10) if e.kind == EventKind.OPEN)
    assert open_event.item_id == opened.id
    assert open_event.query == "退款"
    assert open_event.dwell_ms is not None


def test_ctrl_number_opens_nth_hit(qtbot: QtBot, sidebar: SidebarWindow) -> None:
    type_text(qtbot, sidebar.search_box, "refund")
    wait_for_results(qtbot, sidebar, "refund")
    third = sidebar.model.hit(2)
    assert third is not None
    press(qtbot, sidebar.search_box, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    item = sidebar.current_item()
    assert item is not None
    assert item.id == third.id


def test_script_placeholders_filled_and_copied(
    qtbot: QtBot, sidebar: SidebarWindow, recorder: ActivityRecorder
) -> None:
    script = next(
        i
        for i in sidebar.kb._store.iter_items()
        if i.kind.value == "script" and len(i.placeholders) >= 2
    )
    sidebar.open_item(script.id)
    form = sidebar.item_view.script
    fields = list(form._fields.values())
    assert len(fields) == len(script.placeholders)
    type_text(qtbot, fields[0], "Wang")
    shot(sidebar, "script-placeholders")
    answer_blanks_question(form, copy_anyway=True)  # issue #18: asked once before copying
    form.copy()
    copied = QGuiApplication.clipboard().text()
    assert "Wang" in copied
    assert script.placeholders[1] in copied  # still empty: left visible, not silently dropped
    for n, field in enumerate(fields[1:], start=2):
        type_text(qtbot, field, f"v{n}")
    form.copy()
    copied = QGuiApplication.clipboard().text()
    assert all(f"v{n}" in copied for n in range(2, len(fields) + 1))
    recorder.flush()
    copies = [e for e in recorder.recent(10) if e.kind == EventKind.COPY]
    assert [c.detail.get("filled") for c in copies[:2]] == [True, False]


def test_expert_card_has_contact_actions(qtbot: QtBot, sidebar: SidebarWindow) -> None:
    sidebar._filter_group.button(3).click()  # experts only
    type_text(qtbot, sidebar.search_box, "退款组")
    wait_for_results(qtbot, sidebar, "退款组")
    hit = sidebar.model.hit(0)
    assert hit is not None
    assert hit.kind == "expert"
    assert all(h.kind == "expert" for h in (sidebar.model.hit(r) for r in range(3)) if h)
    sidebar.open_item(hit.id)
    card = sidebar.item_view.expert
    assert card.urls, "an expert card offers at least one contact action"
    assert {u.scheme() for u in card.urls.values()} & {"tel", "mailto"}
    shot(sidebar, "expert-card")


def test_unsafe_markdown_is_shown_as_text(qtbot: QtBot, sidebar: SidebarWindow) -> None:
    from deskmate.core import Item

    item = Item.from_dict(
        {
            "id": "faq-unsafe",
            "kind": "faq",
            "title": "安全测试",
            "language": "zh",
            "updated_at": "2026-10-01T09:00:00+08:00",
            "version": 1,
            "tags": [],
            "skills": [],
            "questions": [],
            "body": (
                "正文 <script>alert('x')</script> ![track](https://evil.example/p.png) **粗体**"
            ),
        }
    )
    sidebar.kb.upsert([item])
    sidebar.open_item("faq-unsafe")
    text = sidebar.item_view.answer.toPlainText()
    assert "<script>alert('x')</script>" in text  # visible as text, never run
    assert "evil.example" not in sidebar.item_view.answer.toHtml()
    assert "粗体" in text


def test_empty_search_offers_gap_and_records_no_result(
    qtbot: QtBot, sidebar: SidebarWindow, recorder: ActivityRecorder
) -> None:
    type_text(qtbot, sidebar.search_box, "zzqqxx")
    wait_for_results(qtbot, sidebar, "zzqqxx")
    assert sidebar.model.rowCount() == 0
    assert sidebar.empty_label.isVisible()
    with qtbot.waitSignal(sidebar.gap_requested):
        sidebar.empty_label.linkActivated.emit("gap")
    sidebar.end_session()
    recorder.flush()
    kinds = [e.kind for e in recorder.recent(5)]
    assert EventKind.NO_RESULT in kinds


def test_home_shows_recent_items(qtbot: QtBot, sidebar: SidebarWindow) -> None:
    type_text(qtbot, sidebar.search_box, "退款")
    wait_for_results(qtbot, sidebar, "退款")
    first = sidebar.model.hit(0)
    assert first is not None
    sidebar.open_row(0)
    press(qtbot, sidebar, Qt.Key.Key_Escape)
    press(qtbot, sidebar.search_box, Qt.Key.Key_Escape)  # clears the box
    assert sidebar.search_box.text() == ""
    assert sidebar.model.hit(0) is not None
    assert sidebar.model.hit(0).id == first.id  # type: ignore[union-attr]


def test_stale_results_are_dropped(qtbot: QtBot, sidebar: SidebarWindow) -> None:
    seen: list[str] = []
    sidebar.runner.results.connect(lambda r: seen.append(r.text))
    for text in ("h", "hb", "hbh", "hbhk"):
        sidebar.runner.search(text)
    qtbot.waitUntil(lambda: bool(seen) and seen[-1] == "hbhk", timeout=10_000)
    assert seen == ["hbhk"]


def test_no_display_is_explained_instead_of_aborting() -> None:
    from deskmate.desktop.launch import display_problem

    assert display_problem({}, "linux") is not None
    assert "DISPLAY" in (display_problem({}, "linux") or "")
    assert display_problem({"DISPLAY": ":0"}, "linux") is None
    assert display_problem({"WAYLAND_DISPLAY": "wayland-0"}, "linux") is None
    assert display_problem({}, "win32") is None


def test_consultations_feed_the_ranking(sidebar: SidebarWindow, recorder: ActivityRecorder) -> None:
    from deskmate.desktop.startup import feed_usage

    hits = sidebar.kb.search("退款", limit=5)
    second = hits[1]
    for _ in range(20):
        recorder.log.record_open(second.id, "退款")
        recorder.log.record_feedback(second.id, helpful=True)
    assert feed_usage(sidebar.kb, recorder.log.usage_counts()) == 1
    after = {h.id: h.score for h in sidebar.kb.search("退款", limit=5)}
    assert after[second.id] > second.score


def test_warm_up_search_is_never_shown(qtbot: QtBot, sidebar: SidebarWindow) -> None:
    with qtbot.assertNotEmitted(sidebar.runner.results, wait=500):
        sidebar.runner.warm_up()
    assert sidebar.model.rowCount() == 0 or sidebar.section_label.isVisible()
