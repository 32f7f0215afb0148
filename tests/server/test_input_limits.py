"""Input at the API's edge: too-deep JSON, ids past 64 bits and NUL text get 4xx, never 500."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from deskmate.server.app import build_app
from deskmate.server.auth import Role
from deskmate.server.request_limits import MAX_ID, json_depth

from tests.server.conftest import RunningServer
from tests.server.helpers import event
from tests.server.learning_fixtures import add_team, import_learning_pack

HUGE = 99999999999999999999999
PROBLEM = "application/problem+json"


def _assert_problem(answer: httpx.Response, *statuses: int) -> dict[str, Any]:
    assert answer.status_code in statuses, (answer.status_code, answer.text[:300])
    assert answer.headers["content-type"].startswith(PROBLEM), answer.headers
    body: dict[str, Any] = answer.json()
    assert body["status"] == answer.status_code
    assert body["type"].startswith("https://deskmate.example/problems/")
    return body


def test_json_depth_counts_brackets_outside_strings() -> None:
    assert json_depth(b'{"a": "[[[[{{{{", "b": [1, {"c": []}]}') == 4
    assert json_depth(b'"\\"[[["') == 0
    assert json_depth(b"[" * 100_000, stop_above=64) == 65  # stops early


def test_a_100000_deep_event_detail_is_refused(server: RunningServer) -> None:
    token = server.user("li.na")
    deep = "[" * 100_000 + "]" * 100_000
    one = json.dumps(event("li.na"))
    body = '{"events": [' + one[:-1] + ', "detail": {"x": ' + deep + "}}]}"
    assert len(body) > 200_000
    with server.client(token) as client:
        answer = client.post(
            "/api/v1/events", content=body, headers={"Content-Type": "application/json"}
        )
        problem = _assert_problem(answer, 400)
        assert "64 levels" in problem["detail"]
        # The connection and the server are fine afterwards.
        assert client.get("/api/v1/me").status_code == 200


def test_a_detail_nine_levels_deep_is_refused_eight_stored(server: RunningServer) -> None:
    token = server.user("li.na")

    def nested(levels: int) -> dict[str, Any]:
        value: dict[str, Any] = {}
        for _ in range(levels - 1):
            value = {"k": value}
        return value

    with server.client(token) as client:
        too_deep = client.post(
            "/api/v1/events", json={"events": [event("li.na", detail=nested(9))]}
        )
        problem = _assert_problem(too_deep, 422)
        assert "'detail'" in problem["detail"]
        fine = client.post("/api/v1/events", json={"events": [event("li.na", detail=nested(8))]})
        assert fine.status_code == 200, fine.text
        assert len(fine.json()["accepted"]) == 1


def test_deep_json_bodies_of_model_routes_are_refused(server: RunningServer) -> None:
    token = server.user("li.na")
    body = '{"title": "t", "answer": "a", "skills": ' + "[" * 65 + "]" * 65 + "}"
    with server.client(token) as client:
        answer = client.post(
            "/api/v1/proposals", content=body, headers={"Content-Type": "application/json"}
        )
        assert "64 levels" in _assert_problem(answer, 400)["detail"]


@pytest.mark.parametrize("bad", [HUGE, 2**63, MAX_ID + 1, 0, -1])
def test_out_of_range_ids_are_422_problems(server: RunningServer, bad: int) -> None:
    agent = server.user("li.na")
    editor = server.user("ed.itor", Role.EDITOR, None)
    with server.client(agent) as client:
        done = client.post(f"/api/v1/me/assignments/{bad}/done")
        assert "assignment_id" in _assert_problem(done, 422)["detail"]
    with server.client(editor) as client:
        gap = client.post(f"/api/v1/gaps/{bad}", json={"action": "dismiss"})
        assert "topic_id" in _assert_problem(gap, 422)["detail"]
        merge = client.post("/api/v1/gaps/1", json={"action": "merge", "into": bad})
        assert "into" in _assert_problem(merge, 422)["detail"]
        assert client.get("/api/v1/me").status_code == 200  # the connection survived


def test_the_largest_id_is_a_plain_404(server: RunningServer) -> None:
    agent = server.user("li.na")
    with server.client(agent) as client:
        _assert_problem(client.post(f"/api/v1/me/assignments/{MAX_ID}/done"), 404)


def test_nul_characters_are_refused_in_text(server: RunningServer) -> None:
    agent = server.user("li.na")
    manager = server.user("wang.mgr", Role.MANAGER)
    with server.client(agent) as client:
        # Built by hand: the client's ConsultationEvent drops NUL, an old or foreign client
        # may not.
        raw = {**event("li.na"), "item_id": "faq\x00refund"}
        item = client.post("/api/v1/events", json={"events": [raw]})
        _assert_problem(item, 422)
        proposal = client.post("/api/v1/proposals", json={"title": "a\x00b", "answer": "c"})
        _assert_problem(proposal, 422)
    with server.client(manager) as client:
        _assert_problem(client.get("/api/v1/agents/li%00na/profile"), 422)


def test_large_model_bodies_are_413(server: RunningServer) -> None:
    agent = server.user("li.na")
    with server.client(agent) as client:
        answer = client.post(
            "/api/v1/proposals", json={"title": "t", "answer": "答" * 200_000, "skills": []}
        )
        _assert_problem(answer, 413)


def test_an_unexpected_failure_is_still_a_problem_json_500() -> None:
    app = build_app(None)

    @app.get("/api/v1/test-bug")
    def bug() -> None:
        raise RuntimeError("a bug")

    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)

    async def call() -> httpx.Response:
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            return await client.get("/api/v1/test-bug")

    answer = asyncio.run(call())
    problem = _assert_problem(answer, 500)
    assert "a bug" not in problem["detail"]  # no internals to the client


def test_text_longer_than_its_column_is_a_4xx(server: RunningServer, tmp_path: Path) -> None:
    import_learning_pack(server, tmp_path / "pack")
    tokens = add_team(server)
    long_id = "x" * 129
    with server.client(tokens["li.na"]) as agent:
        answer = agent.post(
            "/api/v1/proposals", json={"title": "t", "answer": "a", "item_id": long_id}
        )
        _assert_problem(answer, 400, 422)
    assignment = {"title": "复习", "due_on": "2026-12-05", "agents": ["li.na"]}
    with server.client(tokens["wang.mgr"]) as manager:
        for extra in (
            {"skill": long_id},
            {"item_id": long_id},
            {"url": "https://" + "x" * 2000},
            {"agents": [long_id]},
        ):
            _assert_problem(
                manager.post("/api/v1/assignments", json={**assignment, **extra}), 400, 422
            )
    with server.client(tokens["ed.itor"]) as editor:
        answer = editor.post("/api/v1/gaps/1", json={"action": "resolve", "item_id": long_id})
        _assert_problem(answer, 400, 404, 422)


def test_an_over_long_event_time_is_422(server: RunningServer) -> None:
    token = server.user("li.na")
    # Valid ISO 8601 (an offset with seconds and microseconds), 42 characters.
    odd = event("li.na", occurred_at="2026-11-23T09:30:12.345678+08:00:00.123456")
    with server.client(token) as client:
        answer = client.post("/api/v1/events", json={"events": [odd]})
        assert "occurred_at" in _assert_problem(answer, 422)["detail"]


@pytest.mark.parametrize("text", ["\\ud800", "a\\udfffb"])
def test_lone_surrogates_are_refused(server: RunningServer, text: str) -> None:
    token = server.user("li.na")
    body = '{"title": "' + text + '", "answer": "a"}'
    with server.client(token) as client:
        answer = client.post(
            "/api/v1/proposals", content=body, headers={"Content-Type": "application/json"}
        )
        _assert_problem(answer, 400, 422)
        one = json.dumps(event("li.na"))
        batch = '{"events": [' + one[:-1] + ', "query": "' + text + '"}]}'
        answer = client.post(
            "/api/v1/events", content=batch, headers={"Content-Type": "application/json"}
        )
        _assert_problem(answer, 400, 422)


def test_bodies_must_be_strict_utf8(server: RunningServer) -> None:
    token = server.user("li.na")
    cesu = b'{"title": "\xed\xa0\x80", "answer": "a"}'  # a surrogate, UTF-8-encoded
    utf16 = '{"title": "t", "answer": "a"}'.encode("utf-16")
    with server.client(token) as client:
        for body in (cesu, utf16):
            answer = client.post(
                "/api/v1/proposals", content=body, headers={"Content-Type": "application/json"}
            )
            assert "UTF-8" in _assert_problem(answer, 400)["detail"]
