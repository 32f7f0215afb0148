"""Context requests from a CRM (issue #18): untrusted URLs and messages, validated hard."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

import pytest
from deskmate.core.activity.consultation_log import ConsultationLog
from deskmate.core.context_request import (
    MAX_QUERY_CHARS,
    ContextError,
    ContextRequest,
    check_case,
    looks_like_url,
)

QUERY = "客户说：花呗还款日能改吗"


def test_url_gives_query_case_and_language_and_ignores_unknown_parameters() -> None:
    url = f"deskmate://search?q={quote(QUERY)}&case=CASE-123&lang=zh&utm_source=crm&x="
    assert ContextRequest.from_url(url) == ContextRequest(QUERY, "CASE-123", "zh")


def test_megabyte_query_is_cut_to_the_limit() -> None:
    url = "deskmate://search?q=" + quote("花" * 1_000_000) + "&case=C1"
    request = ContextRequest.from_url(url)
    assert 0 < len(request.query) <= MAX_QUERY_CHARS
    assert set(request.query) == {"花"}
    assert len(ContextRequest.build("a" * 1_000_000).query) == MAX_QUERY_CHARS


def test_control_characters_are_stripped() -> None:
    dirty = "花呗\x00还款\x1b[31m日\r\n能改\u202e吗\x7f"
    assert ContextRequest.build(dirty).query == "花呗还款[31m日 能改吗"
    url = "deskmate://search?q=%00%E8%8A%B1%1B%0A%E5%91%97"
    assert ContextRequest.from_url(url).query == "花 呗"


@pytest.mark.parametrize(
    "case",
    ["CASE 1", "<script>", "a" * 65, "案件1", "C1;rm -rf", "C1\n", "C1&x=1", "'or'1'='1"],
)
def test_malformed_case_is_refused(case: str) -> None:
    with pytest.raises(ContextError, match="case reference is refused"):
        ContextRequest.build(QUERY, case)
    with pytest.raises(ContextError):
        ContextRequest.from_url(f"deskmate://search?q=x&case={quote(case)}")


@pytest.mark.parametrize("case", ["CASE-123", "00123456", "INC0012345", "sf:5003x/ab#1.2_3"])
def test_plausible_cases_pass(case: str) -> None:
    assert check_case(case) == case


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)//deskmate://search?q=x",
        "file:///etc/passwd",
        "http://evil.example/search?q=x",
        "DESKMATE2://search?q=x",
        "deskmate://open?q=x",
        "deskmate://search/../../etc?q=x",
    ],
)
def test_other_schemes_and_actions_are_refused(url: str) -> None:
    with pytest.raises(ContextError):
        ContextRequest.from_url(url)


def test_scheme_is_case_insensitive_and_empty_request_refused() -> None:
    assert ContextRequest.from_url("DESKMATE://search?q=hi").query == "hi"
    assert ContextRequest.from_url("deskmate:search?q=hi").query == "hi"
    with pytest.raises(ContextError, match="nothing to search"):
        ContextRequest.from_url("deskmate://search?q=%00%01")
    # A case alone is a pop too: the CRM switched cases before the customer spoke.
    assert ContextRequest.from_url("deskmate://search?case=C9") == ContextRequest("", "C9")


def test_bad_language_hint_is_dropped_not_refused() -> None:
    assert ContextRequest.build("x", customer_lang="<b>").customer_lang == ""
    assert ContextRequest.build("x", customer_lang="zh-CN").customer_lang == "zh-cn"


def test_message_round_trip_and_refusals() -> None:
    request = ContextRequest(QUERY, "CASE-1", "zh")
    assert ContextRequest.from_message(request.to_message()) == request
    for bad in (
        "{",
        "[]",
        json.dumps({"kind": "quit"}),
        json.dumps({"kind": "search", "q": 5}),
        json.dumps({"kind": "search", "q": "x", "case": "a b"}),
        json.dumps({"kind": "search", "q": "x" * 20_000}),
    ):
        with pytest.raises(ContextError):
            ContextRequest.from_message(bad)


def test_description_for_the_log_has_no_customer_text() -> None:
    described = ContextRequest(QUERY, "CASE-123", "zh").describe()
    assert "花呗" not in described
    assert "CASE-123" not in described
    assert str(len(QUERY)) in described


def test_urls_are_told_from_paths() -> None:
    assert looks_like_url("deskmate://search?q=x")
    assert looks_like_url("javascript:alert(1)")
    assert not looks_like_url(r"C:\packs\faq.md")
    assert not looks_like_url("花呗")


def test_consultation_log_case_setter_tags_events_and_refuses_bad_cases(tmp_path: Path) -> None:
    with ConsultationLog.open(tmp_path, "agent-1") as record:
        record.case = "CASE-123"
        tagged = record.record_feedback("faq-1", True)
        with pytest.raises(ContextError):
            record.case = "<img src=x>"
        assert record.case == "CASE-123"
        record.case = ""
        plain = record.record_feedback("faq-1", False)
        stored = {e.event_id: e for e in record.recent(5)}
    assert stored[tagged.event_id].detail == {"helpful": True, "case": "CASE-123"}
    assert stored[plain.event_id].detail == {"helpful": False}
