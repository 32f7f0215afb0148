"""Managers see and rate only their own team's agents: a fellow manager is not one of them."""

from __future__ import annotations

from pathlib import Path

from deskmate.server.auth import Role, add_user, issue_token

from tests.server.conftest import RunningServer
from tests.server.console_fixtures import console_client, form_csrf
from tests.server.learning_fixtures import add_team, import_learning_pack


def test_a_manager_cannot_read_or_rate_a_fellow_manager(
    server: RunningServer, tmp_path: Path
) -> None:
    import_learning_pack(server, tmp_path / "pack")
    tokens = add_team(server)
    add_user(server.db, "qian.mgr", Role.MANAGER, "t1")  # a second manager of team t1
    issue_token(server.db, "qian.mgr")
    rating = {"skill": "tech.esim", "rating": 1, "comment": "x"}
    with server.client(tokens["wang.mgr"]) as client:
        assert client.get("/api/v1/agents/li.na/profile").status_code == 200  # an agent: fine
        for name in ("qian.mgr", "wang.mgr", "sun.mgr2"):
            profile = client.get(f"/api/v1/agents/{name}/profile")
            assert profile.status_code == 404, (name, profile.text)
            rated = client.put(f"/api/v1/agents/{name}/ratings", json=rating)
            assert rated.status_code == 404, (name, rated.text)
        # A fellow manager is answered exactly like another team's agent.
        other = client.get("/api/v1/agents/chen.other/profile")
        assert other.status_code == 404
        assert other.headers["content-type"].startswith("application/problem+json")
    console = console_client(server, tokens["wang.mgr"])
    try:
        agent_page = console.get("/console/agents/li.na")
        assert agent_page.status_code == 200
        assert console.get("/console/agents/qian.mgr").status_code == 404
        csrf = form_csrf(agent_page.text, "/console/agents/li.na/ratings")
        posted = console.post(
            "/console/agents/qian.mgr/ratings",
            data={"csrf": csrf, "skill": "tech.esim", "rating": "1", "comment": "x"},
        )
        assert posted.status_code in (403, 404), posted.text
    finally:
        console.close()
