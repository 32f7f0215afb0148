"""The authoring API (issue #17) on a real server: drafts, If-Match, publish, archive, teams."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from deskmate.server.auth import Role
from deskmate.server.tables import AuditRow
from sqlalchemy import select

from tests.server.conftest import RunningServer
from tests.server.helpers import item_record


def _faq(item_id: str, title: str = "如何开具电子发票", **extra: Any) -> dict[str, Any]:
    record = item_record(item_id, title, **extra)
    del record["version"], record["updated_at"]  # the server sets them
    return record


@pytest.fixture
def clients(server: RunningServer) -> Iterator[list[httpx.Client]]:
    """Clients made by a test, closed after it."""
    made: list[httpx.Client] = []
    yield made
    for client in made:
        client.close()


def _client(server: RunningServer, made: list[httpx.Client], name: str, **kw: Any) -> httpx.Client:
    made.append(server.client(server.user(name, **kw)))
    return made[-1]


def _feed(client: httpx.Client) -> tuple[dict[str, dict[str, Any]], list[str]]:
    answer = client.get("/api/v1/changes", params={"limit": 1000})
    assert answer.status_code == 200, answer.text
    page = answer.json()
    return {i["id"]: i for i in page["items"]}, page["deleted"]


def test_draft_publish_edit_conflict_and_archive(
    server: RunningServer, clients: list[httpx.Client]
) -> None:
    editor = _client(server, clients, "wang.fang", role=Role.EDITOR)
    other = _client(server, clients, "li.editor", role=Role.EDITOR)
    agent = _client(server, clients, "agent1")

    made = editor.post("/api/v1/items", json=_faq("faq-invoice"), params={"note": "新写"})
    assert made.status_code == 201, made.text
    assert made.json() | {"similar": []} == {
        "id": "faq-invoice", "version": 1, "status": "draft", "created": True,
        "similar": [], "resolved_topic": None,
    }  # fmt: skip
    again = editor.post("/api/v1/items", json=_faq("faq-invoice"))  # a retry
    assert again.status_code == 201
    assert again.json()["created"] is False
    assert "faq-invoice" not in _feed(agent)[0]  # a draft is not sent to agents

    published = editor.post("/api/v1/items/faq-invoice/publish")
    assert published.json()["status"] == "published"
    live = _feed(agent)[0]["faq-invoice"]
    assert live["verified_by"] == "wang.fang"
    assert live["version"] == 1

    # Two editors start from version 1; the second save is refused, with the current.
    first = editor.put(
        "/api/v1/items/faq-invoice", json=_faq("faq-invoice", body="新的答案"),
        headers={"If-Match": '"1"'},
    )  # fmt: skip
    assert first.status_code == 200
    assert first.json()["version"] == 2
    stale = other.put(
        "/api/v1/items/faq-invoice", json=_faq("faq-invoice", body="另一个答案"),
        headers={"If-Match": "1"},
    )  # fmt: skip
    assert stale.status_code == 412, stale.text
    problem = stale.json()
    assert problem["current_version"] == 2
    assert problem["current"]["body"] == "新的答案"
    assert "wang.fang" in problem["detail"]
    assert "not saved" in problem["detail"]
    retry = editor.put(
        "/api/v1/items/faq-invoice", json=_faq("faq-invoice", body="新的答案"),
        headers={"If-Match": "1"},
    )  # fmt: skip
    assert retry.status_code == 200
    assert retry.json() | {"similar": []} == {
        "id": "faq-invoice",
        "version": 2,
        "status": "draft",
        "created": False,
        "similar": [],
        "resolved_topic": None,
    }
    assert editor.put("/api/v1/items/faq-invoice", json=_faq("faq-invoice")).status_code == 428
    # The published version stays what agents have until version 2 is published.
    assert _feed(agent)[0]["faq-invoice"]["body"] != "新的答案"
    assert editor.post("/api/v1/items/faq-invoice/publish").json()["version"] == 2
    assert _feed(agent)[0]["faq-invoice"]["body"] == "新的答案"
    assert editor.post("/api/v1/items/faq-invoice/publish").json()["created"] is False

    versions = editor.get("/api/v1/items/faq-invoice/versions").json()["versions"]
    assert [(v["version"], v["author"], v["live"]) for v in versions] == [
        (2, "wang.fang", True), (1, "wang.fang", False),
    ]  # fmt: skip
    assert versions[1]["note"] == "新写"

    assert editor.post("/api/v1/items/faq-invoice/archive").json()["status"] == "archived"
    items, deleted = _feed(agent)
    assert "faq-invoice" not in items
    assert deleted == ["faq-invoice"]
    with server.db.read() as conn:
        actions = conn.execute(select(AuditRow.action, AuditRow.actor, AuditRow.address)).all()
    assert [a.action for a in actions] == ["create", "publish", "edit", "publish", "archive"]
    assert {a.address for a in actions} == {"127.0.0.1"}


def test_agents_and_managers_get_403_and_bad_items_get_field_errors(
    server: RunningServer, clients: list[httpx.Client]
) -> None:
    for name, role in (("a1", Role.AGENT), ("m1", Role.MANAGER)):
        client = _client(server, clients, name, role=role)
        answer = client.post("/api/v1/items", json=_faq("faq-x"))
        assert answer.status_code == 403, answer.text
        assert client.get("/api/v1/items/faq-x/versions").status_code == 403
    editor = _client(server, clients, "e1", role=Role.EDITOR)
    bad = editor.post("/api/v1/items", json=_faq("faq-bad", title="", channel="fax"))
    assert bad.status_code == 422
    assert set(bad.json()["errors"]) == {"title", "channel"}
    big = editor.post("/api/v1/items", content=b'{"body": "' + b"x" * (10 * 1024 * 1024) + b'"}')
    assert big.status_code == 413
    assert "1,000,000 characters" in big.json()["detail"]


def test_a_team_limited_item_reaches_only_its_team(
    server: RunningServer, clients: list[httpx.Client]
) -> None:
    editor = _client(server, clients, "e1", role=Role.EDITOR)
    north = _client(server, clients, "n1", team="north")
    south = _client(server, clients, "s1", team="south")
    loner = _client(server, clients, "x1", team=None)
    editor.post("/api/v1/items", json=_faq("faq-secret", teams=["north"]))
    editor.post("/api/v1/items/faq-secret/publish")
    assert "faq-secret" in _feed(north)[0]
    for client in (south, loner):
        assert _feed(client) == ({}, [])  # not even the id

    # Opened to everyone, then limited to south: north's copy must go.
    editor.put("/api/v1/items/faq-secret", json=_faq("faq-secret"), headers={"If-Match": "1"})
    editor.post("/api/v1/items/faq-secret/publish")
    assert "faq-secret" in _feed(south)[0]
    assert "faq-secret" in _feed(loner)[0]
    editor.put(
        "/api/v1/items/faq-secret", json=_faq("faq-secret", teams=["south"]),
        headers={"If-Match": "2"},
    )  # fmt: skip
    editor.post("/api/v1/items/faq-secret/publish")
    assert _feed(north) == ({}, ["faq-secret"])
    assert _feed(loner) == ({}, ["faq-secret"])
    assert list(_feed(south)[0]) == ["faq-secret"]


def test_verify_due_list_and_duplicates(server: RunningServer, clients: list[httpx.Client]) -> None:
    from deskmate.server.auth import get_user
    from deskmate.server.tables import ItemStateRow
    from deskmate.server.workbench.freshness import due_for_review
    from sqlalchemy import update

    editor = _client(server, clients, "wang.fang", role=Role.EDITOR, team="kb")
    agent = _client(server, clients, "agent1")
    editor.post("/api/v1/items", json=_faq("faq-refund", "退款多久到账", owner="kb"))
    editor.post("/api/v1/items/faq-refund/publish")
    with server.db.write() as conn:  # as if published four months ago
        conn.execute(update(ItemStateRow).values(due_at="2026-01-01T00:00:00.000000+00:00"))
    [due] = due_for_review(server.db, get_user(server.db, "wang.fang"), "mine")
    assert due["id"] == "faq-refund"
    assert due["overdue"] is True
    assert editor.post("/api/v1/items/faq-refund/verify").status_code == 200
    assert due_for_review(server.db, get_user(server.db, "wang.fang"), "mine") == []
    assert _feed(agent)[0]["faq-refund"]["verified_by"] == "wang.fang"

    near = editor.post("/api/v1/items", json=_faq("faq-refund-2", "退款多久能到账"))
    assert [s["id"] for s in near.json()["similar"]] == ["faq-refund"]
    far = editor.post("/api/v1/items", json=_faq("faq-esim", "电子卡怎么激活"))
    assert far.json()["similar"] == []
