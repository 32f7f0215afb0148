"""Dictionaries (issue #16): rjieba without its unused default copy, pypinyin released."""

from __future__ import annotations

import json
import subprocess
import sys

from deskmate.core.search import analysis
from deskmate.core.search.analysis import Segmenter, pinyin_keys
from deskmate.core.search.dictionaries import pinyin_module, release_pinyin

# Run in a fresh interpreter: the test process may have imported ``rjieba`` already.
_PROBE = """
import json, sys
from deskmate.core.search.analysis import Segmenter

words = Segmenter(["花呗"]).words("花呗怎么还款")
package_before = "rjieba" in sys.modules
import rjieba  # a later import of the package still works (the engine is reused)

print(json.dumps({
    "words": words,
    "package_before": package_before,
    "same_engine": rjieba.Jieba is sys.modules["rjieba.rjieba"].Jieba,
    "cut": rjieba.cut("花呗怎么还款"),
}))
"""


def test_segmenting_does_not_build_rjiebas_default_dictionary() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE], capture_output=True, text=True, timeout=120, check=True
    )
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["words"] == ["花呗", "怎么", "还款"]  # the pack's word is one word
    # ``import rjieba`` would have built its module-level Jieba() (~30 MB) nobody uses.
    assert seen["package_before"] is False
    assert seen["same_engine"] is True
    assert "还款" in seen["cut"]


def test_released_pinyin_tables_are_emptied_and_reload_with_the_same_keys() -> None:
    segmenter = Segmenter(["花呗"])
    title = "花呗怎么还款 银行卡解绑"
    _forget_readings()
    before = pinyin_keys(segmenter, title)
    with pinyin_module():
        phrases = sys.modules["pypinyin.constants"].PHRASES_DICT
    assert len(phrases) > 40_000

    assert release_pinyin() is True
    # Emptied in place: the memory is freed now, not at a collection of frozen objects.
    assert len(phrases) == 0
    assert "pypinyin" not in sys.modules
    assert release_pinyin() is False  # nothing loaded any more

    _forget_readings()
    assert pinyin_keys(segmenter, title) == before  # imported again, same readings
    assert "huankuan" in before.full


def _forget_readings() -> None:
    """Drop the remembered readings, so the next keys come from pypinyin itself."""
    analysis._word_readings.cache_clear()
    analysis._char_readings.cache_clear()


def test_pypinyin_is_used_only_through_pinyin_module() -> None:
    """A direct import keeps references a release empties (gap readings once did)."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    direct = []
    for folder in ("core", "server", "desktop", "indexer"):
        for path in (root / folder).rglob("*.py"):
            if path.name == "dictionaries.py":
                continue
            for node in ast.walk(ast.parse(path.read_text("utf-8"))):
                names = (
                    [a.name for a in node.names]
                    if isinstance(node, ast.Import)
                    else [node.module or ""]
                    if isinstance(node, ast.ImportFrom)
                    else []
                )
                if any(n == "pypinyin" or n.startswith("pypinyin.") for n in names):
                    direct.append(str(path.relative_to(root)))
    assert direct == []
