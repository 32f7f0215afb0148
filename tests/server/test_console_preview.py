"""The editor's preview (issue #17): the sidebar's Markdown as safe HTML, live, CSP kept."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import httpx
import pytest
from deskmate.server.auth import Role, revoke_tokens
from deskmate.server.console.markdown_view import render_markdown

from tests.server.conftest import RunningServer
from tests.server.console_fixtures import console_client, form_csrf

BODY = """# 退款

## 到账时间

- 原路退回：**三个工作日**
- 余额：立即

1. 打开订单
2. 点击 [退款说明](https://help.example.cn/refund?a=1&b=2)

| 方式 | 时间 |
|---|---|
| 银行卡 | 3 天 |

<script>alert(1)</script>
[点我](javascript:alert(2)) [也点我](JAVASCRIPT:alert(3)) [数据](data:text/html,x)
![跟踪像素](https://tracker.example/p.gif) ![本地](p.png) ![大写](HTTPS://t.example/q.gif)
[邮件](mailto:kb@example.cn)
"""


@pytest.fixture
def editor(server: RunningServer) -> Iterator[httpx.Client]:
    """A signed-in editor's console client."""
    with contextlib.closing(console_client(server, server.user("e1", Role.EDITOR))) as client:
        yield client


def test_the_preview_renders_the_sidebars_markdown_safely() -> None:
    html, cut = render_markdown(BODY)
    assert not cut
    assert "<h1>退款</h1>" in html
    assert "<h2>到账时间</h2>" in html
    assert "<li>原路退回：<strong>三个工作日</strong></li>" in html
    assert "<ol>" in html
    assert "<table>" in html
    assert "<td>银行卡</td>" in html
    assert 'href="https://help.example.cn/refund?a=1&amp;b=2"' in html
    assert 'href="mailto:kb@example.cn"' in html
    # The script is text; no other link, no image at all.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script" not in html
    assert html.count("<a ") == 2
    assert "javascript:alert(2)" in html  # shown as typed, not a link
    assert "<img" not in html
    assert "[跟踪像素]" in html
    assert "[大写]" in html


def test_invalid_markdown_is_shown_not_refused() -> None:
    broken = "**未闭合 [链接(https://x.cn \n| a |\n|--\n```\n<div onclick=x>" + "*" * 5000
    html, _cut = render_markdown(broken)
    assert "<div" not in html
    # In the open code block the sidebar, too, shows safe_markdown's entity as typed.
    assert "&amp;lt;div onclick=x&gt;" in html
    long_html, cut = render_markdown("字" * 300_000)
    assert cut
    assert long_html.count("字") == 200_000


def test_the_live_preview_endpoint_renders_with_the_forms_token(editor: httpx.Client) -> None:
    page = editor.get("/console/items/new")
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "connect-src 'self'" in csp
    assert "'unsafe-inline'" not in csp
    assert '<script src="/console/static/editor.js?v=' in page.text
    assert "<h1>" not in page.text.split('id="preview-body"')[1].split("</section>")[0]
    token = form_csrf(page.text, "/console/items/save")
    fields = {"csrf": token, "new": "1", "kind": "faq", "body": BODY}
    shown = editor.post("/console/items/preview", data=fields)
    assert shown.status_code == 200
    assert "<h1>退款</h1>" in shown.text
    assert "&lt;script&gt;" in shown.text
    assert "<img" not in shown.text
    assert "<script" not in shown.text
    assert "script-src" not in shown.headers["content-security-policy"]  # a fragment: none
    script = editor.get("/console/static/editor.js")
    assert script.headers["content-type"].startswith("text/javascript")
    assert script.headers["x-content-type-options"] == "nosniff"
    refused = editor.post("/console/items/preview", data={**fields, "csrf": "forged"})
    assert refused.status_code == 403


def test_other_pages_still_allow_no_script(editor: httpx.Client) -> None:
    for path in ("/console/items", "/console/gaps", "/console/due"):
        csp = editor.get(path).headers["content-security-policy"]
        assert "script-src" not in csp, path
        assert csp.startswith("default-src 'none'")


def test_an_ended_session_gets_no_preview_but_a_sign_in(
    server: RunningServer, editor: httpx.Client
) -> None:
    page = editor.get("/console/items/new")
    fields = {"csrf": form_csrf(page.text, "/console/items/save"), "new": "1", "body": "x"}
    revoke_tokens(server.db, "e1")
    ended = editor.post("/console/items/preview", data=fields)
    assert ended.status_code == 303
    assert ended.headers["location"].startswith("/console/signin")


def test_agents_get_no_preview(server: RunningServer) -> None:
    with contextlib.closing(console_client(server, server.user("m1", Role.MANAGER))) as client:
        refused = client.post("/console/items/preview", data={"new": "1", "body": "x"})
    assert refused.status_code == 403
