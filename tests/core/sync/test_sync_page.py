"""The sync client's checks that need no server: page validation, addresses, tokens."""

from __future__ import annotations

from typing import Any

import pytest
from deskmate.core.sync.errors import AuthError, ProtocolError, SyncError
from deskmate.core.sync.failures import problem_of
from deskmate.core.sync.pull import check_page
from deskmate.core.sync.transport import ChangesPage, SyncSession, normalise_server_url

GOOD: dict[str, Any] = {
    "id": "faq-1",
    "kind": "faq",
    "title": "退款多久到账",
    "body": "一般 3 个工作日。",
    "language": "zh",
    "updated_at": "2026-10-01T09:00:00+08:00",
    "version": 1,
}


def page(items: list[Any], deleted: list[Any] | None = None) -> ChangesPage:
    return ChangesPage(items, deleted or [], "c1", False, None)


def test_a_good_page_gives_items_and_deletions() -> None:
    items, deletions = check_page(page([GOOD], ["faq-9"]), 10, "h")
    assert [i.id for i in items] == ["faq-1"]
    assert deletions == ["faq-9"]


@pytest.mark.parametrize(
    ("items", "deleted", "words"),
    [
        ([GOOD, {**GOOD, "id": "faq-2", "title": ""}], [], "record 2 (faq-2)"),
        ([GOOD, {**GOOD, "id": "faq-3", "kind": "memo"}], [], "record 2 (faq-3)"),
        ([GOOD, "not an object"], [], "record 2"),
        ([{**GOOD, "surprise": 1}], [], "record 1 (faq-1)"),
        ([GOOD], ["bad id with spaces"], "deleted id"),
        ([GOOD], [42], "deleted id"),
        ([GOOD], ["faq-1"], "both changed and deleted"),
        ([GOOD] * 6, [], "more than the 5 changes"),
    ],
)
def test_one_bad_record_refuses_the_whole_page(
    items: list[Any], deleted: list[Any], words: str
) -> None:
    with pytest.raises(ProtocolError, match="whole page was refused") as info:
        check_page(page(items, deleted), 5, "kb.example.com")
    assert words in str(info.value)


def test_server_addresses() -> None:
    assert normalise_server_url(" https://kb.example.com/ ") == "https://kb.example.com"
    for bad in ("kb.example.com", "ftp://kb.example.com", ""):
        with pytest.raises(SyncError, match="not valid"):
            normalise_server_url(bad)


def test_a_token_that_cannot_be_a_header_is_refused_without_quoting_it() -> None:
    with pytest.raises(AuthError) as info:
        SyncSession("https://kb.example.com", "abc\r\nX-Evil: 1")
    assert "abc" not in str(info.value)


def test_session_repr_hides_the_token() -> None:
    session = SyncSession("https://kb.example.com", "secret-token-123")
    try:
        assert "secret-token-123" not in repr(session)
        assert "secret-token-123" not in repr(session._session.auth)
    finally:
        session.close()


def test_problem_documents() -> None:
    body = b'{"type": "https://deskmate.example/problems/resync-required", "detail": "go"}'
    assert problem_of(body) == ("resync-required", "go")
    assert problem_of(b"<html>") == ("", "")
    slug, detail = problem_of(b'{"type": 5, "title": "' + b"x" * 1000 + b'"}')
    assert slug == ""
    assert len(detail) == 300
