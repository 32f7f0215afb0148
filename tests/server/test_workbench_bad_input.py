"""The editor against the issue's bad input (issue #17): huge bodies, broken Markdown,
HTML and script in every field. (Concurrent edits: test_workbench_console.py; a token
revoked mid-edit: there and test_workbench_browser_preview.py.)"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import httpx
import pytest
from deskmate.server.auth import Role
from deskmate.server.tables import ItemStateRow
from sqlalchemy import select

from tests.server.conftest import RunningServer
from tests.server.console_fixtures import console_client
from tests.server.test_workbench_console import _fields, _save

EVIL = '<script>alert(1)</script><img src=x onerror="alert(2)">'
BROKEN = "**未闭合 [链接(https://x.cn\n| a |\n|--\n```\n<div onclick=x>\n> > > *" + "_" * 999


@pytest.fixture
def editor(server: RunningServer) -> Iterator[httpx.Client]:
    """A signed-in editor's console client."""
    with contextlib.closing(console_client(server, server.user("e1", Role.EDITOR))) as client:
        yield client


def _stored(server: RunningServer) -> list[str]:
    with server.db.read() as conn:
        return list(conn.execute(select(ItemStateRow.item_id)).scalars())


def test_a_huge_body_is_refused_clearly_and_nothing_is_stored(
    server: RunningServer, editor: httpx.Client
) -> None:
    form = _fields(editor.get("/console/items/new").text) | {"id": "faq-big", "title": "大"}
    over_form = _save(editor, {**form, "body": "x" * (10 * 1024 * 1024 + 1)}, "save")
    assert over_form.status_code == 413
    assert "text/html" in over_form.headers["content-type"]
    assert "content-security-policy" in over_form.headers
    over_schema = _save(editor, {**form, "body": "x" * 1_000_001}, "save")
    assert over_schema.status_code == 422
    assert 'id="err-body"' in over_schema.text  # beside the field, the text kept
    assert _fields(over_schema.text)["body"] == "x" * 1_000_001
    assert _stored(server) == []
    preview = editor.post(
        "/console/items/preview", data={**form, "body": "x" * (10 * 1024 * 1024 + 1)}
    )
    assert preview.status_code == 413  # the live preview says it could not update


def test_broken_markdown_is_saved_published_and_shown_safely(
    server: RunningServer, editor: httpx.Client
) -> None:
    form = _fields(editor.get("/console/items/new").text)
    form.update(id="faq-broken", title="格式不完整的正文", body=BROKEN)
    assert _save(editor, form, "publish").status_code == 303
    assert _stored(server) == ["faq-broken"]
    page = editor.get("/console/items/faq-broken/edit").text
    shown = page.split('id="preview-body"')[1]
    assert "<div onclick" not in shown
    assert "&lt;div onclick=x&gt;" in shown or "&amp;lt;div onclick=x&gt;" in shown


@pytest.mark.parametrize("kind", ["faq", "script"])
def test_html_in_every_field_is_text_on_every_page(
    server: RunningServer, editor: httpx.Client, kind: str
) -> None:
    form = _fields(editor.get(f"/console/items/new?kind={kind}").text)
    form.update(
        id=f"{kind}-evil", kind=kind, title=EVIL, body=EVIL, product=EVIL, owner=EVIL,
        note=EVIL, tags=EVIL + "\n标签", teams=EVIL,
    )  # fmt: skip
    form["questions" if kind == "faq" else "guidance"] = EVIL
    refused = _save(editor, {**form, "skills": EVIL}, "save")  # skills have a pattern
    assert refused.status_code == 422
    assert 'id="err-skills"' in refused.text
    saved = _save(editor, form, "publish")
    assert saved.status_code == 303, saved.text  # HTML is text: nothing to refuse
    pages = [
        refused,
        editor.get(f"/console/items/{kind}-evil/edit"),
        editor.get(f"/console/items/{kind}-evil/versions"),
        editor.get("/console/items"),
        editor.get("/console/due?scope=all"),
    ]
    for page in pages:
        assert "<script>alert" not in page.text, page.url
        assert "<img src=x" not in page.text, page.url
        assert "default-src 'none'" in page.headers["content-security-policy"]
        assert "unsafe-inline" not in page.headers["content-security-policy"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages[1].text
