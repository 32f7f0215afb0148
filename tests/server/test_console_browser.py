"""The console end to end in a real headless Chromium (Debian's, driven by Playwright).

A manager signs in, looks at the matrix and an agent, assigns learning through the form
(the agent's API profile then shows it); an editor signs in and resolves a gap topic
(the agent who flagged it gets the notice). Every page is photographed in Chinese and
English into build/screenshots/console-*.png, for people to look at.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.server.conftest import DatabaseFactory, RunningServer
from tests.server.console_fixtures import post_gap, seed_activity
from tests.server.helpers import item_record
from tests.server.learning_fixtures import add_team, import_learning_pack

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
MANAGER_PAGES = {
    "team": "/console/team",
    "agent": "/console/agents/li.na",
    "assign": "/console/assign",
    "trends": "/console/trends",
    "articles-manager": "/console/articles",
}
EDITOR_PAGES = {"gaps": "/console/gaps", "articles": "/console/articles"}

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists() and shutil.which("chromium") is None:
        pytest.fail("the console browser tests need Debian's chromium: apt-get install chromium")
    with sync_playwright() as driver:
        launched = driver.chromium.launch(
            executable_path=str(CHROMIUM if CHROMIUM.exists() else shutil.which("chromium")),
            args=CHROMIUM_ARGS,
        )
        yield launched
        launched.close()


def _shoot(page: Page, name: str, database: str) -> None:
    if database != "sqlite":  # one set of pictures is enough
        return
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"console-{name}.png"), full_page=True)


def _both_languages(page: Page, base: str, pages: dict[str, str], database: str) -> None:
    for lang in ("zh", "en"):
        for name, path in pages.items():
            answer = page.goto(f"{base}{path}?lang={lang}")
            assert answer is not None
            assert answer.status == 200, (path, lang)
            _shoot(page, f"{name}-{lang}", database)
    page.goto(f"{base}{next(iter(pages.values()))}?lang=zh")  # back to Chinese


@pytest.mark.leaks_allowed(
    "Playwright writes screenshots through its event loop's default executor: idle asyncio_N "
    "threads of the module-scoped browser fixture, ended when it closes"
)
def test_a_manager_assigns_and_an_editor_resolves_in_a_real_browser(
    server: RunningServer,
    browser: Browser,
    tmp_path: Path,
    databases: DatabaseFactory,
) -> None:
    database = databases.kind
    import_learning_pack(server, tmp_path / "pack")
    tokens = add_team(server)
    seed_activity(server, tokens, days=21)
    for name, skill, level in (("li.na", "soft.empathy", 3), ("zhao.lei", "tech.esim", 2)):
        with server.client(tokens[name]) as client:
            answer = client.put("/api/v1/me/self-assessment", json={"skill": skill, "level": level})
            assert answer.status_code == 200, answer.text
    post_gap(server, tokens["li.na"], "li.na", "eSIM 换机后无法激活")
    post_gap(server, tokens["zhao.lei"], "zhao.lei", "eSIM 换新手机激活失败")
    post_gap(server, tokens["zhao.lei"], "zhao.lei", "日本漫游流量包多少钱")
    base = server.base_url
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    # The manager signs in (a stranger is sent to the sign-in page first).
    page.goto(f"{base}/console/team")
    assert page.url.startswith(f"{base}/console/signin")
    _shoot(page, "signin-zh", database)
    page.fill("#token", tokens["wang.mgr"])
    page.click("#signin")
    page.wait_for_url(f"{base}/console/team")
    assert page.locator("table.matrix tbody tr").count() == 2
    assert page.locator("td.cell.band-large, td.cell.band-medium, td.cell.band-none").count() > 0

    # Click through to an agent.
    page.click("table.matrix td.agent >> text=li.na")
    page.wait_for_url(f"{base}/console/agents/li.na")
    assert page.locator("ul.reasons li").count() > 0

    # Assign learning to li.na with a due date and a time window.
    page.click("nav >> text=布置学习")
    page.check("#target-agent")
    page.select_option("#agent", "li.na")
    page.fill("#title", "复习 eSIM 换机")
    page.fill("#item_id", "faq-esim")
    page.select_option("#skill", "tech.esim")
    page.fill("#due_on", "2026-12-20")
    page.fill("#window_start", "14:00")
    page.fill("#window_end", "15:30")
    page.click("#assign")
    page.wait_for_url(f"{base}/console/assign?assigned=1")
    assert "已布置给 1 位坐席" in page.inner_text("main")
    _shoot(page, "assigned-zh", database)
    with server.client(tokens["li.na"]) as client:
        [assignment] = client.get("/api/v1/me/profile").json()["assignments"]
    assert assignment["title"] == "复习 eSIM 换机"
    assert (assignment["due_on"], assignment["window_start"], assignment["window_end"]) == (
        "2026-12-20",
        "14:00",
        "15:30",
    )
    _both_languages(page, base, MANAGER_PAGES, database)

    assert errors == []  # nothing failed to load (CSP refusals would show here too)

    # Sign out; an agent who signs in is told the console is not for them.
    page.click("header >> text=退出")
    page.wait_for_url(f"{base}/console/signin?out=1")
    page.fill("#token", tokens["li.na"])
    page.click("#signin")
    assert "管理台仅供主管和知识编辑使用" in page.inner_text("main")
    _shoot(page, "agent-refused-zh", database)
    assert errors == [
        "Failed to load resource: the server responded with a status of 403 (Forbidden)"
    ]
    errors.clear()  # that 403 was the point; nothing else may fail to load

    # The editor signs in, the answer is imported, and the topic is resolved with it.
    page.goto(f"{base}/console/signin")
    page.fill("#token", tokens["ed.itor"])
    page.click("#signin")
    page.wait_for_url(f"{base}/console/gaps")
    import_learning_pack(
        server, tmp_path / "pack2", [item_record("faq-esim-activate", "eSIM 换机激活")]
    )
    _shoot(page, "gaps-before-zh", database)
    # If the clustering kept the two eSIM flags apart, the editor merges one into the other.
    topic = page.locator("section.topic", has_text="eSIM 换机后无法激活")
    target = topic.get_attribute("id")
    other = page.locator("section.topic", has_text="eSIM 换新手机激活失败")
    assert target is not None
    if other.get_attribute("id") != target:
        other.locator("input[name=into]").fill(target.removeprefix("topic-"))
        other.locator("button", has_text="合并").click()
        page.wait_for_url("**/console/gaps?status=open*")
        assert "已更新：已合并" in page.inner_text("main")
    assert "2" in topic.locator(".count").inner_text()  # both flags now count for it
    topic.locator("input[type=text][name=item_id]").fill("faq-esim-activate")
    topic.get_by_role("button", name="解决", exact=True).click()
    page.wait_for_url("**/console/gaps?status=open*")
    assert "已更新：已解决" in page.inner_text("main")
    assert page.locator("section.topic", has_text="eSIM 换机后无法激活").count() == 0
    for name in ("li.na", "zhao.lei"):
        with server.client(tokens[name]) as client:
            notices = client.get("/api/v1/me/profile").json()["notices"]
        resolved = [n for n in notices if n["kind"] == "gap_resolved"]
        assert [n["item_id"] for n in resolved] == ["faq-esim-activate"], name
    _both_languages(page, base, EDITOR_PAGES, database)
    page.goto(f"{base}/console/gaps?status=resolved&lang=en")
    _shoot(page, "gaps-resolved-en", database)
    assert errors == []
    context.close()
