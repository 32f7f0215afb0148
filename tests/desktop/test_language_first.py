"""The sidebar ranks items in the agent's UI language first (issue #18), zh_CN and en.

Through the real sidebar: the installed UI language reaches the search as a parameter.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from deskmate.core import Item, KnowledgeBase
from deskmate.desktop.i18n import content_language, install_translators, remove_translators
from deskmate.desktop.sidebar import SidebarWindow
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.core.content.test_model import faq
from tests.desktop.conftest import wait_for_results


@pytest.fixture(params=["zh_CN", "en"])
def language(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    translators = install_translators(qapp, request.param)
    yield request.param
    remove_translators(qapp, translators)


def test_equally_relevant_hits_come_in_the_agents_language_first(
    qtbot: QtBot, language: str, sample_kb: KnowledgeBase, sidebar: SidebarWindow
) -> None:
    sample_kb.upsert(
        [
            Item.from_dict(faq(id="zh-q", title="量子 iPhone 电池", body="说明", questions=[])),
            Item.from_dict(
                faq(
                    id="en-q",
                    title="量子 iPhone battery",
                    body="notes",
                    language="en",
                    questions=[],
                )
            ),
        ]
    )
    assert sample_kb.search("量子 ")[0].score == sample_kb.search("量子 ")[1].score
    sidebar.search_box.setText("量子 ")
    wait_for_results(qtbot, sidebar, "量子 ")
    shown = [sidebar.model.hit(n) for n in range(sidebar.model.rowCount())]
    first = "zh-q" if language == "zh_CN" else "en-q"
    assert [h.id for h in shown if h is not None] == [first, ({"zh-q", "en-q"} - {first}).pop()]


def test_no_preference_before_a_language_is_installed(qapp: QApplication) -> None:
    assert content_language() is None
    translators = install_translators(qapp, "en")
    assert content_language() == "en"
    remove_translators(qapp, translators)
    assert content_language() is None
