"""The shortened request paths: the one-statement idle poll and the array insert of events."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from deskmate.server.auth import Role, add_user, get_user, revoke_tokens
from deskmate.server.content_import import import_packs
from deskmate.server.database import Database
from deskmate.server.events import ingest, parse_batch, team_events
from deskmate.server.tables import UserRow
from sqlalchemy import func, insert, select, text

from tests.server.conftest import RunningServer
from tests.server.helpers import item_record, write_pack


def test_idle_poll_checks_the_token_even_when_the_etag_matches(
    server: RunningServer, tmp_path: Path
) -> None:
    import_packs(server.db, [write_pack(tmp_path / "p", [item_record("a-1")])])
    token = server.user("alice")
    with server.client(token) as client:
        first = client.get("/api/v1/changes")
        cursor = first.json()["next_cursor"]
        page = client.get("/api/v1/changes", params={"cursor": cursor})
        etag = page.headers["etag"]
        again = client.get(
            "/api/v1/changes", params={"cursor": cursor}, headers={"If-None-Match": etag}
        )
        assert again.status_code == 304
        assert again.headers["etag"] == etag
        revoke_tokens(server.db, "alice")
        refused = client.get(
            "/api/v1/changes", params={"cursor": cursor}, headers={"If-None-Match": etag}
        )
        assert refused.status_code == 401
        assert "revoked" in refused.json()["detail"]
        assert (
            client.get("/api/v1/changes", headers={"Authorization": "Basic x"}).status_code == 401
        )
    # A new change still turns the 304 into a page, on the same ETag request.
    with server.client(server.user_token("alice")) as client:
        import_packs(server.db, [write_pack(tmp_path / "q", [item_record("a-2")])])
        fresh = client.get(
            "/api/v1/changes", params={"cursor": cursor}, headers={"If-None-Match": etag}
        )
        assert fresh.status_code == 200
        assert [i["id"] for i in fresh.json()["items"]] == ["a-2"]


def _insert_then_fail(db: Database) -> None:
    with db.write() as conn:
        conn.execute(insert(UserRow).values(name="ghost", role="agent", team=None, created_at="x"))
        raise RuntimeError("roll back")


def test_read_one_does_not_leak_autocommit_into_write_transactions(db_url: str) -> None:
    db = Database.open(db_url)
    try:
        for _ in range(3):  # take and return pooled connections in autocommit
            with db.read_one() as conn:
                assert conn.execute(text("SELECT 1")).scalar_one() == 1
        with pytest.raises(RuntimeError, match="roll back"):
            _insert_then_fail(db)
        with db.read() as conn:
            ghosts = conn.execute(
                select(func.count()).select_from(UserRow).where(UserRow.name == "ghost")
            ).scalar_one()
        assert ghosts == 0  # rolled back: the write did not run in autocommit
    finally:
        db.close()


def test_event_batches_store_every_field_once(db_url: str) -> None:
    db = Database.open(db_url)
    try:
        add_user(db, "ag", Role.AGENT, "t1")
        add_user(db, "boss", Role.MANAGER, "t1")
        events = [
            {
                "event_id": uuid.uuid4().hex,
                "agent_id": "ag",
                "kind": "search",
                "occurred_at": f"2026-11-23T09:{n // 60:02d}:{n % 60:02d}.000001+08:00",
                "query": f"花呗 还款 '引号' \"双引号\" {{}} [] {n}",
                "item_id": None,
                "result_count": n,
                "dwell_ms": None,
                "detail": {"n": n},
                "uploaded_at": None,
            }
            for n in range(990)
        ]
        body = json.dumps({"events": events + events[:10]}).encode()
        user = get_user(db, "ag")
        first = ingest(db, user, parse_batch(body))
        assert len(first.accepted) == 990
        assert len(first.duplicates) == 10
        again = ingest(db, user, parse_batch(body))
        assert again.accepted == []
        stored = team_events(db, get_user(db, "boss"), limit=2000)
        assert len(stored) == 990
        assert [e["query"] for e in stored] == [e["query"] for e in events]
        assert stored[7]["detail"] == {"n": 7}
    finally:
        db.close()


def test_vocabulary_poll_checks_the_token_and_follows_the_content(
    server: RunningServer, tmp_path: Path
) -> None:
    token = server.user("alice")
    with server.client(token) as client:
        first = client.get("/api/v1/vocabulary")
        etag = first.headers["etag"]
        assert client.get("/api/v1/vocabulary", headers={"If-None-Match": etag}).status_code == 304
        pack = write_pack(tmp_path / "v", [item_record("v-1")])
        (pack / "synonyms.txt").write_text("退款,退钱\n", encoding="utf-8")
        import_packs(server.db, [pack])
        changed = client.get("/api/v1/vocabulary", headers={"If-None-Match": etag})
        assert changed.status_code == 200
        assert changed.json()["synonyms"] == [["退款", "退钱"]]
        assert changed.headers["etag"] != etag
        revoke_tokens(server.db, "alice")
        refused = client.get(
            "/api/v1/vocabulary", headers={"If-None-Match": changed.headers["etag"]}
        )
        assert refused.status_code == 401
