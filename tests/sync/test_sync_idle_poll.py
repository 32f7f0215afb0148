"""The first idle poll after a sync is already a 304 (the last page's ETag is for next time)."""

from __future__ import annotations

from pathlib import Path

from deskmate.core import KnowledgeBase

from tests.sync.conftest import FaultProxy, LiveServer, faq, make_client


def _changes(proxy: FaultProxy) -> list[str]:
    return [p for _m, p, _h in proxy.seen if p.startswith("/api/v1/changes")]


def test_the_poll_right_after_a_sync_is_not_modified(
    live_server: LiveServer, token: str, kb: KnowledgeBase, proxy: FaultProxy, tmp_path: Path
) -> None:
    with make_client(kb, None, proxy.url, token) as client:
        first = client.sync_once()
        assert first.ok
        assert first.added > 0
        proxy.seen.clear()
        idle = client.sync_once()
        assert idle.ok
        assert idle.not_modified  # no empty 200 page first
        assert len(_changes(proxy)) == 1
        # A change still arrives at once, and the poll after it is again a 304.
        live_server.import_records(tmp_path / "p.jsonl", [faq("faq-idle-1", "空闲轮询新条目")])
        changed = client.sync_once()
        assert changed.added == 1
        assert client.sync_once().not_modified
        assert [h.id for h in kb.search("空闲轮询新条目", limit=1)] == ["faq-idle-1"]
