"""The workbench end to end (issue #17): what editors publish reaches a synced sidebar.

The real SyncClient against the real server on loopback: a published FAQ is found by
the synced KnowledgeBase's search with its verification; an archived one leaves the
copy; a team-limited one never reaches another team; a proposal turned into an article
resolves its topic and the agent's next sync brings the notice.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from deskmate.core import KnowledgeBase
from deskmate.core.activity.consultation_log import ConsultationLog
from deskmate.core.learning import LearningStore
from deskmate.server.auth import Role, add_user, issue_token
from deskmate.server.learning.gap_queue import collect_signals

from tests.sync.conftest import AGENT, LiveServer, make_client


def _editor(server: LiveServer) -> httpx.Client:
    add_user(server.db, "wang.fang", Role.EDITOR, "kb")
    token = issue_token(server.db, "wang.fang")
    return httpx.Client(
        base_url=server.url, headers={"Authorization": f"Bearer {token}"}, timeout=30
    )


def _faq(item_id: str, title: str, body: str, **extra: Any) -> dict[str, Any]:
    return {"id": item_id, "kind": "faq", "title": title, "body": body, "language": "zh"} | extra


def _sync(kb: KnowledgeBase, server: LiveServer, token: str, **options: Any) -> None:
    with make_client(kb, None, server.url, token, **options) as client:
        report = client.sync_once()
    assert report.ok, report.problem


def test_published_found_archived_gone_and_other_teams_never_see_it(
    live_server: LiveServer, token: str, kb: KnowledgeBase, tmp_path: Path
) -> None:
    _sync(kb, live_server, token)
    with _editor(live_server) as editor:
        made = editor.post(
            "/api/v1/items", json=_faq("faq-esim-abroad", "境外激活电子卡", "先连无线网络。")
        )
        assert made.status_code == 201, made.text
        _sync(kb, live_server, token)
        assert kb.get("faq-esim-abroad") is None  # a draft stays on the server
        assert editor.post("/api/v1/items/faq-esim-abroad/publish").status_code == 200
        limited = _faq("faq-north-only", "北区专用退款流程", "北区内部。", teams=["north"])
        editor.post("/api/v1/items", json=limited)
        editor.post("/api/v1/items/faq-north-only/publish")
        _sync(kb, live_server, token)  # agent1 is of team1
        hits = kb.search("境外激活", limit=5)
        assert hits
        assert hits[0].id == "faq-esim-abroad"
        item = kb.get("faq-esim-abroad")
        assert item is not None
        assert item.verified_by == "wang.fang"
        assert item.verified_at is not None
        assert kb.get("faq-north-only") is None
        assert all(h.id != "faq-north-only" for h in kb.search("北区专用退款", limit=5))

        add_user(live_server.db, "north.agent", Role.AGENT, "north")
        with KnowledgeBase.open(tmp_path / "north") as north_kb:
            _sync(north_kb, live_server, issue_token(live_server.db, "north.agent"))
            assert north_kb.get("faq-north-only") is not None

        assert editor.post("/api/v1/items/faq-esim-abroad/archive").status_code == 200
        _sync(kb, live_server, token)
        assert kb.get("faq-esim-abroad") is None
        assert not [h for h in kb.search("境外激活", limit=5) if h.id == "faq-esim-abroad"]


def test_a_proposal_published_as_an_article_resolves_its_topic_and_tells_the_agent(
    live_server: LiveServer,
    learner: str,
    kb: KnowledgeBase,
    events: ConsultationLog,
    data_dir: Path,
) -> None:
    agent = httpx.Client(
        base_url=live_server.url, headers={"Authorization": f"Bearer {learner}"}, timeout=30
    )
    with agent, _editor(live_server) as editor:
        sent = agent.post(
            "/api/v1/proposals",
            json={"title": "港澳流量包怎么退订", "answer": "发送 TD 到 10086。", "client_id": "c1"},
        )
        assert sent.status_code in (200, 201), sent.text
        proposal = sent.json()["id"]
        collect_signals(live_server.db)
        draft = _faq(
            f"faq-proposal-{proposal}", "港澳流量包怎么退订", "发送 TD 到 10086 即可退订。"
        )
        made = editor.post("/api/v1/items", json=draft, params={"source": f"proposal:{proposal}"})
        assert made.status_code == 201, made.text
        answer = editor.post(f"/api/v1/items/{draft['id']}/publish").json()
        assert answer["resolved_topic"] is not None
    _sync(kb, live_server, learner)
    profile = LearningStore(data_dir, AGENT).snapshot().profile
    assert profile is not None
    said = [n.text for n in profile.notices if n.kind == "gap_resolved"]
    assert said == ["你反馈缺少的答案现在有了：「港澳流量包怎么退订」"]
    hits = kb.search("港澳流量包", limit=3)
    assert hits
    assert hits[0].id == draft["id"]
