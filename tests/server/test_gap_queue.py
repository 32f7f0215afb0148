"""The knowledge-gap queue over the real API: signals grouped, decided, flaggers told."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from deskmate.core.activity.events import EventKind

from tests.server.conftest import RunningServer
from tests.server.helpers import event, item_record
from tests.server.learning_fixtures import add_team, import_learning_pack


@pytest.fixture
def tokens(server: RunningServer, tmp_path: Path) -> dict[str, str]:
    import_learning_pack(server, tmp_path / "pack")
    return add_team(server)


def _post(server: RunningServer, token: str, events: list[dict[str, Any]]) -> None:
    with server.client(token) as client:
        assert client.post("/api/v1/events", json={"events": events}).status_code == 200


def _gap(agent: str, query: str, **extra: Any) -> dict[str, Any]:
    detail = {"gap_type": "missing", "note": "客户问的", "interaction_id": "C-1"}
    return event(agent, EventKind.GAP, query=query, detail=detail, result_count=None, **extra)


def _topics(server: RunningServer, token: str, status: str = "open") -> list[dict[str, Any]]:
    with server.client(token) as client:
        answer = client.get("/api/v1/gaps", params={"status": status})
    assert answer.status_code == 200, answer.text
    return answer.json()["topics"]  # type: ignore[no-any-return]


def test_similar_signals_become_one_topic_and_resolving_tells_the_flaggers(
    server: RunningServer, tokens: dict[str, str], tmp_path: Path
) -> None:
    _post(
        server,
        tokens["li.na"],
        [
            _gap("li.na", "eSIM 换机后无法激活"),
            event("li.na", EventKind.NO_RESULT, query="花呗还款日能改吗", result_count=0),
            event("li.na", EventKind.SEARCH, query="退款"),  # an ordinary search: no signal
            event("li.na", EventKind.FEEDBACK, item_id="faq-refund", detail={"helpful": True}),
        ],
    )
    _post(
        server,
        tokens["zhao.lei"],
        [
            event("zhao.lei", EventKind.NO_RESULT, query="eSIM 换新手机激活失败", result_count=0),
            event(
                "zhao.lei", EventKind.FEEDBACK, item_id="faq-refund-card", detail={"helpful": False}
            ),
        ],
    )
    topics = _topics(server, tokens["ed.itor"])
    by_label = {t["label"]: t for t in topics}
    esim = next(t for t in topics if "eSIM" in t["label"])
    assert esim["count"] == 2
    assert sorted(esim["agents"]) == ["li.na", "zhao.lei"]
    assert esim["kinds"]["gap"] == 1
    assert esim["kinds"]["no_result"] == 1
    assert set(esim["examples"]) == {"eSIM 换机后无法激活", "eSIM 换新手机激活失败"}
    assert esim["first_seen"] <= esim["last_seen"]
    unhelpful = next(t for t in topics if t["kinds"]["unhelpful"])
    assert unhelpful["examples"] == ["退款退到哪张卡"]  # an item vote: the item's title
    assert len(topics) == 3, by_label
    # Collecting again adds nothing: each upload becomes a signal once.
    assert sum(t["count"] for t in _topics(server, tokens["ed.itor"])) == 4
    # The editor writes the answer, imports it, and resolves the topic with it.
    import_learning_pack(
        server, tmp_path / "pack2", [item_record("faq-esim-activate", "eSIM 换机激活")]
    )
    with server.client(tokens["ed.itor"]) as client:
        missing = client.post(
            f"/api/v1/gaps/{esim['id']}", json={"action": "resolve", "item_id": "nope"}
        )
        assert missing.status_code == 400
        done = client.post(
            f"/api/v1/gaps/{esim['id']}", json={"action": "resolve", "item_id": "faq-esim-activate"}
        )
        assert done.status_code == 200, done.text
        assert done.json()["status"] == "resolved"
    for name in ("li.na", "zhao.lei"):
        with server.client(tokens[name]) as client:
            notices = client.get("/api/v1/me/profile", params={"lang": "zh"}).json()["notices"]
        assert notices[0]["kind"] == "gap_resolved"
        assert notices[0]["text"] == "你反馈缺少的答案现在有了：「eSIM 换机激活」"
        assert notices[0]["item_id"] == "faq-esim-activate"
    assert [t["id"] for t in _topics(server, tokens["ed.itor"], "resolved")] == [esim["id"]]
    assert esim["id"] not in [t["id"] for t in _topics(server, tokens["ed.itor"])]


def test_merge_dismiss_and_reopen(server: RunningServer, tokens: dict[str, str]) -> None:
    _post(
        server,
        tokens["li.na"],
        [
            _gap("li.na", "发票抬头开错了怎么改"),
            _gap("li.na", "日本漫游流量包多少钱"),
        ],
    )
    first, second = sorted(_topics(server, tokens["ed.itor"]), key=lambda t: t["id"])
    with server.client(tokens["ed.itor"]) as client:
        assert (
            client.post(f"/api/v1/gaps/{first['id']}", json={"action": "merge"}).status_code == 400
        )
        assert (
            client.post(f"/api/v1/gaps/{first['id']}", json={"action": "explode"}).status_code
            == 400
        )
        merged = client.post(
            f"/api/v1/gaps/{first['id']}", json={"action": "merge", "into": second["id"]}
        )
        assert merged.json()["status"] == "merged"
        [left] = _topics(server, tokens["ed.itor"])
        assert left["id"] == second["id"]
        assert left["count"] == 2  # the merged topic's signals count here now
        dismissed = client.post(f"/api/v1/gaps/{second['id']}", json={"action": "dismiss"})
        assert dismissed.json()["status"] == "dismissed"
        assert _topics(server, tokens["ed.itor"]) == []
        client.post(f"/api/v1/gaps/{second['id']}", json={"action": "reopen"})
        assert [t["id"] for t in _topics(server, tokens["ed.itor"])] == [second["id"]]
        assert client.post("/api/v1/gaps/9999", json={"action": "accept"}).status_code == 404


def test_a_proposal_arrives_once_as_a_draft(server: RunningServer, tokens: dict[str, str]) -> None:
    body = {
        "title": "eSIM 换机转移失败怎么办",
        "answer": "先确认旧手机已删除 eSIM，再……",
        "skills": ["tech.esim"],
        "client_id": "c0ffee",
    }
    with server.client(tokens["li.na"]) as client:
        first = client.post("/api/v1/proposals", json=body)
        again = client.post("/api/v1/proposals", json=body)  # the answer was lost: re-sent
        empty = client.post("/api/v1/proposals", json={**body, "title": " ", "client_id": "x"})
    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert empty.status_code == 400
    [topic] = _topics(server, tokens["ed.itor"])
    assert topic["kinds"]["proposal"] == 1
    assert topic["examples"] == ["eSIM 换机转移失败怎么办"]
