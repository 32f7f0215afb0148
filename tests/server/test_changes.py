"""GET /api/v1/changes: paging, cursors, resync, ETag, gzip, deletions and import versions."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest
from deskmate.core import Item
from deskmate.indexer.sample_pack import sample_pack_path
from deskmate.server.changes import encode_cursor
from deskmate.server.content_import import import_packs

from tests.server.conftest import DatabaseFactory, RunningServer
from tests.server.helpers import item_record, write_pack

PROBLEM = "https://deskmate.example/problems/"


def import_sample(server: RunningServer) -> int:
    with ExitStack() as stack:
        report = import_packs(server.db, [sample_pack_path(stack)])
    assert not report.problems
    return report.added


def sync_all(
    client: httpx.Client, cursor: str = "", limit: int = 500
) -> tuple[list[dict[str, Any]], list[str], str, int]:
    """Follow the feed to its end; return items, deletions, last cursor and page count."""
    items: list[dict[str, Any]] = []
    deleted: list[str] = []
    pages = 0
    while True:
        response = client.get("/api/v1/changes", params={"cursor": cursor, "limit": limit})
        assert response.status_code == 200, response.text
        body = response.json()
        items += body["items"]
        deleted += body["deleted"]
        cursor = body["next_cursor"]
        pages += 1
        if not body["has_more"]:
            return items, deleted, cursor, pages


def test_pages_cover_every_item_once_in_order(server: RunningServer) -> None:
    added = import_sample(server)
    with server.client(server.user("alice")) as client:
        items, deleted, cursor, pages = sync_all(client, limit=100)
        assert len(items) == added
        assert len({i["id"] for i in items}) == added
        assert pages == -(-added // 100)
        assert deleted == []
        for record in items[:20]:
            assert Item.from_dict(record).to_dict() == record  # the item schema, as to_dict()
        again = client.get("/api/v1/changes", params={"cursor": cursor}).json()
        assert again == {
            "items": [],
            "deleted": [],
            "next_cursor": cursor,
            "has_more": False,
            "vectors": {},
        }
        # Absent and empty cursors both start from the beginning.
        first = client.get("/api/v1/changes", params={"limit": 5}).json()
        assert first == client.get("/api/v1/changes?cursor=&limit=5").json()
        assert first["has_more"] is True
        assert len(first["items"]) == 5


def test_limit_default_and_bounds(server: RunningServer) -> None:
    import_sample(server)
    with server.client(server.user("alice")) as client:
        assert len(client.get("/api/v1/changes").json()["items"]) == 253
        assert len(client.get("/api/v1/changes?limit=1000").json()["items"]) == 253
        for bad in ("0", "1001", "many"):
            response = client.get(f"/api/v1/changes?limit={bad}")
            assert response.status_code == 422
            assert response.headers["content-type"] == "application/problem+json"
            assert response.json()["type"] == PROBLEM + "invalid-parameter"
            assert "limit" in response.json()["detail"]


@pytest.mark.parametrize(
    "cursor", ["garbage", "eyJlIjoxfQ", encode_cursor("0" * 32, 1), "!!!", "e30"]
)
def test_garbled_or_foreign_cursor_is_410(server: RunningServer, cursor: str) -> None:
    import_sample(server)
    with server.client(server.user("alice")) as client:
        response = client.get("/api/v1/changes", params={"cursor": cursor})
    assert response.status_code == 410
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"] == PROBLEM + "resync-required"
    assert problem["status"] == 410
    assert "empty cursor" in problem["detail"]


def test_cursor_of_a_recreated_database_is_410(
    databases: DatabaseFactory, server_factory: Callable[[str], RunningServer]
) -> None:
    old = server_factory(databases.new_url())
    import_sample(old)
    with old.client(old.user("alice")) as client:
        cursor = client.get("/api/v1/changes", params={"limit": 10}).json()["next_cursor"]
    new = server_factory(databases.new_url())  # "the database was re-created"
    import_sample(new)
    with new.client(new.user("alice")) as client:
        response = client.get("/api/v1/changes", params={"cursor": cursor})
        assert response.status_code == 410
        assert response.json()["type"] == PROBLEM + "resync-required"
        items, *_ = sync_all(client)  # starting again works
        assert len(items) == 253


def test_etag_and_304(server: RunningServer, tmp_path: Path) -> None:
    write_pack(tmp_path / "p", [item_record("a"), item_record("b")])
    import_packs(server.db, [tmp_path / "p"])
    with server.client(server.user("alice")) as client:
        first = client.get("/api/v1/changes")
        etag = first.headers["etag"]
        cursor = first.json()["next_cursor"]
        assert first.json()["has_more"] is False
        assert client.get("/api/v1/changes").headers["etag"] == etag
        # A last page carries the ETag of the request after it (its next_cursor): sent
        # there, it gives 304 at once; sent back to its own URL, it is not that URL's tag.
        again = client.get("/api/v1/changes", headers={"If-None-Match": etag})
        assert again.status_code == 200
        idle_etag = etag
        poll = client.get(
            "/api/v1/changes", params={"cursor": cursor}, headers={"If-None-Match": idle_etag}
        )
        assert poll.status_code == 304
        assert poll.content == b""
        assert poll.headers["etag"] == idle_etag
        idle = client.get("/api/v1/changes", params={"cursor": cursor})
        assert idle.headers["etag"] == idle_etag  # an empty last page: its own next request
        # A page with more behind it keeps its own URL's tag (no 304 elsewhere).
        paged = client.get("/api/v1/changes", params={"limit": 1})
        assert paged.json()["has_more"] is True
        assert paged.headers["etag"] != etag
        repeat = client.get(
            "/api/v1/changes", params={"limit": 1}, headers={"If-None-Match": paged.headers["etag"]}
        )
        assert repeat.status_code == 304
        write_pack(tmp_path / "p", [item_record("a", "新标题"), item_record("b")])
        import_packs(server.db, [tmp_path / "p"])
        poll = client.get(
            "/api/v1/changes", params={"cursor": cursor}, headers={"If-None-Match": idle_etag}
        )
        assert poll.status_code == 200
        assert [i["id"] for i in poll.json()["items"]] == ["a"]
        assert poll.headers["etag"] != idle_etag
        stale = client.get("/api/v1/changes", headers={"If-None-Match": '"not-it"'})
        assert stale.status_code == 200


def test_responses_are_gzipped(server: RunningServer) -> None:
    import_sample(server)
    with server.client(server.user("alice")) as client:
        response = client.get("/api/v1/changes", headers={"Accept-Encoding": "gzip"})
        assert response.headers["content-encoding"] == "gzip"
        # The text compresses ~3x; the items' vectors (base64 of int8) only ~1.3x.
        assert int(response.headers["content-length"]) < len(response.content) / 2
        plain = client.get("/api/v1/changes", headers={"Accept-Encoding": "identity"})
        assert "content-encoding" not in plain.headers
        assert plain.json() == response.json()


def test_import_versions_seq_and_deletions(server: RunningServer, tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    write_pack(pack, [item_record("a"), item_record("b"), item_record("c", version=4)])
    report = import_packs(server.db, [pack])
    assert (report.added, report.updated, report.unchanged) == (3, 0, 0)
    with server.client(server.user("alice")) as client:
        items, _, cursor, _ = sync_all(client)
        assert {i["id"]: i["version"] for i in items} == {"a": 1, "b": 1, "c": 4}

        report = import_packs(server.db, [pack])  # unchanged: no version, no change number
        assert (report.added, report.updated, report.unchanged) == (0, 0, 3)
        assert sync_all(client, cursor)[:2] == ([], [])

        # The pack keeps "version": 1, yet a changed item gets a new version.
        write_pack(pack, [item_record("a", "改过"), item_record("b"), item_record("c", version=4)])
        report = import_packs(server.db, [pack])
        assert (report.added, report.updated, report.unchanged) == (0, 1, 2)
        items, deleted, cursor, _ = sync_all(client, cursor)
        assert [(i["id"], i["version"], i["title"]) for i in items] == [("a", 2, "改过")]
        assert deleted == []

        write_pack(pack, [{"id": "b", "deleted": True}, {"id": "never", "deleted": True}])
        report = import_packs(server.db, [pack])
        assert report.deleted == 1
        items, deleted, cursor, _ = sync_all(client, cursor)
        assert (items, deleted) == ([], ["b"])

        write_pack(pack, [item_record("b", "回来了"), item_record("a", "又改")])
        import_packs(server.db, [pack])
        items, deleted, cursor, _ = sync_all(client, cursor)
        # Pack order; a re-added item continues above its last version (issue #17: the
        # history keeps every version, so a number is never used twice).
        assert [(i["id"], i["version"]) for i in items] == [("b", 2), ("a", 3)]
        assert deleted == []

        # A client starting now sees the current state: a, b, c and no tombstone for b.
        items, deleted, _, _ = sync_all(client)
        assert sorted(i["id"] for i in items) == ["a", "b", "c"]
        assert deleted == []


def test_items_and_deletions_come_in_change_order(server: RunningServer, tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    write_pack(pack, [item_record(f"i{n}") for n in range(6)])
    import_packs(server.db, [pack])
    write_pack(pack, [{"id": "i1", "deleted": True}, {"id": "i3", "deleted": True}])
    import_packs(server.db, [pack])
    write_pack(pack, [item_record("i0", "新")])
    import_packs(server.db, [pack])
    with server.client(server.user("alice")) as client:
        seen: list[tuple[str, str]] = []
        cursor = ""
        while True:  # one change per page: the order is visible
            body = client.get("/api/v1/changes", params={"cursor": cursor, "limit": 1}).json()
            assert len(body["items"]) + len(body["deleted"]) <= 1
            seen += [("item", i["id"]) for i in body["items"]]
            seen += [("deleted", d) for d in body["deleted"]]
            cursor = body["next_cursor"]
            if not body["has_more"]:
                break
    assert seen == [
        ("item", "i2"),
        ("item", "i4"),
        ("item", "i5"),
        ("deleted", "i1"),
        ("deleted", "i3"),
        ("item", "i0"),
    ]
