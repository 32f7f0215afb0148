"""Issue #13: the demo's "did not find" searches say truly what the sample pack finds."""

from __future__ import annotations

from deskmate.core import KnowledgeBase
from deskmate.desktop.sidebar import RESULT_LIMIT
from deskmate.server.learning.demo_history import MISSING


def test_demo_result_counts_are_what_the_sample_pack_search_shows(
    sample_kb: KnowledgeBase,
) -> None:
    shown = {query: len(sample_kb.search(query, limit=RESULT_LIMIT)) for query, _, _ in MISSING}
    assert shown == {query: count for query, _, count in MISSING}
    assert any(count == 0 for _, _, count in MISSING)  # some real no-results stay
