"""The console renders the core's highlighted text itself: autoescaped, with <mark> (#14)."""

from __future__ import annotations

import re

from deskmate.core.search.snippets import HighlightedText
from deskmate.server.auth import Role
from deskmate.server.console.page_context import TEMPLATES

from tests.server.conftest import RunningServer
from tests.server.console_fixtures import console_client, form_csrf

EVIL = "退款<script>alert(1)</script>规则 & 退款"


def test_the_macro_escapes_every_piece_and_marks_only_the_matches() -> None:
    macro = TEMPLATES.from_string('{% from "highlight.html" import marked %}{{ marked(t) }}')
    shown = macro.render(t=HighlightedText.of_substring(EVIL, "退款"))
    assert shown == (
        "<mark>退款</mark>&lt;script&gt;alert(1)&lt;/script&gt;规则 &amp; <mark>退款</mark>"
    )
    marked_script = HighlightedText(EVIL, ((2, 10),))  # a match inside the markup
    assert "<mark>&lt;script&gt;</mark>" in macro.render(t=marked_script)


def test_the_item_list_marks_the_searched_words_in_titles(server: RunningServer) -> None:
    editor = console_client(server, server.user("wang.fang", Role.EDITOR))
    try:
        page = editor.get("/console/items/new").text
        new = re.search(r'name="new" value="([^"]*)"', page)
        assert new is not None
        saved = editor.post(
            "/console/items/save",
            data={
                "csrf": form_csrf(page, "/console/items/save"),
                "new": new[1],
                "id": "faq-evil",
                "kind": "faq",
                "language": "zh",
                "title": EVIL,
                "body": "正文",
                "action": "save",
            },
        )
        assert saved.status_code == 303, saved.text
        listed = editor.get("/console/items", params={"q": "退款"}).text
    finally:
        editor.close()
    row = listed[listed.index("/console/items/faq-evil/edit") :]
    row = row[: row.index("</a>")]
    marked = "<mark>退款</mark>&lt;script&gt;alert(1)&lt;/script&gt;规则 &amp; <mark>退款</mark>"
    assert marked in row
    assert "<script>" not in listed
