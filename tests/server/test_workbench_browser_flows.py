"""Workbench flows in a real headless Chromium, each checked in a synced client (issue #17).

Turn an agent's proposal into an article; restore an old version and publish it; verify
an overdue item from the due list. After each, the real SyncClient syncs a
KnowledgeBase from the same server and its search finds what the editor did. Pages are
photographed in zh and en into build/screenshots/ (and $DESKMATE_SHOTS).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from deskmate.core import KnowledgeBase
from deskmate.core.sync.client import SyncClient
from deskmate.server.auth import Role
from deskmate.server.cli import main
from deskmate.server.learning.gap_queue import collect_signals
from deskmate.server.tables import GapTopicRow, ItemRow, ItemStateRow, ProposalRow
from playwright.sync_api import Browser, Page
from sqlalchemy import select, update

from tests.server.conftest import RunningServer
from tests.server.test_console_browser import SHOTS, browser  # noqa: F401 - the fixture

pytestmark = [
    pytest.mark.slow,
    pytest.mark.leaks_allowed(
        "Playwright writes screenshots through its event loop's default executor: idle "
        "asyncio_N threads of the module-scoped browser fixture, ended when it closes"
    ),
]


@pytest.fixture
def server(tmp_path: Path, server_factory: Callable[[str], RunningServer]) -> RunningServer:
    """One server on SQLite (the flows, not the database, are under test here)."""
    return server_factory(f"sqlite:///{tmp_path / 'server.db'}")


@pytest.fixture
def synced(tmp_path: Path) -> Iterator[KnowledgeBase]:
    """An agent's local knowledge base, to sync from the server."""
    kb = KnowledgeBase.open(tmp_path / "agent-kb")
    kb.prepare_index()
    yield kb
    kb.close()


def _sync(kb: KnowledgeBase, server: RunningServer, token: str) -> None:
    with SyncClient(kb, None, server.base_url, token, timeout=(2.0, 10.0)) as client:
        report = client.sync_once()
    assert report.ok, report.problem


def _shoot(page: Page, name: str) -> None:
    for folder in {SHOTS, Path(os.environ.get("DESKMATE_SHOTS", "") or SHOTS)}:
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"workbench-{name}.png"), full_page=True)


def _signed_in(
    browser: Browser,  # noqa: F811 - the fixture's value
    server: RunningServer,
    token: str,
    lang: str = "zh",
    start: str = "/console/items",
) -> tuple[Page, list[str]]:
    """A page signed in as ``token``'s user, and the script errors it logs (none expected:
    the console has no script, and the CSP refusing anything would log one)."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{server.base_url}{start}?lang={lang}")
    page.fill("#token", token)
    page.click("#signin")
    return page, errors


def _api(server: RunningServer, token: str) -> httpx.Client:
    return server.client(token)


def _faq(item_id: str, title: str, body: str, **extra: Any) -> dict[str, Any]:
    return {"id": item_id, "kind": "faq", "title": title, "body": body, "language": "zh"} | extra


def test_a_proposal_becomes_an_article_that_the_synced_agent_finds(
    server: RunningServer,
    browser: Browser,  # noqa: F811 - the fixture imported above
    synced: KnowledgeBase,
) -> None:
    agent = server.user("li.na", team="t1")
    with _api(server, agent) as client:
        sent = client.post(
            "/api/v1/proposals",
            json={"title": "港澳流量包怎么退订", "answer": "发送 TD 到 10086。", "client_id": "c1"},
        )
    assert sent.status_code in (200, 201), sent.text
    proposal = sent.json()["id"]
    collect_signals(server.db)
    _sync(synced, server, agent)
    assert not synced.search("港澳流量包退订", limit=3)

    page, errors = _signed_in(browser, server, server.user("王芳", Role.EDITOR, team="kb"))
    page.goto(f"{server.base_url}/console/gaps?status=open")
    page.click(f"a[href='/console/items/new?from=proposal:{proposal}']")
    assert page.input_value("#f-title") == "港澳流量包怎么退订"
    assert "发送 TD 到 10086" in page.input_value("#f-body")
    page.fill("#f-id", "faq-hk-roaming-off")
    page.fill("#f-body", "发送 TD 到 10086 即可退订港澳流量包，次月生效。")
    _shoot(page, "proposal-editor-zh")
    page.click("button[value=publish]")
    assert "已发布" in page.inner_text("main")
    assert not errors, errors
    page.close()

    with server.db.read() as conn:
        assert conn.execute(select(ProposalRow.status)).scalar_one() == "accepted"
        assert conn.execute(select(GapTopicRow.status)).scalar_one() == "resolved"
    _sync(synced, server, agent)
    hits = synced.search("港澳流量包退订", limit=3)
    assert [h.id for h in hits][:1] == ["faq-hk-roaming-off"]
    item = synced.get("faq-hk-roaming-off")
    assert item is not None
    assert (item.body, item.verified_by) == (
        "发送 TD 到 10086 即可退订港澳流量包，次月生效。",
        "王芳",
    )


def test_restoring_an_old_version_reaches_the_synced_agent(
    server: RunningServer,
    browser: Browser,  # noqa: F811 - the fixture imported above
    synced: KnowledgeBase,
) -> None:
    agent = server.user("li.na", team="t1")
    editor = server.user("王芳", Role.EDITOR, team="kb")
    with _api(server, editor) as api:
        api.post("/api/v1/items", json=_faq("faq-esim", "电子卡境外激活", "先连无线网络再扫码。"))
        api.post("/api/v1/items/faq-esim/publish")
        bad = _faq("faq-esim", "电子卡境外激活", "直接扫码即可。")  # a wrong edit
        assert api.put("/api/v1/items/faq-esim", json=bad, headers={"If-Match": "1"}).is_success
        api.post("/api/v1/items/faq-esim/publish")
    _sync(synced, server, agent)
    item = synced.get("faq-esim")
    assert item is not None
    assert item.body == "直接扫码即可。"

    page, errors = _signed_in(browser, server, server.user("李编辑", Role.EDITOR, team="kb"), "en")
    page.goto(f"{server.base_url}/console/items/faq-esim/versions?a=1&b=2")
    assert page.locator("table.diff tr.changed").count() >= 1
    _shoot(page, "restore-history-en")
    page.goto(f"{server.base_url}/console/items/faq-esim/versions?a=1&b=2&lang=zh")
    _shoot(page, "restore-history-zh")
    page.locator("tr", has_text="v1").locator("button").click()  # Restore as draft
    assert page.input_value("#f-body") == "先连无线网络再扫码。"
    page.fill("#f-note", "回滚错误的修改")
    page.click("button[value=publish]")
    assert "已发布" in page.inner_text("main")
    assert not errors, errors
    page.close()

    _sync(synced, server, agent)
    hits = synced.search("电子卡境外激活", limit=3)
    assert hits
    assert hits[0].id == "faq-esim"
    restored = synced.get("faq-esim")
    assert restored is not None
    assert (restored.body, restored.version, restored.verified_by) == (
        "先连无线网络再扫码。", 3, "李编辑",
    )  # fmt: skip


def test_verifying_an_overdue_item_freshens_the_synced_copy(
    server: RunningServer,
    browser: Browser,  # noqa: F811 - the fixture imported above
    synced: KnowledgeBase,
) -> None:
    agent = server.user("li.na", team="t1")
    with _api(server, server.user("王芳", Role.EDITOR, team="kb")) as api:
        api.post("/api/v1/items", json=_faq("faq-refund", "退款多久到账", "三到五个工作日。"))
        api.post("/api/v1/items/faq-refund/publish")
        server.user("zhao.gone", team="t1")
        card = _faq("faq-refund-card", "退款退到哪张卡", "原路退回。", owner="zhao.gone")
        api.post("/api/v1/items", json=card)
        api.post("/api/v1/items/faq-refund-card/publish")
    # As if verified 200 days ago: overdue on the server, stale in the agent's copy.
    old = (datetime.now(UTC) - timedelta(days=200)).isoformat(timespec="microseconds")
    with server.db.write() as conn:
        record = conn.execute(select(ItemRow.record).where(ItemRow.id == "faq-refund")).scalar()
        assert record is not None
        stale = json.loads(record) | {"verified_at": old}
        conn.execute(
            update(ItemRow)
            .where(ItemRow.id == "faq-refund")
            .values(record=json.dumps(stale, ensure_ascii=False))
        )
        conn.execute(
            update(ItemStateRow)
            .where(ItemStateRow.item_id == "faq-refund")
            .values(verified_at=old, due_at=(datetime.now(UTC) - timedelta(days=110)).isoformat())
        )
    _sync(synced, server, agent)
    item = synced.get("faq-refund")
    assert item is not None
    assert item.verified_at is not None
    assert item.verified_at < datetime.now(UTC) - timedelta(days=100)

    page, errors = _signed_in(browser, server, server.user("李编辑", Role.EDITOR, team="kb"))
    for lang in ("en", "zh"):
        page.goto(f"{server.base_url}/console/due?scope=all&lang={lang}")
        assert page.locator("tr.overdue-row").count() == 1
        _shoot(page, f"verify-due-{lang}")
    page.locator("tr.overdue-row button").click()
    page.goto(f"{server.base_url}/console/due?scope=all")
    assert page.locator("tr.overdue-row").count() == 0

    # The owner of the other item is deleted: it goes to the editor group, and says so.
    assert main(["user", "delete", "zhao.gone", "--db", server.db.url.render_as_string(False)]) == 0
    for lang, gone in (("zh", "由编辑组负责"), ("en", "the editor group's")):
        page.goto(f"{server.base_url}/console/items?lang={lang}")
        assert gone in page.locator("tr", has_text="faq-refund-card").inner_text()
        _shoot(page, f"items-owner-gone-{lang}")
        page.goto(f"{server.base_url}/console/items/faq-refund-card/edit")
        assert gone in page.inner_text("main")
        assert page.locator("#f-verify_days").count() == 1
        _shoot(page, f"editor-interval-{lang}")
        page.goto(f"{server.base_url}/console/items/faq-refund/versions")
        page.click("details.audit summary")
        assert ("复核", "verified")[lang == "en"] in page.locator("details.audit").inner_text()
        _shoot(page, f"history-audit-{lang}")
    assert not errors, errors
    page.close()

    # The verification is a change in the feed: the next sync brings who and when.
    _sync(synced, server, agent)
    fresh = synced.get("faq-refund")
    assert fresh is not None
    assert fresh.verified_by == "李编辑"
    assert fresh.verified_at is not None
    assert fresh.verified_at > datetime.now(UTC) - timedelta(minutes=5)
    hits = synced.search("退款到账", limit=3)
    assert hits
    assert hits[0].id == "faq-refund"


def test_an_owner_publishes_their_own_item_in_the_console(
    server: RunningServer,
    browser: Browser,  # noqa: F811 - the fixture imported above
    synced: KnowledgeBase,
) -> None:
    from deskmate.server.workbench.server_settings import set_setting

    agent = server.user("li.na", team="t1")
    owner = server.user("zhou.owner", team="t1")  # an agent who keeps one FAQ
    with _api(server, server.user("王芳", Role.EDITOR, team="kb")) as api:
        mine = _faq("faq-5g", "5G 套餐怎么改", "营业厅办理。", owner="zhou.owner")
        api.post("/api/v1/items", json=mine)
        api.post("/api/v1/items/faq-5g/publish")
    set_setting(server.db, "owners-publish", "on")
    with server.db.write() as conn:  # due in a few days: on the owner's list
        soon = (datetime.now(UTC) + timedelta(days=3)).isoformat()
        conn.execute(update(ItemStateRow).values(due_at=soon))

    page, errors = _signed_in(browser, server, owner, "en", start="/console/")
    assert page.url.endswith("/console/due")  # where an owner lands
    assert page.locator("tbody tr").count() == 1
    _shoot(page, "owner-due-en")
    page.goto(f"{server.base_url}/console/due?lang=zh")
    _shoot(page, "owner-due-zh")
    page.click("a[href='/console/items/faq-5g/edit']")
    assert page.locator("button[value=archive]").count() == 0
    page.fill("#f-body", "营业厅或 App「套餐变更」办理，次月生效。")
    _shoot(page, "owner-editor-zh")
    page.click("button[value=publish]")
    assert "已发布" in page.inner_text("main")
    assert not errors, errors
    page.close()

    _sync(synced, server, agent)
    item = synced.get("faq-5g")
    assert item is not None
    assert (item.body, item.verified_by) == (
        "营业厅或 App「套餐变更」办理，次月生效。",
        "zhou.owner",
    )
    assert [h.id for h in synced.search("5G 套餐", limit=3)][:1] == ["faq-5g"]
