"""The sidebar paints lexical results first, then the fused ranking (issue #16).

Through the real sidebar, the real encoder and the sample pack with its vectors. A gate
in front of the encoder holds the fused answer back, so the test can act (move the
cursor, type on) between the two paints.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from deskmate.core import KnowledgeBase
from deskmate.core.activity.consultation_log import ConsultationLog
from deskmate.core.knowledge_base import Hit
from deskmate.core.search.encoder import FloatMatrix
from deskmate.core.search.snippets import HighlightedText
from deskmate.desktop.activity_recorder import ActivityRecorder
from deskmate.desktop.search_refine import refined_rows
from deskmate.desktop.sidebar import SidebarWindow
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.desktop.conftest import press, wait_for_results
from tests.encoders import WrappedEncoder

# The sample pack's faq-bb-007 (搬家了宽带能移过去吗？) in other words: lexical search
# misses it, the fused ranking puts it near the top (tests/core/test_semantic.py).
PARAPHRASE = "我要换个地方住家里的网络能跟着搬走吗"
PARAPHRASED_ID = "faq-bb-007"


class _GatedEncoder(WrappedEncoder):
    """The real encoder, but each call waits until the test opens the gate."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()
        self.waiting = threading.Event()

    def encode(self, texts: Sequence[str]) -> FloatMatrix:
        self.waiting.set()
        self.gate.wait(3)  # within the guard's deadline (2 s + 2 s per text)
        return self.inner.encode(texts)


@pytest.fixture
def gated() -> _GatedEncoder:
    return _GatedEncoder()


@pytest.fixture
def refining_sidebar(
    qtbot: QtBot, _semantic_kb_template: Path, tmp_path: Path, gated: _GatedEncoder
) -> Iterator[SidebarWindow]:
    """The sidebar on the encoded sample pack, its encoder behind the gate."""
    data = tmp_path / "data"
    shutil.copytree(_semantic_kb_template, data)
    with KnowledgeBase.open(data, lambda: gated) as kb:
        recorder = ActivityRecorder(ConsultationLog.open(data, "agent-007"))
        window = SidebarWindow(kb, recorder)
        qtbot.addWidget(window)
        window.resize(380, 800)
        window.show()
        qtbot.waitExposed(window)
        yield window
        gated.gate.set()
        window.jobs.wait_until_idle()
        window.shutdown()
        recorder.close()


def _rows(window: SidebarWindow) -> list[str]:
    model = window.model
    return [hit.id for row in range(model.rowCount()) if (hit := model.hit(row)) is not None]


def _ask(qtbot: QtBot, window: SidebarWindow, gated: _GatedEncoder, text: str) -> list[str]:
    """Put ``text`` in the box; the lexical rows once painted (the fused answer held)."""
    gated.gate.clear()
    gated.waiting.clear()
    window.search_box.setText(text)  # Chinese: set, not key clicks
    wait_for_results(qtbot, window, text)
    return _rows(window)


def test_lexical_rows_come_first_then_the_fused_ranking(
    qtbot: QtBot, refining_sidebar: SidebarWindow, gated: _GatedEncoder
) -> None:
    window = refining_sidebar
    lexical = _ask(qtbot, window, gated, PARAPHRASE)
    assert lexical == [h.id for h in window.kb.search(PARAPHRASE, 12, semantic=False)]
    assert PARAPHRASED_ID not in lexical[:5]
    assert gated.waiting.wait(5)  # the fused search is waiting for the encoder
    with qtbot.waitSignal(window.refiner.applied, timeout=10_000):
        gated.gate.set()
    fused = _rows(window)
    assert fused == [h.id for h in window.kb.search(PARAPHRASE, 12)]
    assert PARAPHRASED_ID in fused[:2]
    assert window.results.currentIndex().row() == 0  # the agent had not moved: best first


def test_the_list_does_not_move_under_the_agents_cursor(
    qtbot: QtBot, refining_sidebar: SidebarWindow, gated: _GatedEncoder
) -> None:
    window = refining_sidebar
    lexical = _ask(qtbot, window, gated, PARAPHRASE)
    press(qtbot, window.search_box, Qt.Key.Key_Down)
    press(qtbot, window.search_box, Qt.Key.Key_Down)
    assert window.results.currentIndex().row() == 2
    with qtbot.waitSignal(window.refiner.applied, timeout=10_000):
        gated.gate.set()
    rows = _rows(window)
    assert rows[:3] == lexical[:3]  # the rows down to the cursor stay put
    assert window.results.currentIndex().row() == 2
    assert window.model.hit(2).id == lexical[2]  # type: ignore[union-attr]
    fused = [h.id for h in window.kb.search(PARAPHRASE, 12)]
    assert rows[3:] == [i for i in fused if i not in lexical[:3]][: len(rows) - 3]
    assert PARAPHRASED_ID in rows  # the meaning's answer arrives below the cursor


def test_a_stale_fused_answer_is_dropped(
    qtbot: QtBot, refining_sidebar: SidebarWindow, gated: _GatedEncoder
) -> None:
    window = refining_sidebar
    _ask(qtbot, window, gated, PARAPHRASE)
    assert gated.waiting.wait(5)
    applied: list[int] = []
    window.refiner.applied.connect(applied.append)
    # The agent types on (a short text, lexical only) while the encoder is busy.
    newer = _ask(qtbot, window, gated, "宽带移机")
    gated.gate.set()
    assert window.jobs.wait_until_idle()
    assert applied == []
    assert _rows(window) == newer


def test_an_opened_item_is_not_repainted_behind_the_agent(
    qtbot: QtBot, refining_sidebar: SidebarWindow, gated: _GatedEncoder
) -> None:
    window = refining_sidebar
    lexical = _ask(qtbot, window, gated, PARAPHRASE)
    press(qtbot, window.search_box, Qt.Key.Key_Return)
    assert window.pages.currentWidget() is window.item_view
    gated.gate.set()
    assert window.jobs.wait_until_idle()
    assert _rows(window) == lexical


def _hit(item_id: str) -> Hit:
    return Hit(item_id, "faq", item_id, HighlightedText(""), 0.0)


def test_refined_rows_rule() -> None:
    shown = [_hit(i) for i in "abcd"]
    fused = [_hit(i) for i in "xcay"]
    # Not moved: the fused ranking, best first.
    assert ([h.id for h in refined_rows(shown, fused, 0, False)[0]], 0) == (list("xcay"), 0)
    # Moved to row 1: rows 0-1 stay, the rest follows the fused order without repeats.
    rows, row = refined_rows(shown, fused, 1, True)
    assert ([h.id for h in rows], row) == (list("abxc"), 1)
    # Nothing shown (lexical found nothing): the fused rows.
    assert [h.id for h in refined_rows([], fused, -1, False)[0]] == list("xcay")
