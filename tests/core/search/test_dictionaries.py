"""The segmenter's dictionary is loaded once, without rjieba's unused default copy (issue #16)."""

from __future__ import annotations

import json
import subprocess
import sys

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
