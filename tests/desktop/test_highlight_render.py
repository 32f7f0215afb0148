"""The sidebar and the CLI render the core's highlighted text themselves (issue #14).

The core hands over text plus ranges; here the real sidebar lays out a hit whose title
holds markup, and the CLI prints it to a pipe and to a terminal.
"""

from __future__ import annotations

import io

import pytest
from deskmate.core import HighlightedText, Item, KnowledgeBase
from deskmate.desktop.cli import main
from deskmate.desktop.highlight_render import rich_text
from deskmate.desktop.sidebar import SidebarWindow
from deskmate.desktop.terminal_text import BOLD, NORMAL, terminal_text
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QStyleOptionViewItem
from pytestqt.qtbot import QtBot

from tests.core.content.test_model import faq
from tests.desktop.conftest import wait_for_results

EVIL_TITLE = "量子<script>alert(1)</script> & 量子"


def test_the_result_list_draws_markup_as_text_with_the_matches_highlighted(
    qtbot: QtBot, sidebar: SidebarWindow, sample_kb: KnowledgeBase
) -> None:
    sample_kb.upsert([Item.from_dict(faq(id="evil-1", title=EVIL_TITLE, questions=[]))])
    sidebar.search_box.setText("量子")
    wait_for_results(qtbot, sidebar, "量子")
    rows = [sidebar.model.hit(n) for n in range(sidebar.model.rowCount())]
    row = next(n for n, hit in enumerate(rows) if hit is not None and hit.id == "evil-1")
    index = sidebar.model.index(row)
    option = QStyleOptionViewItem()
    option.initFrom(sidebar.results)
    option.rect = sidebar.results.visualRect(index)
    layout = sidebar.delegate._row(option, index).title
    assert layout.text() == EVIL_TITLE  # drawn as the characters, never parsed
    marked = [layout.text()[f.start : f.start + f.length] for f in layout.formats()]
    assert marked == ["量子", "量子"]
    tip = sidebar.model.data(index, Qt.ItemDataRole.ToolTipRole)
    assert "<script>" not in tip
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; " in tip
    assert tip.count(">量子</span>") == 2


def test_rich_text_escapes_inside_and_outside_the_matches() -> None:
    shown = rich_text(HighlightedText("<b>x</b> y", ((0, 3), (9, 10))))
    assert shown.startswith("<qt><span style=")
    assert "&lt;b&gt;</span>x&lt;/b&gt; <span" in shown
    assert "<b>" not in shown


def test_terminal_bold_only_on_a_terminal_and_controls_made_visible() -> None:
    text = HighlightedText("退款\x1b]0;owned\x07 退款", ((0, 2), (13, 15)))
    assert terminal_text(text, bold=False) == "退款\\x1b]0;owned\\x07 退款"
    assert terminal_text(text, bold=True) == (
        f"{BOLD}退款{NORMAL}\\x1b]0;owned\\x07 {BOLD}退款{NORMAL}"
    )


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("tty", [False, True])
def test_cli_search_prints_bold_matches_only_to_a_terminal(
    empty_kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch, tty: bool
) -> None:
    empty_kb.upsert([Item.from_dict(faq(id="evil-1", title=EVIL_TITLE, questions=[]))])
    data_dir = str(empty_kb.data_dir)
    empty_kb.close()
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    out = _Terminal() if tty else io.StringIO()
    monkeypatch.setattr("sys.stdout", out)
    assert main(["search", "--data-dir", data_dir, "量子"]) == 0
    printed = out.getvalue()
    assert "<script>alert(1)</script>" in printed  # a terminal shows text as text
    assert "<mark>" not in printed
    assert "&lt;" not in printed
    if tty:
        assert f"{BOLD}量子{NORMAL}<script>" in printed
    else:
        assert "\x1b" not in printed
        assert EVIL_TITLE in printed
