"""Tokens (401, revocation, hashing), /me, /health and the roles."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest
from deskmate.server.auth import ROLE_PERMISSIONS, Permission, Role, get_user, revoke_tokens
from deskmate.server.content_import import import_packs
from deskmate.server.errors import ForbiddenError
from deskmate.server.events import team_events
from deskmate.server.tables import TokenRow
from sqlalchemy import select

from tests.server.conftest import RunningServer
from tests.server.helpers import event, item_record, write_pack

PROBLEM = "https://deskmate.example/problems/"


def test_health_needs_no_token_and_me_says_who(server: RunningServer) -> None:
    with server.client() as anonymous:
        assert anonymous.get("/api/v1/health").json() == {"status": "ok"}
    token = server.user("carol", Role.MANAGER, "north")
    with server.client(token) as client:
        assert client.get("/api/v1/me").json() == {
            "name": "carol",
            "role": "manager",
            "team": "north",
        }


@pytest.mark.parametrize("path", ["/api/v1/me", "/api/v1/changes", "/api/v1/vocabulary"])
@pytest.mark.parametrize(
    "authorization", [None, "Bearer", "Bearer nope", "Basic YWxpY2U6eA==", "token-only"]
)
def test_missing_or_unknown_token_is_401(
    server: RunningServer, path: str, authorization: str | None
) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    with server.client() as client:
        response = client.get(path, headers=headers)
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/problem+json"
        assert response.headers["www-authenticate"] == "Bearer"
        problem = response.json()
        assert problem["type"] == PROBLEM + "unauthorized"
        assert problem["status"] == 401
        assert problem["title"]
        assert problem["detail"]
        posted = client.post("/api/v1/events", json={"events": []}, headers=headers)
        assert posted.status_code == 401


def test_revoked_token_is_401_at_once(server: RunningServer) -> None:
    token = server.user("alice")
    with server.client(token) as client:
        assert client.get("/api/v1/me").status_code == 200
        assert revoke_tokens(server.db, "alice") == 1
        response = client.get("/api/v1/me")
        assert response.status_code == 401
        assert "revoked" in response.json()["detail"]
        assert client.post("/api/v1/events", json={"events": [event("alice")]}).status_code == 401
    with server.client(server.user_token("alice")) as client:  # a new token works again
        assert client.get("/api/v1/me").status_code == 200


def test_only_the_token_hash_is_stored(server: RunningServer) -> None:
    token = server.user("alice")
    with server.db.read() as conn:
        hashes = list(conn.execute(select(TokenRow.token_hash)).scalars())
    assert token not in hashes
    assert len(hashes[0]) == 64


def test_access_log_has_no_tokens_or_bodies(
    server: RunningServer, caplog: pytest.LogCaptureFixture
) -> None:
    token = server.user("alice")
    typed = "客户的身份证号 110101"
    with (
        caplog.at_level(logging.INFO, logger="deskmate.server.access"),
        server.client(token) as client,
    ):
        client.post("/api/v1/events", json={"events": [event("alice", query=typed)]})
        client.get("/api/v1/changes", params={"cursor": ""})
        client.get("/api/v1/me", headers={"Authorization": "Bearer wrong-token"})

        # The server writes its access line once the response has gone out, in its own
        # thread: the client can have the answer a moment before the line exists.
        def access_lines() -> list[logging.LogRecord]:
            return [r for r in caplog.records if r.name == "deskmate.server.access"]

        deadline = time.monotonic() + 5
        while len(access_lines()) < 3 and time.monotonic() < deadline:
            time.sleep(0.02)
    access = access_lines()
    assert len(access) == 3
    assert [r.access["status"] for r in access] == [200, 200, 401]  # type: ignore[attr-defined]
    assert access[0].access["user"] == "alice"  # type: ignore[attr-defined]
    text = caplog.text
    assert token not in text
    assert "wrong-token" not in text
    assert typed not in text


def test_role_permissions() -> None:
    for role in Role:
        assert {Permission.READ_CONTENT, Permission.POST_OWN_EVENTS} <= ROLE_PERMISSIONS[role]
    assert Permission.IMPORT_CONTENT in ROLE_PERMISSIONS[Role.EDITOR]
    assert Permission.IMPORT_CONTENT not in ROLE_PERMISSIONS[Role.AGENT]
    assert Permission.IMPORT_CONTENT not in ROLE_PERMISSIONS[Role.MANAGER]
    assert Permission.READ_TEAM_EVENTS in ROLE_PERMISSIONS[Role.MANAGER]
    assert Permission.READ_TEAM_EVENTS not in ROLE_PERMISSIONS[Role.AGENT]
    assert Permission.READ_TEAM_EVENTS not in ROLE_PERMISSIONS[Role.EDITOR]


def test_every_role_reads_content_and_posts_only_its_own_events(server: RunningServer) -> None:
    for role in Role:
        name = f"user-{role.value}"
        with server.client(server.user(name, role)) as client:
            assert client.get("/api/v1/changes").status_code == 200
            mine = client.post("/api/v1/events", json={"events": [event(name)]})
            assert mine.status_code == 200
            assert len(mine.json()["accepted"]) == 1
            theirs = client.post("/api/v1/events", json={"events": [event("someone-else")]})
            assert theirs.status_code == 403


def test_only_editors_import(server: RunningServer, tmp_path: Path) -> None:
    pack = write_pack(tmp_path / "p", [item_record("a")])
    server.user("ed", Role.EDITOR)
    server.user("al", Role.AGENT)
    server.user("ma", Role.MANAGER)
    for name in ("al", "ma"):
        with pytest.raises(ForbiddenError, match="may not import content"):
            import_packs(server.db, [pack], actor=get_user(server.db, name))
    report = import_packs(server.db, [pack], actor=get_user(server.db, "ed"))
    assert report.applied
    assert report.added == 1


def test_managers_read_their_team_only(server: RunningServer) -> None:
    tokens = {
        "a1": server.user("a1", Role.AGENT, "north"),
        "a2": server.user("a2", Role.AGENT, "north"),
        "b1": server.user("b1", Role.AGENT, "south"),
    }
    server.user("boss", Role.MANAGER, "north")
    sent: dict[str, str] = {}
    for name, token in tokens.items():
        with server.client(token) as client:
            batch = [event(name)]
            client.post("/api/v1/events", json={"events": batch}).raise_for_status()
            sent[name] = batch[0]["event_id"]
    seen = team_events(server.db, get_user(server.db, "boss"))
    assert sorted(e["event_id"] for e in seen) == sorted([sent["a1"], sent["a2"]])
    assert {e["agent_id"] for e in seen} == {"a1", "a2"}
    for name in ("a1", "b1"):
        with pytest.raises(ForbiddenError):
            team_events(server.db, get_user(server.db, name))
