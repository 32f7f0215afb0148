"""Screenshots of a context pop with the case header, in zh_CN and en (issue #18).

They land in shots/pop-<language>.png and shots/script-blanks-<language>.png.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from deskmate.core import KnowledgeBase
from deskmate.core.context_request import ContextRequest
from deskmate.desktop.activity_recorder import ActivityRecorder
from deskmate.desktop.context_pop import ContextPop
from deskmate.desktop.i18n import install_translators, remove_translators
from deskmate.desktop.sidebar import SidebarWindow
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.desktop.test_script_blanks import answer_blanks_question

SHOTS = Path(__file__).resolve().parents[2] / "shots"


@pytest.fixture(params=["zh_CN", "en"])
def language(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    translators = install_translators(qapp, request.param)
    yield request.param
    remove_translators(qapp, translators)


def test_pop_with_case_header_screenshot(
    qtbot: QtBot, language: str, sample_kb: KnowledgeBase, recorder: ActivityRecorder
) -> None:
    window = SidebarWindow(sample_kb, recorder)
    qtbot.addWidget(window)
    window.resize(380, 860)
    window.show()
    qtbot.waitExposed(window)
    pop = ContextPop(window, recorder, window.summon)
    query = "客户说：花呗还款日能改吗" if language == "zh_CN" else "refund iphone"
    pop.apply(ContextRequest.build(query, "CASE-123"))
    qtbot.waitUntil(lambda: window.painted_request == window.runner.latest, timeout=10_000)
    assert window.model.rowCount() > 0
    assert pop.header.isVisible()
    assert "CASE-123" in pop.header.label.text()
    SHOTS.mkdir(exist_ok=True)
    assert window.grab().save(str(SHOTS / f"pop-{language}.png"))

    script = next(
        i
        for i in sample_kb._store.iter_items()
        if i.kind.value == "script" and any("退款日期" in p for p in i.placeholders)
    )
    window.open_item(script.id)
    form = window.item_view.script

    def grab_question() -> None:
        box = form.confirm_box
        if box is None or not box.isVisible():
            QTimer.singleShot(20, grab_question)
            return
        assert box.grab().save(str(SHOTS / f"script-blanks-question-{language}.png"))

    QTimer.singleShot(0, grab_question)
    answer_blanks_question(form, copy_anyway=False)
    form.copy()
    assert window.grab().save(str(SHOTS / f"script-blanks-{language}.png"))
    window.shutdown()
    recorder.flush()
