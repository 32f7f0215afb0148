"""Owners who publish their own items, deleted owners, audit and intervals (issue #17)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from deskmate.server.auth import Role, get_user
from deskmate.server.cli import main
from deskmate.server.tables import AuditRow, ItemStateRow
from deskmate.server.workbench.freshness import due_for_review
from deskmate.server.workbench.server_settings import set_setting
from sqlalchemy import select, update

from tests.server.conftest import RunningServer
from tests.server.helpers import item_record


def _faq(item_id: str, owner: str | None = None, **extra: Any) -> dict[str, Any]:
    record = item_record(item_id, "如何开具电子发票", **extra)
    del record["version"], record["updated_at"]
    if owner:
        record["owner"] = owner
    return record


@pytest.fixture
def clients(server: RunningServer) -> Iterator[dict[str, httpx.Client]]:
    """An editor, an agent who owns an item, another agent; closed after the test."""
    made = {
        "editor": server.client(server.user("wang.fang", Role.EDITOR)),
        "owner": server.client(server.user("li.owner")),
        "other": server.client(server.user("zhao.other")),
    }
    yield made
    for client in made.values():
        client.close()


def _published(editor: httpx.Client, item_id: str, owner: str, **extra: Any) -> None:
    made = editor.post("/api/v1/items", json=_faq(item_id, owner, **extra))
    assert made.status_code == 201, made.text
    assert editor.post(f"/api/v1/items/{item_id}/publish").status_code == 200


def test_owners_publish_their_own_items_only_when_the_setting_is_on(
    server: RunningServer, clients: dict[str, httpx.Client]
) -> None:
    editor, owner, other = clients["editor"], clients["owner"], clients["other"]
    _published(editor, "faq-own", "li.owner")
    _published(editor, "faq-theirs", "zhao.other")
    new_body = _faq("faq-own", "li.owner", body="新的答案")

    # Off by default: an owner who is not an editor may not edit.
    refused = owner.put("/api/v1/items/faq-own", json=new_body, headers={"If-Match": "1"})
    assert refused.status_code == 403, refused.text

    set_setting(server.db, "owners-publish", "on")
    edited = owner.put("/api/v1/items/faq-own", json=new_body, headers={"If-Match": "1"})
    assert edited.status_code == 200, edited.text
    published = owner.post("/api/v1/items/faq-own/publish")
    assert published.json()["status"] == "published"
    assert owner.post("/api/v1/items/faq-own/verify").status_code == 200
    assert owner.get("/api/v1/items/faq-own/versions").status_code == 200
    feed = other.get("/api/v1/changes", params={"limit": 100}).json()
    live = {i["id"]: i for i in feed["items"]}["faq-own"]
    assert (live["body"], live["verified_by"]) == ("新的答案", "li.owner")

    # Nobody else's item, no new items, no archiving, no handing the item away.
    theirs = _faq("faq-theirs", "zhao.other", body="改别人的")
    assert (
        owner.put("/api/v1/items/faq-theirs", json=theirs, headers={"If-Match": "1"}).status_code
        == 403
    )
    assert owner.post("/api/v1/items/faq-theirs/publish").status_code == 403
    assert owner.get("/api/v1/items/faq-theirs/versions").status_code == 403
    assert owner.post("/api/v1/items", json=_faq("faq-new", "li.owner")).status_code == 403
    assert owner.post("/api/v1/items/faq-own/archive").status_code == 403
    away = _faq("faq-own", "zhao.other", body="送人")
    handed = owner.put("/api/v1/items/faq-own", json=away, headers={"If-Match": "2"})
    assert handed.status_code == 403
    assert "owner" in handed.json()["detail"]

    set_setting(server.db, "owners-publish", "off")
    again = owner.put("/api/v1/items/faq-own", json=new_body, headers={"If-Match": "2"})
    assert again.status_code == 403


def test_a_deleted_owners_items_go_to_the_editor_group(
    server: RunningServer, clients: dict[str, httpx.Client], db_url: str, tmp_path: Any
) -> None:
    editor = clients["editor"]
    _published(editor, "faq-left", "li.owner")
    with server.db.write() as conn:  # due now: checked 100 days ago
        long_ago = (datetime.now().astimezone() - timedelta(days=100)).isoformat()
        conn.execute(update(ItemStateRow).values(due_at=long_ago))
    wang = get_user(server.db, "wang.fang")
    assert [r["id"] for r in due_for_review(server.db, wang, "group")] == []

    assert main(["user", "delete", "li.owner", "--db", db_url]) == 0
    [row] = due_for_review(server.db, wang, "group")
    assert (row["id"], row["owner"], row["owner_gone"], row["overdue"]) == (
        "faq-left", "li.owner", True, True,
    )  # fmt: skip
    # The deleted user's token is gone with them.
    assert clients["owner"].get("/api/v1/me").status_code == 401
    with server.db.read() as conn:
        detail = conn.execute(
            select(AuditRow.detail).where(AuditRow.action == "user_delete")
        ).scalar_one()
    assert json.loads(detail) == {"user": "li.owner", "items_to_editor_group": 1}


def test_every_change_is_audited_with_who_and_from_where(
    server: RunningServer, clients: dict[str, httpx.Client]
) -> None:
    editor = clients["editor"]
    _published(editor, "faq-audit", "wang.fang")
    put = editor.put(
        "/api/v1/items/faq-audit", json=_faq("faq-audit", "wang.fang", body="二"),
        headers={"If-Match": "1"}, params={"note": "改正"},
    )  # fmt: skip
    assert put.status_code == 200
    assert editor.put("/api/v1/items/faq-audit/interval", params={"days": 30}).status_code == 200
    with server.db.read() as conn:
        rows = conn.execute(
            select(AuditRow).where(AuditRow.item_id == "faq-audit").order_by(AuditRow.id)
        ).all()
        trail = [(r.actor, r.action, r.version_no, r.address) for r in rows]
    assert trail == [
        ("wang.fang", "create", 1, "127.0.0.1"),
        ("wang.fang", "publish", 1, "127.0.0.1"),
        ("wang.fang", "edit", 2, "127.0.0.1"),
        ("wang.fang", "interval", None, "127.0.0.1"),
    ]


def test_intervals_per_item_tag_and_kind(
    server: RunningServer, clients: dict[str, httpx.Client]
) -> None:
    editor = clients["editor"]
    set_setting(server.db, "verify-days.tag.政策", "30")
    set_setting(server.db, "verify-days.kind.faq", "60")
    _published(editor, "faq-policy", "wang.fang", tags=["政策", "退款"])
    _published(editor, "faq-plain", "wang.fang")

    def due_in(item_id: str) -> float:
        with server.db.read() as conn:
            state = conn.execute(select(ItemStateRow).where(ItemStateRow.item_id == item_id)).one()
        gap = datetime.fromisoformat(state.due_at) - datetime.fromisoformat(state.verified_at)
        return gap.total_seconds() / 86400

    assert (due_in("faq-policy"), due_in("faq-plain")) == (30, 60)
    answer = editor.put("/api/v1/items/faq-plain/interval", params={"days": 7})
    assert answer.json() == {"id": "faq-plain", "days": 7}
    assert due_in("faq-plain") == 7
    assert editor.put("/api/v1/items/faq-plain/interval", params={"days": 0}).status_code == 422
    with pytest.raises(Exception, match="1 to 3650"):
        set_setting(server.db, "verify-days.tag.x", "0")


def test_console_interval_field_gone_owner_and_audit_trail(
    server: RunningServer, clients: dict[str, httpx.Client], db_url: str
) -> None:
    from tests.server.console_fixtures import console_client
    from tests.server.test_workbench_console import _fields, _save

    _published(clients["editor"], "faq-console", "li.owner")
    console = console_client(server, server.user("chen.editor", Role.EDITOR))
    try:
        page = console.get("/console/items/faq-console/edit").text
        assert 'name="verify_days"' in page
        fields = _fields(page)
        assert fields["verify_days"] == ""
        bad = _save(console, {**fields, "verify_days": "0"}, "save")
        assert bad.status_code == 422
        assert 'id="err-verify_days"' in bad.text
        saved = _save(console, {**fields, "verify_days": "14"}, "save")
        assert saved.status_code in (200, 303), saved.text
        with server.db.read() as conn:
            days = conn.execute(
                select(ItemStateRow.verify_days).where(ItemStateRow.item_id == "faq-console")
            ).scalar()
        assert days == 14
        assert 'value="14"' in console.get("/console/items/faq-console/edit").text

        owner_gone = "not a current user or team"
        assert owner_gone not in console.get("/console/items?lang=en").text
        assert main(["user", "delete", "li.owner", "--db", db_url]) == 0
        assert owner_gone in console.get("/console/items?lang=en").text
        assert owner_gone in console.get("/console/items/faq-console/edit?lang=en").text

        history = console.get("/console/items/faq-console/versions?lang=en").text
        trail = history[history.index("Audit trail") :]
        for seen in ("interval changed", "127.0.0.1", "chen.editor"):
            assert seen in trail
    finally:
        console.close()


def test_a_long_history_is_paged_and_diffs_any_two_versions(
    server: RunningServer, clients: dict[str, httpx.Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    from deskmate.server.console import authoring_routes

    from tests.server.console_fixtures import console_client

    monkeypatch.setattr(authoring_routes, "HISTORY_PAGE", 2)
    editor = clients["editor"]
    _published(editor, "faq-long", "wang.fang")
    for base, body in ((1, "第二版"), (2, "第三版")):
        record = _faq("faq-long", "wang.fang", body=body)
        assert editor.put("/api/v1/items/faq-long", json=record, headers={"If-Match": str(base)})
    console = console_client(server, server.user("chen.editor", Role.EDITOR))
    try:
        newest = console.get("/console/items/faq-long/versions?a=1&b=3&lang=en").text
        assert "?before=2" in newest.replace("&amp;", "&")
        assert "第三版" in newest  # the diff of v1 and v3, though v1 is on the next page
        assert "如何开具电子发票的答案" in newest
        older = console.get("/console/items/faq-long/versions?before=2").text
        table = older[older.index("<tbody>") : older.index("</tbody>")]
        assert ("v1" in table, "v3" in table) == (True, False)
        assert "before=" not in older.split("</table>")[1].split("<details")[0]
    finally:
        console.close()


def test_an_owning_agent_edits_and_publishes_in_the_console_when_allowed(
    server: RunningServer, clients: dict[str, httpx.Client]
) -> None:
    from tests.server.console_fixtures import sign_in
    from tests.server.test_workbench_console import _fields, _save

    _published(clients["editor"], "faq-mine", "li.owner")
    _published(clients["editor"], "faq-not-mine", "zhao.other")
    token = server.user_token("li.owner")
    with server.client() as browser:
        refused = sign_in(browser, token)  # off by default: agents get the 403 page
        assert refused.status_code == 403
        set_setting(server.db, "owners-publish", "on")
        landed = sign_in(browser, token)
        assert landed.status_code == 303
        assert browser.get("/console/").headers["location"] == "/console/due"
        due = browser.get("/console/due?scope=all&lang=en")
        assert due.status_code == 200
        assert "?scope=group" not in due.text  # their own items only
        assert browser.get("/console/items").status_code == 403
        assert browser.get("/console/items/new").status_code == 403
        assert browser.get("/console/items/faq-not-mine/edit").status_code == 403
        page = browser.get("/console/items/faq-mine/edit")
        assert page.status_code == 200
        assert 'value="archive"' not in page.text
        fields = {**_fields(page.text), "body": "负责人改的答案"}
        published = _save(browser, fields, "publish")
        assert published.status_code == 303, published.text
        stolen = {**_fields(page.text), "id": "faq-not-mine", "body": "别人的"}
        assert _save(browser, stolen, "save").status_code == 403
        assert browser.get("/console/items/faq-mine/versions").status_code == 200
    feed = clients["other"].get("/api/v1/changes", params={"limit": 100}).json()
    live = {i["id"]: i for i in feed["items"]}
    assert (live["faq-mine"]["body"], live["faq-mine"]["verified_by"]) == (
        "负责人改的答案",
        "li.owner",
    )
    assert live["faq-not-mine"]["body"] != "别人的"
