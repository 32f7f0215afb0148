"""The console's authoring pages (issue #17): write, publish, conflicts, gaps, escaping."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from deskmate.server.auth import Role, revoke_tokens
from deskmate.server.learning.gap_queue import collect_signals
from deskmate.server.tables import GapTopicRow, ItemStateRow, NoticeRow
from sqlalchemy import select

from tests.server.conftest import RunningServer
from tests.server.console_fixtures import console_client, form_csrf, post_gap

EVIL = '<script>alert(1)</script><img src=x onerror="alert(2)">'


@pytest.fixture
def stack() -> Iterator[contextlib.ExitStack]:
    """Closes the test's console clients."""
    with contextlib.ExitStack() as exits:
        yield exits


def _closing(stack: contextlib.ExitStack, client: httpx.Client) -> httpx.Client:
    stack.callback(client.close)
    return client


def _fields(page: str) -> dict[str, str]:
    """The editor form's current values (inputs and textareas), as a browser would send."""
    form = page[page.index('action="/console/items/save" class="editor') :]
    form = form[: form.index("</form>")]
    values: dict[str, str] = {}
    for m in re.finditer(
        r'<input type="(?:hidden|text|number)"[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form
    ):
        values[m[1]] = _unescape(m[2])
    for m in re.finditer(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S):
        values[m[1]] = _unescape(m[2])
    for m in re.finditer(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', m[2])
        values[m[1]] = chosen[1] if chosen else ""
    return values


def _unescape(text: str) -> str:
    import html

    return html.unescape(text)


def _save(client: httpx.Client, fields: dict[str, Any], action: str) -> httpx.Response:
    return client.post("/console/items/save", data={**fields, "action": action})


def test_write_publish_from_a_gap_topic_resolves_it_and_tells_the_agent(
    server: RunningServer, stack: contextlib.ExitStack
) -> None:
    agent = server.user("li.na", team="t1")
    post_gap(server, agent, "li.na", "企业发票抬头开错了怎么办")
    collect_signals(server.db)
    editor = _closing(stack, console_client(server, server.user("wang.fang", Role.EDITOR)))
    with server.db.read() as conn:
        topic = conn.execute(select(GapTopicRow.id)).scalar_one()

    queue = editor.get("/console/gaps")
    assert f'href="/console/items/new?from=topic:{topic}"' in queue.text
    page = editor.get(f"/console/items/new?from=topic:{topic}")
    assert page.status_code == 200
    fields = _fields(page.text)
    assert fields["source"] == f"topic:{topic}"
    assert fields["title"]
    fields.update(id="faq-invoice-title", title=EVIL, body="作废后**重开**。" + EVIL)

    preview = _save(editor, fields, "preview")
    assert "&lt;script&gt;" in preview.text
    assert "<script>" not in preview.text
    bad = _save(editor, {**fields, "title": ""}, "save")
    assert bad.status_code == 422
    assert 'id="err-title"' in bad.text

    published = _save(editor, fields, "publish")
    assert published.status_code == 303, published.text
    with server.db.read() as conn:
        status = conn.execute(select(GapTopicRow.status)).scalar_one()
        notices = conn.execute(select(NoticeRow.agent, NoticeRow.kind)).all()
        state = conn.execute(select(ItemStateRow.status, ItemStateRow.verified_by)).one()
    assert status == "resolved"
    assert ("li.na", "gap_resolved") in [tuple(n) for n in notices]
    assert tuple(state) == ("published", "wang.fang")
    for path in (
        "/console/items/faq-invoice-title/edit",
        "/console/items/faq-invoice-title/versions",
        "/console/items?q=faq",
    ):
        html = editor.get(path).text
        assert "<script>alert" not in html
        assert "<img src=x" not in html
        assert "&lt;script&gt;" in html


def test_a_stale_save_shows_the_conflict_and_keeps_the_text(
    server: RunningServer, stack: contextlib.ExitStack
) -> None:
    one = _closing(stack, console_client(server, server.user("e1", Role.EDITOR)))
    two = _closing(stack, console_client(server, server.user("e2", Role.EDITOR)))
    form = _fields(one.get("/console/items/new").text)
    form.update(id="faq-a", title="退款多久到账", body="三天")
    assert _save(one, form, "save").status_code == 303
    first = _fields(one.get("/console/items/faq-a/edit").text)
    second = _fields(two.get("/console/items/faq-a/edit").text)
    assert _save(one, {**first, "body": "五天"}, "save").status_code == 303
    clash = _save(two, {**second, "body": "七个工作日"}, "save")
    assert clash.status_code == 412
    assert "七个工作日" in clash.text  # the text typed is kept in the form
    assert "五天" in clash.text  # and the other save is shown beside it
    again = _fields(clash.text)
    assert again["base"] == "2"
    assert _save(two, again, "save").status_code == 303  # saved on top, knowingly
    history = two.get("/console/items/faq-a/versions").text
    assert "v3" in history
    assert "e2" in history
    assert "e1" in history


def test_agents_managers_and_revoked_sessions_cannot_author(
    server: RunningServer, stack: contextlib.ExitStack
) -> None:
    manager = _closing(stack, console_client(server, server.user("m1", Role.MANAGER)))
    assert manager.get("/console/items").status_code == 403
    assert manager.get("/console/items/new").status_code == 403
    editor = _closing(stack, console_client(server, server.user("e1", Role.EDITOR)))
    page = editor.get("/console/items/new")
    fields = _fields(page.text) | {"id": "faq-r", "title": "标题", "body": "正文"}
    revoke_tokens(server.db, "e1")
    refused = _save(editor, fields, "save")
    assert refused.status_code == 303
    assert refused.headers["location"].startswith("/console/signin")
    with server.db.read() as conn:
        assert conn.execute(select(ItemStateRow)).all() == []
    assert form_csrf(page.text, "/console/items/save")
