"""Duplicate hints in a real headless Chromium (issue #16): the gap queue shows the article
a topic looks like, resolving with it is one click; the editor names the article a
paraphrasing draft looks like. Photographed in Chinese and English into
build/screenshots/duphint-*.png (and $DESKMATE_SHOTS, if set)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from deskmate.server.auth import Role
from deskmate.server.learning.gap_queue import collect_signals
from deskmate.server.tables import GapTopicRow
from playwright.sync_api import Browser, Page
from sqlalchemy import select

from tests.server.conftest import DatabaseFactory, RunningServer
from tests.server.console_fixtures import post_gap
from tests.server.test_console_browser import SHOTS, browser  # noqa: F401 - the fixture
from tests.server.test_duplicate_hints import PARAPHRASE, articles, encoder  # noqa: F401

pytestmark = pytest.mark.slow


def _shoot(page: Page, name: str, database: str) -> None:
    if database != "sqlite":
        return
    for folder in {SHOTS, Path(os.environ.get("DESKMATE_SHOTS", "") or SHOTS)}:
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"duphint-{name}.png"), full_page=True)


@pytest.mark.leaks_allowed(
    "Playwright writes screenshots through its event loop's default executor: idle asyncio_N "
    "threads of the module-scoped browser fixture, ended when it closes"
)
def test_the_lookalike_article_is_shown_and_resolves_the_topic_in_a_real_browser(
    server: RunningServer,
    articles: None,  # noqa: F811 - the fixture imported above
    browser: Browser,  # noqa: F811
    databases: DatabaseFactory,
) -> None:
    post_gap(server, server.user("li.na", team="t1"), "li.na", PARAPHRASE)
    collect_signals(server.db)
    with server.db.read() as conn:
        topic = conn.execute(select(GapTopicRow.id)).scalar_one()
    base = server.base_url
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{base}/console/gaps?lang=zh")
    page.fill("#token", server.user("王芳", Role.EDITOR, team="kb"))
    page.click("#signin")
    hint = page.locator(f"#topic-{topic} .lookalikes")
    assert "看起来已有相应条目" in hint.inner_text()
    assert "打印机卡纸了怎么办" in hint.inner_text()
    _shoot(page, "gaps-zh", databases.kind)
    page.goto(f"{base}/console/gaps?lang=en")
    assert "Looks like an existing article" in hint.inner_text()
    _shoot(page, "gaps-en", databases.kind)

    for lang in ("zh", "en"):
        page.goto(f"{base}/console/items/new?lang={lang}")
        page.fill("#f-id", f"faq-paper-jam-{lang}")
        page.fill("#f-title", PARAPHRASE)
        page.fill("#f-body", "先关机，再沿出纸方向取出卡住的纸张。")
        page.click("button[value=save]")
        shown = page.locator(".notice.similar")
        assert "打印机卡纸了怎么办" in shown.inner_text()
        assert ("意思相近" if lang == "zh" else "similar meaning") in shown.inner_text()
        _shoot(page, f"editor-{lang}", databases.kind)

    page.goto(f"{base}/console/gaps?lang=zh")
    page.locator(f"#topic-{topic} .lookalikes button").first.click()
    with server.db.read() as conn:
        row = conn.execute(select(GapTopicRow.status, GapTopicRow.resolution_item_id)).one()
    assert tuple(row) == ("resolved", "faq-printer")
    page.close()
