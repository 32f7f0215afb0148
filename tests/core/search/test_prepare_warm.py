"""Search is declared ready only once its snapshot is open (issue #14)."""

from __future__ import annotations

import shutil
from pathlib import Path

from deskmate.core import KnowledgeBase


def test_prepare_index_opens_the_search_snapshot_before_search_is_ready(
    sample_kb: KnowledgeBase, tmp_path: Path
) -> None:
    # Opening it (and loading the field lengths) took about a second at 100k items: the
    # query typed while the index was prepared waited for it after "ready".
    data = tmp_path / "copy"
    shutil.copytree(sample_kb.data_dir, data)
    shutil.rmtree(data / "index")
    with KnowledgeBase.open(data, prepare_index=False) as kb:
        before = kb._snapshot
        assert before is None
        kb.prepare_index()
        assert kb.index_ready
        assert kb._snapshot is not None
        assert kb.search("退款", limit=1)
