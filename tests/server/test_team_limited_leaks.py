"""Team-limited items never leak to other teams: recommendations, notices, manager pages (#17)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from deskmate.server.auth import get_user
from deskmate.server.learning.gap_decisions import decide
from deskmate.server.learning.gap_queue import collect_signals, list_topics

from tests.server.conftest import RunningServer
from tests.server.console_fixtures import console_client, post_gap
from tests.server.helpers import item_record
from tests.server.learning_fixtures import add_team, import_learning_pack

HIDDEN_TITLE = "退款内部口径（仅一组）"
LIMITED = item_record("faq-refund-t1", HIDDEN_TITLE, skills=["billing.refund"], teams=["t1"])


def _get(server: RunningServer, token: str, path: str, **params: Any) -> httpx.Response:
    with server.client(token) as client:
        answer = client.get(path, params=params)
    assert answer.status_code == 200, answer.text
    return answer


def test_recommendations_and_the_feed_follow_the_team(
    server: RunningServer, tmp_path: Path
) -> None:
    import_learning_pack(server, tmp_path / "pack", [LIMITED])
    tokens = add_team(server)
    own = _get(server, tokens["li.na"], "/api/v1/me/profile").json()
    other = _get(server, tokens["chen.other"], "/api/v1/me/profile").json()
    assert "faq-refund-t1" in {r["item_id"] for r in own["recommendations"]}
    assert "faq-refund-t1" not in {r["item_id"] for r in other["recommendations"]}
    assert HIDDEN_TITLE not in _get(server, tokens["chen.other"], "/api/v1/me/profile").text
    # The manager of the other team: not on their agent's profile, nor in the team's.
    for path in ("/api/v1/team/profiles", "/api/v1/agents/chen.other/profile"):
        assert HIDDEN_TITLE not in _get(server, tokens["sun.mgr2"], path).text
    feed = _get(server, tokens["chen.other"], "/api/v1/changes", limit=1000)
    assert HIDDEN_TITLE not in feed.text


def test_a_topic_resolved_with_a_limited_item_names_it_only_to_its_team(
    server: RunningServer, tmp_path: Path
) -> None:
    import_learning_pack(server, tmp_path / "pack", [LIMITED])
    tokens = add_team(server)
    post_gap(server, tokens["li.na"], "li.na", "退款内部口径是什么")
    post_gap(server, tokens["chen.other"], "chen.other", "退款内部口径是什么")
    collect_signals(server.db)
    editor = get_user(server.db, "ed.itor")
    [topic] = list_topics(server.db, editor, "open")
    decide(server.db, editor, topic["id"], "resolve", item_id="faq-refund-t1")
    own = _get(server, tokens["li.na"], "/api/v1/me/profile").text
    other = _get(server, tokens["chen.other"], "/api/v1/me/profile")
    assert HIDDEN_TITLE in own
    assert HIDDEN_TITLE not in other.text
    assert "faq-refund-t1" not in other.text
    notices = other.json()["notices"]
    assert any("其他团队" in n["text"] for n in notices), notices


def test_the_other_teams_manager_pages_do_not_list_it(
    server: RunningServer, tmp_path: Path
) -> None:
    import_learning_pack(server, tmp_path / "pack", [LIMITED])
    tokens = add_team(server)
    own = console_client(server, tokens["wang.mgr"])
    other = console_client(server, tokens["sun.mgr2"])
    try:
        assert HIDDEN_TITLE in own.get("/console/assign").text
        assert HIDDEN_TITLE in own.get("/console/articles").text  # never consulted
        assert HIDDEN_TITLE not in other.get("/console/assign").text
        assert HIDDEN_TITLE not in other.get("/console/articles").text
        with server.client(tokens["sun.mgr2"]) as api:
            refused = api.post(
                "/api/v1/assignments",
                json={
                    "team": True,
                    "title": "读一读",
                    "item_id": "faq-refund-t1",
                    "due_on": "2030-01-01",
                },
            )
        assert refused.status_code == 400
        assert HIDDEN_TITLE not in refused.text
    finally:
        own.close()
        other.close()
