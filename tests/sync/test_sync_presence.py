"""An expert's presence set on the server reaches the sidebar's copy (issue #18)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from deskmate.core import KnowledgeBase
from deskmate.core.content.availability import Reach, availability

from tests.sync.conftest import LiveServer, make_client


def test_presence_published_on_the_server_syncs_to_the_expert_card(
    live_server: LiveServer, token: str, kb: KnowledgeBase, tmp_path: Path
) -> None:
    with make_client(kb, None, live_server.url, token) as client:
        assert client.sync_once().ok
        item = kb.get("exp-001")
        assert item is not None
        assert item.expert is not None
        assert item.expert.presence == ""
        record = item.to_dict() | {"presence": "busy", "version": item.version + 1}
        live_server.import_records(tmp_path / "presence.jsonl", [record])
        assert client.sync_once().ok
    synced = kb.get("exp-001")
    assert synced is not None
    assert synced.expert is not None
    assert synced.expert.presence == "busy"
    assert availability(synced.expert, datetime.now().astimezone()).reach is Reach.BUSY
