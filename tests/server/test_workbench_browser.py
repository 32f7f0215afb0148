"""The workbench in a real headless Chromium (issue #17): write and publish a new FAQ.

An editor signs in, opens a gap topic's "Write the answer", fills the form, previews,
publishes; the topic is resolved and an agent's feed has the item. The editor, the
history with a diff and the due-for-review pages are photographed in Chinese and English
into build/screenshots/workbench-*.png (and $DESKMATE_SHOTS, if set), to be looked at.
"""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest
from deskmate.server.auth import Role
from deskmate.server.learning.gap_queue import collect_signals
from deskmate.server.tables import GapTopicRow, ItemStateRow
from playwright.sync_api import Browser, Page
from sqlalchemy import select, update

from tests.server.conftest import DatabaseFactory, RunningServer
from tests.server.console_fixtures import post_gap
from tests.server.test_console_browser import SHOTS, browser  # noqa: F401 - the fixture

EVIL = "<img src=x onerror=alert(1)>"
pytestmark = pytest.mark.slow


def _shoot(page: Page, name: str, database: str) -> None:
    if database != "sqlite":
        return
    for folder in (SHOTS, Path(os.environ.get("DESKMATE_SHOTS", "") or SHOTS)):
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"workbench-{name}.png"), full_page=True)


@pytest.mark.leaks_allowed(
    "Playwright writes screenshots through its event loop's default executor: idle asyncio_N "
    "threads of the module-scoped browser fixture, ended when it closes"
)
def test_an_editor_writes_and_publishes_a_faq_in_a_real_browser(
    server: RunningServer,
    browser: Browser,  # noqa: F811 - the fixture imported above
    databases: DatabaseFactory,
) -> None:
    agent = server.user("li.na", team="t1")
    post_gap(server, agent, "li.na", "企业发票抬头开错了怎么办")
    collect_signals(server.db)
    with server.db.read() as conn:
        topic = conn.execute(select(GapTopicRow.id)).scalar_one()
    token = server.user("王芳", Role.EDITOR, team="kb")
    base = server.base_url
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{base}/console/gaps?lang=zh")
    page.fill("#token", token)
    page.click("#signin")
    page.click(f"a[href='/console/items/new?from=topic:{topic}']")
    page.fill("#f-id", "faq-invoice-title")
    page.fill("#f-title", "企业发票抬头开错了怎么办？")
    page.fill("#f-body", "1. 在订单页申请**作废**\n2. 重新开具\n\n" + EVIL)
    page.fill("#f-owner", "kb")
    page.fill("#f-tags", "发票\n企业")
    page.wait_for_selector("#preview-body strong")  # the live preview, as typed
    assert page.locator("#preview-body .markdown").inner_text().endswith(EVIL)
    assert page.locator("#preview-body img").count() == 0
    page.click("button[value=preview]")  # the button still works (no script needed)
    assert page.locator("#preview-body strong").inner_text() == "作废"
    _shoot(page, "editor-zh", databases.kind)
    page.click("button[value=save]")
    assert "草稿已保存" in page.inner_text("main")
    page.fill("#f-body", "1. 在订单页申请**作废**（24 小时内）\n2. 重新开具并填写正确抬头")
    page.fill("#f-note", "补充时限")
    page.click("button[value=publish]")
    assert "已发布" in page.inner_text("main")
    with server.db.read() as conn:
        assert conn.execute(select(GapTopicRow.status)).scalar_one() == "resolved"
        assert conn.execute(select(ItemStateRow.status)).scalar_one() == "published"
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {agent}"}) as client:
        items = client.get("/api/v1/changes").json()["items"]
    assert [(i["id"], i["verified_by"]) for i in items] == [("faq-invoice-title", "王芳")]

    with server.db.write() as conn:  # let it fall due, for the due-for-review picture
        conn.execute(update(ItemStateRow).values(due_at="2026-01-05T00:00:00.000000+00:00"))
    for lang in ("zh", "en"):
        page.goto(f"{base}/console/items/faq-invoice-title/edit?lang={lang}")
        page.click("button[value=preview]")
        _shoot(page, f"editor-{lang}", databases.kind)
        page.goto(f"{base}/console/items/faq-invoice-title/versions?a=1&b=2&lang={lang}")
        assert page.locator("table.diff tr.changed").count() >= 1
        _shoot(page, f"history-diff-{lang}", databases.kind)
        page.goto(f"{base}/console/due?scope=mine&lang={lang}")
        assert page.locator("tr.overdue-row").count() == 1
        _shoot(page, f"due-{lang}", databases.kind)
        page.goto(f"{base}/console/items?lang={lang}")
        _shoot(page, f"items-{lang}", databases.kind)
    page.click("a[href='/console/due']")
    page.click("tr.overdue-row button")
    assert page.locator("tr.overdue-row").count() == 0
    assert not errors, errors  # nothing the CSP refused, no script errors
    page.close()
