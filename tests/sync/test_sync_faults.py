"""A broken network or server never damages the local copy, and the agent is told why.

The real server sits behind :class:`FaultProxy`, which turns its answers into garbage,
truncated JSON, cut connections, 500s, slow answers or records that break the schema.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from deskmate.core import KnowledgeBase
from deskmate.core.activity.consultation_log import ConsultationLog
from deskmate.core.sync import ProtocolError, RetryPolicy, SyncError
from deskmate.core.sync.pull import CURSOR_KEY, ContentPull
from deskmate.core.sync.transport import SyncSession

from tests.sync.conftest import FaultProxy, LiveServer, Reply, faq, local_state, make_client


@pytest.fixture
def synced(
    live_server: LiveServer, token: str, kb: KnowledgeBase, proxy: FaultProxy, tmp_path: Path
) -> tuple[str, str]:
    """A client copy in sync, then a change on the server it has not fetched yet."""
    with make_client(kb, None, proxy.url, token) as client:
        assert client.sync_once().ok
    live_server.import_records(tmp_path / "new.jsonl", [faq("faq-pending", "待同步的条目")])
    return proxy.url, token


FAULTS = {
    "garbage": (
        lambda r: Reply(200, {"Content-Type": "application/json"}, b"<html>proxy error</html>"),
        "not valid JSON",
    ),
    "truncated-json": (
        lambda r: Reply(r.status, r.headers, r.body[: len(r.body) // 2]),
        "not valid JSON",
    ),
    "connection-cut": (
        lambda r: Reply(r.status, r.headers, r.body, cut_after=len(r.body) // 3),
        "broke off or arrived garbled",
    ),
    "server-error-500": (
        lambda r: Reply(500, {"Content-Type": "text/plain"}, b"Internal Server Error"),
        "has a problem (HTTP 500",
    ),
    "wrong-envelope": (
        lambda r: Reply(200, r.headers, json.dumps({"items": "none", "has_more": 1}).encode()),
        "no list of items",
    ),
    "schema-breaking-item": (
        lambda r: Reply(
            200,
            r.headers,
            json.dumps(
                {
                    **json.loads(r.body),
                    "items": [
                        *json.loads(r.body)["items"],
                        {**faq("faq-bad", "x"), "title": ""},
                    ],
                }
            ).encode(),
        ),
        "whole page was refused",
    ),
    "unknown-status": (
        lambda r: Reply(418, {"Content-Type": "text/plain"}, b"teapot"),
        "answered HTTP 418",
    ),
}


@pytest.mark.parametrize("name", list(FAULTS))
def test_fault_leaves_the_local_copy_unchanged(
    name: str, synced: tuple[str, str], proxy: FaultProxy, kb: KnowledgeBase, data_dir: Path
) -> None:
    url, token = synced
    rewrite, words = FAULTS[name]
    proxy.fault = lambda method, path, reply: (
        rewrite(reply) if path.startswith("/api/v1/changes") else reply
    )
    before = local_state(data_dir)
    with make_client(kb, None, url, token) as client:
        report = client.sync_once()
    assert isinstance(report.error, SyncError)
    assert report.problem is not None
    assert words in report.problem
    assert "127.0.0.1" in report.problem
    assert token not in report.problem
    assert local_state(data_dir) == before
    assert kb.get("faq-pending") is None
    # The fault gone, the next sync completes.
    proxy.fault = None
    with make_client(kb, None, url, token) as client:
        report = client.sync_once()
    assert report.ok, report.problem
    assert kb.get("faq-pending") is not None


def test_server_errors_are_retried_with_backoff(
    synced: tuple[str, str], proxy: FaultProxy, kb: KnowledgeBase
) -> None:
    url, token = synced
    failures = iter([503, 502])

    def flaky(method: str, path: str, reply: Reply) -> Reply:
        if not path.startswith("/api/v1/changes"):
            return reply
        status = next(failures, None)
        return reply if status is None else Reply(status, {}, b"busy")

    proxy.fault = flaky
    proxy.seen.clear()
    policy = RetryPolicy(retries=3, backoff=0.1, jitter=0.05)
    with make_client(kb, None, url, token, retry=policy) as client:
        report = client.sync_once()
    assert report.ok, report.problem
    assert report.added == 1
    pages = [p for _m, p, _h in proxy.seen if p.startswith("/api/v1/changes")]
    assert len(pages) == 3  # two failures, then the answer


@pytest.mark.logs_warnings(r"learning profile not synced")
def test_slow_answer_past_the_timeout(
    synced: tuple[str, str], proxy: FaultProxy, kb: KnowledgeBase, data_dir: Path
) -> None:
    url, token = synced

    def slow(method: str, path: str, reply: Reply) -> Reply:
        return Reply(reply.status, reply.headers, reply.body, delay=2.5)

    proxy.fault = slow
    before = local_state(data_dir)
    started = time.monotonic()
    policy = RetryPolicy(retries=1, backoff=0.0, jitter=0.0)
    with make_client(kb, None, url, token, retry=policy, timeout=(2.0, 0.5)) as client:
        report = client.sync_once()
    assert time.monotonic() - started < 2.4  # two attempts of 0.5 s, not the 2.5 s answer
    assert report.problem == (
        f"The server at {url.removeprefix('http://')} did not answer within 0.5 s; "
        "working from the local copy. Try again later."
    )
    assert local_state(data_dir) == before


def test_bad_page_in_the_middle_keeps_the_pages_before_it(
    live_server: LiveServer, token: str, proxy: FaultProxy, kb: KnowledgeBase
) -> None:
    pages = 0

    def third_page_broken(method: str, path: str, reply: Reply) -> Reply:
        nonlocal pages
        if not path.startswith("/api/v1/changes"):
            return reply
        pages += 1
        if pages != 3:
            return reply
        data = json.loads(reply.body)
        data["items"][5]["version"] = "one"
        return Reply(200, reply.headers, json.dumps(data).encode())

    proxy.fault = third_page_broken
    with make_client(kb, None, proxy.url, token, page_limit=50) as client:
        report = client.sync_once()
        assert report.problem is not None
        assert "record 6" in report.problem
        assert report.added == 100  # pages one and two, each in one transaction
        assert sum(kb.count().values()) == 100
        # The index caught up with those two pages although the sync failed after them.
        kept = kb.items_of_kind("faq", limit=1)[0]
        assert kept.id in [hit.id for hit in kb.search(kept.title, limit=10)]
        cursor = kb.get_meta(CURSOR_KEY)
        assert cursor
        assert not kb.get_meta("last_sync")
        report = client.sync_once()  # continues from the stored cursor
    assert report.ok, report.problem
    assert not report.full_pass
    assert report.added == len(live_server.item_ids()) - 100


def test_oversized_page_is_refused(
    live_server: LiveServer, token: str, kb: KnowledgeBase, data_dir: Path
) -> None:
    session = SyncSession(live_server.url, token, max_page_bytes=20_000)
    try:
        with pytest.raises(ProtocolError, match="larger than 20,000 bytes"):
            ContentPull(kb, session).run()
    finally:
        session.close()
    assert sum(kb.count().values()) == 0
    assert not kb.get_meta(CURSOR_KEY)


@pytest.mark.logs_warnings(r"event upload failed")
def test_failed_event_upload_does_not_stop_the_content(
    synced: tuple[str, str], proxy: FaultProxy, kb: KnowledgeBase, data_dir: Path
) -> None:
    url, token = synced
    with ConsultationLog.open(data_dir, "agent1") as events:
        events.record_search("退款", 2)

        def events_broken(method: str, path: str, reply: Reply) -> Reply:
            if path.startswith("/api/v1/events"):
                return Reply(500, {}, b"down")
            return reply

        proxy.fault = events_broken
        with make_client(kb, events, url, token) as client:
            report = client.sync_once()
        assert report.ok, report.problem  # content came down
        assert report.added == 1
        assert report.pushed == 0
        assert any("HTTP 500" in w for w in report.warnings)
        assert len(events.pending_upload()) == 1  # kept for the next sync
