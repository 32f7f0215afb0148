"""The editor's live preview and kept draft in a real headless Chromium (issue #17).

Typing in the body updates the preview (rendered by the server by the sidebar's rules:
script as text, javascript: link not a link, no image loaded) under the console's CSP;
a session ended mid-edit (token revoked) refuses the save with a sign-in page, and after
signing in again the editor offers the draft this browser kept. Screenshots of the editor
with its preview in zh and en go to build/screenshots (and $DESKMATE_SHOTS).
"""

from __future__ import annotations

import pytest
from deskmate.server.auth import Role, revoke_tokens
from playwright.sync_api import Browser, Page, expect

from tests.server.conftest import DatabaseFactory, RunningServer
from tests.server.test_console_browser import browser  # noqa: F401 - the fixture
from tests.server.test_workbench_browser import _shoot

pytestmark = pytest.mark.slow

BODY = (
    "## 发票重开\n\n- 先**作废**原发票\n- 再重开\n\n"
    "| 类型 | 时限 |\n|---|---|\n| 企业 | 24 小时 |\n\n"
    "[说明](https://help.example.cn/invoice) [危险](javascript:alert(1))\n\n"
    "![像素](https://tracker.example/p.gif)\n\n<script>alert(2)</script>"
)


def _sign_in(page: Page, base: str, token: str, lang: str = "zh") -> None:
    page.goto(f"{base}/console/items/new?lang={lang}")
    page.fill("#token", token)
    page.click("#signin")


@pytest.mark.leaks_allowed(
    "Playwright writes screenshots through its event loop's default executor: idle asyncio_N "
    "threads of the module-scoped browser fixture, ended when it closes"
)
def test_typing_updates_the_preview_and_a_revoked_session_keeps_the_draft(
    server: RunningServer,
    browser: Browser,  # noqa: F811 - the fixture imported above
    databases: DatabaseFactory,
) -> None:
    token = server.user("王芳", Role.EDITOR, team="kb")
    base = server.base_url
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    remote: list[str] = []
    page.on("request", lambda r: None if r.url.startswith(base) else remote.append(r.url))
    _sign_in(page, base, token)
    page.fill("#f-id", "faq-invoice")
    page.fill("#f-title", "发票开错了怎么重开？")
    page.fill("#f-body", BODY)
    page.wait_for_selector("#preview-body h2")
    shown = page.locator("#preview-body .markdown")
    assert shown.locator("h2").inner_text() == "发票重开"
    assert shown.locator("strong").inner_text() == "作废"
    assert shown.locator("td").all_inner_texts() == ["企业", "24 小时"]
    assert shown.locator("a").count() == 1
    assert shown.locator("a").get_attribute("href") == "https://help.example.cn/invoice"
    assert "[危险](javascript:alert(1))" in shown.inner_text()
    assert "<script>alert(2)</script>" in shown.inner_text()
    assert shown.locator("img, script").count() == 0
    page.fill("#f-body", "改成**新的**正文")
    expect(page.locator("#preview-body strong")).to_have_text("新的")  # (no eval: CSP)
    page.fill("#f-body", BODY)
    page.wait_for_selector("#preview-body h2")
    _shoot(page, "editor-preview-zh", databases.kind)
    page.goto(f"{base}/console/items/new?lang=en")
    page.fill("#f-id", "faq-invoice")
    page.fill("#f-title", "Reissuing a wrong invoice")
    page.fill("#f-body", BODY.replace("发票重开", "Reissue"))
    page.wait_for_selector("#preview-body h2")
    _shoot(page, "editor-preview-en", databases.kind)

    # The token is revoked mid-edit: the preview says so, the save goes to sign-in...
    revoke_tokens(server.db, "王芳")
    page.fill("#f-body", "吊销后写的草稿：**不能丢**")
    expect(page.locator("#preview-state")).to_contain_text("ended")
    page.click("button[value=save]")
    assert page.url.startswith(f"{base}/console/signin")
    # ...and after signing in with a new token, the editor offers the kept draft.
    fresh = server.user_token("王芳")
    _sign_in(page, base, fresh, "en")
    page.wait_for_selector("#draft-restore:not([hidden])")
    _shoot(page, "editor-draft-kept-en", databases.kind)
    page.click("#draft-restore-yes")
    assert page.input_value("#f-body") == "吊销后写的草稿：**不能丢**"
    assert page.input_value("#f-id") == "faq-invoice"
    expect(page.locator("#preview-body strong")).to_have_text("不能丢")
    page.click("button[value=save]")
    assert "faq-invoice/edit" in page.url
    assert page.locator("#draft-restore:not([hidden])").count() == 0
    page.goto(f"{base}/console/items/new")
    assert page.locator("#draft-restore:not([hidden])").count() == 0  # dropped once saved
    assert not remote, remote  # the image was never fetched
    assert not errors, errors  # nothing the CSP refused, no script errors
    context.close()
