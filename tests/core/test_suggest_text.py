"""Clipboard, selection and pasted text turned into a suggestion search, or refused (#18)."""

from __future__ import annotations

import pytest
from deskmate.core.context_request import MAX_QUERY_CHARS
from deskmate.core.suggest_text import (
    MAX_INPUT_CHARS,
    LooksSecretError,
    NothingToSearchError,
    NotPlainTextError,
    SuggestTextError,
    TextTooLongError,
    looks_secret,
    luhn_valid,
    suggestion_query,
)


def test_plain_customer_text_becomes_the_query() -> None:
    found = suggestion_query("客户说：花呗还款日能改吗？")
    assert found.query == "客户说：花呗还款日能改吗？"
    assert not found.excerpt


def test_control_characters_are_removed_and_whitespace_collapsed() -> None:
    found = suggestion_query("退款\x00 到账\x1b[31m\t\r\n多久\u202e ")
    assert found.query == "退款 到账[31m 多久"


def test_not_plain_text_is_refused() -> None:
    with pytest.raises(NotPlainTextError):
        suggestion_query(None)
    with pytest.raises(NotPlainTextError):
        suggestion_query("/home/agent/screenshot.png", plain_text=False)


def test_over_the_limit_is_refused_without_scanning() -> None:
    with pytest.raises(TextTooLongError) as caught:
        suggestion_query("退" * (10 * 1024 * 1024))
    assert caught.value.fields["length"] == 10 * 1024 * 1024
    with pytest.raises(TextTooLongError):
        suggestion_query("a" * (MAX_INPUT_CHARS + 1))


def test_up_to_the_limit_the_start_is_searched_as_an_excerpt() -> None:
    text = "花呗还款日 " * (MAX_INPUT_CHARS // 6)
    assert len(text) <= MAX_INPUT_CHARS
    found = suggestion_query(text)
    assert found.excerpt
    assert len(found.query) <= MAX_QUERY_CHARS
    assert found.query.startswith("花呗还款日 花呗还款日")


@pytest.mark.parametrize(
    "secret",
    [
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
        "Authorization: Bearer abcdef0123456789ABCDEFxyz",
        "password=hunter2",
        "Password: Winter2026!",
        "您的密码：Abc12345",
        "api_key = sk_live_51H8",
        "d41d8cd98f00b204e9800998ecf8427e",  # 32 hex digits (an MD5, an API secret)
        "dGhpcyBpcyBhIHNlY3JldCBrZXkgb2YgNDggYnl0ZXMgISE0Mg==",  # base64 with digits
        "卡号 4111 1111 1111 1111 请帮我查",  # Visa test number, passes Luhn
        "5500-0000-0000-0004",
        "-----BEGIN OPENSSH PRIVATE KEY-----",
        "AKIAIOSFODNN7EXAMPLE",
    ],
)
def test_secret_looking_text_is_refused(secret: str) -> None:
    assert looks_secret(secret)
    with pytest.raises(LooksSecretError) as caught:
        suggestion_query(secret)
    assert secret not in caught.value.message  # never repeated in messages or logs


@pytest.mark.parametrize(
    "ordinary",
    [
        "客户的订单号 20231115 退款还没到账",
        "手机号 13800138000 收不到验证码",  # 11 digits: not a card
        "4111 1111 1111 1112",  # card-like but fails the Luhn check
        "How do I reset my password?",  # the word alone is not a secret
        "iPhone 15 Pro Max 换货政策",
        "bypass the queue",
    ],
)
def test_ordinary_support_text_is_not_a_secret(ordinary: str) -> None:
    assert not looks_secret(ordinary)
    assert suggestion_query(ordinary).query


@pytest.mark.parametrize(
    "empty", ["", "   \n\t ", "\x00\x07\x1b", "https://crm.example.com/case/123?x=1", "--- !!! ..."]
)
def test_nothing_to_search(empty: str) -> None:
    with pytest.raises(NothingToSearchError):
        suggestion_query(empty)


def test_urls_are_dropped_from_the_query() -> None:
    found = suggestion_query("看这里 https://shop.example.com/item/1 怎么退货")
    assert found.query == "看这里 怎么退货"


def test_every_refusal_is_a_deskmate_error_with_its_own_code() -> None:
    kinds = (NotPlainTextError, TextTooLongError, LooksSecretError, NothingToSearchError)
    assert len({cls.code for cls in kinds}) == 4
    assert all(issubclass(cls, SuggestTextError) for cls in kinds)


def test_luhn() -> None:
    assert luhn_valid("4111111111111111")
    assert luhn_valid("79927398713")
    assert not luhn_valid("79927398710")
