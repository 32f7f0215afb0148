"""Who may see and change what: agents, managers of a team, editors (every endpoint)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.server.conftest import RunningServer
from tests.server.learning_fixtures import add_team, import_learning_pack

ASSIGNMENT = {"title": "复习退款流程", "item_id": "faq-refund", "due_on": "2026-12-05"}


@pytest.fixture
def tokens(server: RunningServer, tmp_path: Path) -> dict[str, str]:
    import_learning_pack(server, tmp_path / "pack")
    return add_team(server)


def test_each_endpoint_refuses_the_wrong_role(
    server: RunningServer, tokens: dict[str, str]
) -> None:
    manager_only: list[tuple[str, str, dict[str, Any] | None]] = [
        ("get", "/api/v1/team/profiles", None),
        ("get", "/api/v1/agents/li.na/profile", None),
        ("put", "/api/v1/agents/li.na/ratings", {"skill": "tech.esim", "rating": 3}),
        ("post", "/api/v1/assignments", {**ASSIGNMENT, "agents": ["li.na"]}),
    ]
    editor_only: list[tuple[str, str, dict[str, Any] | None]] = [
        ("get", "/api/v1/gaps", None),
        ("post", "/api/v1/gaps/1", {"action": "accept"}),
    ]
    for name in ("li.na", "ed.itor"):
        with server.client(tokens[name]) as client:
            for method, path, body in manager_only:
                answer = client.request(method, path, json=body)
                assert answer.status_code == 403, (name, path, answer.text)
    for name in ("li.na", "wang.mgr"):
        with server.client(tokens[name]) as client:
            for method, path, body in editor_only:
                answer = client.request(method, path, json=body)
                assert answer.status_code == 403, (name, path, answer.text)
    with server.client() as anonymous:
        for method, path, body in [
            *manager_only,
            *editor_only,
            ("get", "/api/v1/me/profile", None),
        ]:
            assert anonymous.request(method, path, json=body).status_code == 401


def test_a_manager_sees_and_changes_only_their_own_team(
    server: RunningServer, tokens: dict[str, str]
) -> None:
    with server.client(tokens["wang.mgr"]) as client:
        team = client.get("/api/v1/team/profiles").json()
        assert [p["agent"] for p in team["agents"]] == ["li.na", "zhao.lei"]
        assert client.get("/api/v1/agents/li.na/profile").status_code == 200
        other = client.get("/api/v1/agents/chen.other/profile")
        assert other.status_code == 404
        assert "in your team" in other.json()["detail"]
        rating = client.put(
            "/api/v1/agents/chen.other/ratings", json={"skill": "tech.esim", "rating": 3}
        )
        assert rating.status_code == 404
        assign = client.post("/api/v1/assignments", json={**ASSIGNMENT, "agents": ["chen.other"]})
        assert assign.status_code == 400
        assert "not in your team" in assign.json()["detail"]
    with server.client(tokens["sun.mgr2"]) as client:
        assert [p["agent"] for p in client.get("/api/v1/team/profiles").json()["agents"]] == [
            "chen.other"
        ]


def test_assignment_reaches_the_agent_who_marks_it_done(
    server: RunningServer, tokens: dict[str, str]
) -> None:
    with server.client(tokens["wang.mgr"]) as client:
        bad = client.post(
            "/api/v1/assignments", json={**ASSIGNMENT, "team": True, "due_on": "12/05"}
        )
        assert bad.status_code == 400
        assert "YYYY-MM-DD" in bad.json()["detail"]
        window = {"window_start": "14:00", "window_end": "16:00"}
        made = client.post("/api/v1/assignments", json={**ASSIGNMENT, "team": True, **window})
        assert made.status_code == 201, made.text
        ids = made.json()["ids"]
        assert len(ids) == 2
    with server.client(tokens["li.na"]) as client:
        profile = client.get("/api/v1/me/profile", params={"lang": "zh"}).json()
        [assignment] = profile["assignments"]
        assert assignment["title"] == "复习退款流程"
        assert (assignment["window_start"], assignment["window_end"]) == ("14:00", "16:00")
        assert assignment["done_at"] is None
        [notice] = profile["notices"]
        assert notice["kind"] == "assignment"
        assert notice["text"] == "wang.mgr 给你布置了学习：复习退款流程（2026-12-05 前完成）"
        assert notice["item_id"] == "faq-refund"
        done = client.post(f"/api/v1/me/assignments/{assignment['id']}/done")
        assert done.status_code == 200
        first = done.json()["done_at"]
        assert first
        again = client.post(f"/api/v1/me/assignments/{assignment['id']}/done")
        assert again.json()["done_at"] == first  # idempotent
        theirs = next(i for i in ids if i != assignment["id"])
        assert client.post(f"/api/v1/me/assignments/{theirs}/done").status_code == 404
    with server.client(tokens["wang.mgr"]) as client:
        team = client.get("/api/v1/team/profiles").json()["agents"]
        done_by = {p["agent"]: p["assignments"][0]["done_at"] is not None for p in team}
        assert done_by == {"li.na": True, "zhao.lei": False}  # the manager sees completion
