"""POST /api/v1/events: exactly once, ownership, limits and validation."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from deskmate.core.activity.events import EventKind
from deskmate.server.events import MAX_EVENTS
from deskmate.server.tables import EventRow
from sqlalchemy import func, select

from tests.server.conftest import RunningServer
from tests.server.helpers import event

PROBLEM = "https://deskmate.example/problems/"


def stored_count(server: RunningServer) -> int:
    with server.db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(EventRow)).scalar_one())


def test_events_are_stored_once_however_often_resent(server: RunningServer) -> None:
    batch = [event("alice"), event("alice", EventKind.OPEN, item_id="faq-1", dwell_ms=1200)]
    ids = [e["event_id"] for e in batch]
    with server.client(server.user("alice")) as client:
        first = client.post("/api/v1/events", json={"events": batch})
        assert first.status_code == 200
        assert first.json() == {"accepted": ids, "duplicates": []}
        extra = event("alice", EventKind.FEEDBACK, item_id="faq-1", detail={"helpful": True})
        again = client.post("/api/v1/events", json={"events": [*batch, extra]})
        assert again.json() == {"accepted": [extra["event_id"]], "duplicates": ids}
        same_twice = event("alice")
        twice = client.post("/api/v1/events", json={"events": [same_twice, same_twice]})
        assert twice.json() == {
            "accepted": [same_twice["event_id"]],
            "duplicates": [same_twice["event_id"]],
        }
        assert client.post("/api/v1/events", json={"events": []}).json() == {
            "accepted": [],
            "duplicates": [],
        }
    assert stored_count(server) == 4
    with server.db.read() as conn:
        payload = conn.execute(
            select(EventRow.payload).where(EventRow.event_id == ids[1])
        ).scalar_one()
    assert json.loads(payload) == batch[1]


def test_concurrent_resends_store_each_event_once(server: RunningServer) -> None:
    batch = [event("alice") for _ in range(200)]
    token = server.user("alice")

    def send(_n: int) -> dict[str, list[str]]:
        with server.client(token) as client:
            response = client.post("/api/v1/events", json={"events": batch})
            assert response.status_code == 200, response.text
            result: dict[str, list[str]] = response.json()
            return result

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(send, range(16)))
    accepted = [i for r in results for i in r["accepted"]]
    assert sorted(accepted) == sorted(e["event_id"] for e in batch)  # each exactly once
    for result in results:
        assert sorted(result["accepted"] + result["duplicates"]) == sorted(accepted)
    assert stored_count(server) == 200


def test_another_agents_event_is_403_and_nothing_is_stored(server: RunningServer) -> None:
    server.user("bob")
    batch = [event("alice"), event("bob"), event("alice")]
    with server.client(server.user("alice")) as client:
        response = client.post("/api/v1/events", json={"events": batch})
        assert response.status_code == 403
        problem = response.json()
        assert problem["type"] == PROBLEM + "forbidden"
        assert batch[1]["event_id"] in problem["detail"]
        assert "bob" in problem["detail"]
        assert stored_count(server) == 0
        ok = client.post("/api/v1/events", json={"events": [batch[0], batch[2]]})
        assert len(ok.json()["accepted"]) == 2


def test_too_many_events_is_413(server: RunningServer) -> None:
    with server.client(server.user("alice")) as client:
        batch = [event("alice") for _ in range(MAX_EVENTS + 1)]
        response = client.post("/api/v1/events", json={"events": batch})
        assert response.status_code == 413
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["type"] == PROBLEM + "payload-too-large"
        assert "1,001 events" in response.json()["detail"]
        assert "1,000" in response.json()["detail"]
        exactly = client.post("/api/v1/events", json={"events": batch[:MAX_EVENTS]})
        assert exactly.status_code == 200
    assert stored_count(server) == MAX_EVENTS


def test_oversized_body_is_413(server: RunningServer) -> None:
    huge = [event("alice", query="长" * 400_000) for _ in range(2)]  # > 2 MB of UTF-8
    body = json.dumps({"events": huge}, ensure_ascii=False).encode()
    with server.client(server.user("alice")) as client:
        declared = client.post(
            "/api/v1/events", content=body, headers={"Content-Type": "application/json"}
        )
        assert declared.status_code == 413
        assert "limit is 2,097,152 bytes" in declared.json()["detail"]

        def chunks() -> object:  # no Content-Length: the server counts as it reads
            for start in range(0, len(body), 65536):
                yield body[start : start + 65536]

        streamed = client.post("/api/v1/events", content=chunks())  # type: ignore[arg-type]
        assert streamed.status_code == 413
        assert streamed.json()["type"] == PROBLEM + "payload-too-large"
    assert stored_count(server) == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "shout"}, "kind"),
        ({"occurred_at": "yesterday"}, "occurred_at"),
        ({"occurred_at": "2026-11-23T09:30:12"}, "occurred_at"),
        ({"result_count": -1}, "result_count"),
        ({"dwell_ms": "long"}, "dwell_ms"),
        ({"detail": [1]}, "detail"),
        ({"item_id": "x" * 129}, "item_id"),
        ({"query": None, "agent_id": 7}, "agent_id"),
    ],
)
def test_invalid_event_is_422_naming_event_and_field(
    server: RunningServer, change: dict[str, object], field: str
) -> None:
    good = event("alice")
    bad = {**event("alice"), **change}
    with server.client(server.user("alice")) as client:
        response = client.post("/api/v1/events", json={"events": [good, bad]})
    assert response.status_code == 422
    problem = response.json()
    assert problem["type"] == PROBLEM + "invalid-event"
    assert bad["event_id"] in problem["detail"]
    assert f"'{field}'" in problem["detail"]
    assert stored_count(server) == 0


@pytest.mark.parametrize(
    ("body", "status", "slug"),
    [
        (b"not json", 400, "bad-request"),
        (b"[]", 400, "bad-request"),
        (b'{"events": {}}', 400, "bad-request"),
        (b'{"events": [1]}', 422, "invalid-event"),
        (b'{"events": [{"event_id": "not-hex"}]}', 422, "invalid-event"),
    ],
)
def test_malformed_bodies(server: RunningServer, body: bytes, status: int, slug: str) -> None:
    with server.client(server.user("alice")) as client:
        response = client.post(
            "/api/v1/events", content=body, headers={"Content-Type": "application/json"}
        )
    assert response.status_code == status
    assert response.json()["type"] == PROBLEM + slug
