"""A server that trickles its answer, or nests it absurdly deep, cannot hold or crash a sync.

:class:`TrickleProxy` is a raw-socket proxy in front of the real server (issue #15): for
the chosen path it sends the status line and then one header byte every few seconds, or
the headers and then one body byte every few seconds. Neither ever trips a per-read
timeout; only the client's deadline for the whole request ends the wait.
"""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from deskmate.core import KnowledgeBase
from deskmate.core.activity.consultation_log import ConsultationLog
from deskmate.core.sync import OfflineError, ProtocolError, SyncReport
from deskmate.core.sync.client import SyncClient

from tests.sync.conftest import (
    FaultProxy,
    LiveServer,
    Reply,
    content_requests,
    faq,
    local_state,
    make_client,
)

DEADLINE = 6.0
TRICKLE_EVERY = 5.0  # seconds between bytes: far below any per-read timeout
DEEP = 200_000


class TrickleProxy:
    """Forwards to the live server; trickles the answers to one method and path prefix.

    Args:
        upstream_port: The live server's port.
        method: The request method to trickle.
        prefix: The request path prefix to trickle (e.g. ``/api/v1/changes``).
        phase: ``"headers"`` (status line, then one header byte per step), ``"body"``
            (all headers, then one body byte per step) or ``"slow"`` (all headers, then
            the body at 1 MiB/s: a slow line that works).
    """

    def __init__(self, upstream_port: int, method: str, prefix: str, phase: str) -> None:
        self.upstream_port = upstream_port
        self.method, self.prefix, self.phase = method, prefix, phase
        self.trickled: list[float] = []  # when each trickled answer began
        self._stop = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}"

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self._listener.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _addr = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(30)
            reader = conn.makefile("rb")
            request_line = reader.readline().decode("latin-1").split()
            if len(request_line) < 2:
                return
            method, path = request_line[0], request_line[1]
            headers: dict[str, str] = {}
            while (line := reader.readline()) not in (b"\r\n", b"\n", b""):
                key, _, value = line.decode("latin-1").partition(":")
                headers[key.strip()] = value.strip()
            length = int(headers.get("Content-Length", "0"))
            body = reader.read(length) if length else b""
            headers = {
                k: v
                for k, v in headers.items()
                if k.lower() not in ("host", "connection", "accept-encoding")
            }
            upstream = http.client.HTTPConnection("127.0.0.1", self.upstream_port, timeout=30)
            try:
                upstream.request(method, path, body=body or None, headers=headers)
                answer = upstream.getresponse()
                status, reason, content = answer.status, answer.reason, answer.read()
                kept = [
                    (k, v)
                    for k, v in answer.getheaders()
                    if k.lower() not in ("content-length", "transfer-encoding", "connection")
                ]
            finally:
                upstream.close()
            head = f"HTTP/1.1 {status} {reason}\r\n".encode()
            head += "".join(f"{k}: {v}\r\n" for k, v in kept).encode("latin-1")
            head += f"Content-Length: {len(content)}\r\nConnection: close\r\n\r\n".encode()
            if method != self.method or not path.startswith(self.prefix):
                conn.sendall(head + content)
                return
            self.trickled.append(time.monotonic())
            status_line_end = head.index(b"\r\n") + 2
            if self.phase == "headers":
                conn.sendall(head[:status_line_end])
                rest = head[status_line_end:] + content
            else:
                conn.sendall(head)
                rest = content
            step, every = (64 * 1024, 1 / 16) if self.phase == "slow" else (1, TRICKLE_EVERY)
            for start in range(0, len(rest), step):
                if self._stop.wait(every):
                    return
                try:
                    conn.sendall(rest[start : start + step])
                except OSError:
                    return  # the client gave up: what the deadline is for


@pytest.fixture
def synced(live_server: LiveServer, token: str, kb: KnowledgeBase, tmp_path: Path) -> str:
    """A client copy in sync, then a change on the server it has not fetched yet."""
    with make_client(kb, None, live_server.url, token) as client:
        assert client.sync_once().ok
    live_server.import_records(tmp_path / "new.jsonl", [faq("faq-pending", "待同步的条目")])
    return token


def timed_sync(client: SyncClient) -> tuple[SyncReport | None, float]:
    """``sync_once`` in a thread: a sync that hangs fails the test instead of blocking it."""
    outcome: list[SyncReport] = []
    started = time.monotonic()
    thread = threading.Thread(target=lambda: outcome.append(client.sync_once()), daemon=True)
    thread.start()
    thread.join(4 * DEADLINE)
    return (outcome[0] if outcome else None), time.monotonic() - started


@pytest.fixture
def trickle(request: pytest.FixtureRequest, live_server: LiveServer) -> Iterator[TrickleProxy]:
    method, prefix, phase = request.param
    proxy = TrickleProxy(live_server.port, method, prefix, phase)
    try:
        yield proxy
    finally:
        proxy.close()


@pytest.mark.parametrize(
    "trickle",
    [("GET", "/api/v1/changes", "headers"), ("GET", "/api/v1/changes", "body")],
    indirect=True,
    ids=["changes-header-trickle", "changes-body-trickle"],
)
def test_a_trickled_changes_page_ends_within_the_deadline_and_changes_nothing(
    trickle: TrickleProxy, synced: str, kb: KnowledgeBase, data_dir: Path
) -> None:
    before = local_state(data_dir)
    with make_client(kb, None, trickle.url, synced, deadline=DEADLINE) as client:
        report, took = timed_sync(client)
    assert report is not None, f"the sync was still waiting after {4 * DEADLINE:g} s"
    assert trickle.trickled, "the trickled request was never made"
    assert took < 2 * DEADLINE, f"the sync took {took:.1f} s"
    assert isinstance(report.error, OfflineError)
    assert f"did not answer within {DEADLINE:.0f} s" in (report.problem or "")
    assert "127.0.0.1" in (report.problem or "")
    assert local_state(data_dir) == before
    assert kb.get("faq-pending") is None


@pytest.mark.parametrize(
    "trickle",
    [("POST", "/api/v1/events", "body"), ("POST", "/api/v1/events", "headers")],
    indirect=True,
    ids=["events-body-trickle", "events-header-trickle"],
)
def test_a_trickled_events_receipt_ends_within_the_deadline_and_keeps_the_events(
    trickle: TrickleProxy,
    synced: str,
    kb: KnowledgeBase,
    events: ConsultationLog,
    data_dir: Path,
) -> None:
    recorded = {events.record_search(f"查询 {n}", n).event_id for n in range(5)}
    before = local_state(data_dir)
    with make_client(kb, events, trickle.url, synced, deadline=DEADLINE) as client:
        report, took = timed_sync(client)
    assert report is not None, f"the sync was still waiting after {4 * DEADLINE:g} s"
    assert trickle.trickled
    assert took < 2 * DEADLINE, f"the sync took {took:.1f} s"
    assert f"did not answer within {DEADLINE:.0f} s" in (report.problem or "")
    # The receipt never arrived: every event waits for the next sync, none marked sent.
    assert {e.event_id for e in events.pending_upload()} == recorded
    assert local_state(data_dir) == before


def test_a_large_page_on_a_slow_line_gets_more_time_than_the_base_deadline(
    live_server: LiveServer, token: str, kb: KnowledgeBase, tmp_path: Path
) -> None:
    """The allowance grows with the bytes received: a big page at 1 MiB/s is not cut off."""
    long_body = "长正文。" * 30_000  # ~360 KB per item in UTF-8
    live_server.import_records(
        tmp_path / "big.jsonl", [faq(f"faq-big-{n}", f"大条目 {n}", long_body) for n in range(12)]
    )
    slow = TrickleProxy(live_server.port, "GET", "/api/v1/changes", "slow")
    try:
        with make_client(kb, None, slow.url, token, deadline=2.0) as client:
            client.session.min_rate = 256 * 1024  # 1 MiB/s is four times that
            started = time.monotonic()
            report = client.sync_once()
            took = time.monotonic() - started
    finally:
        slow.close()
    assert report.ok, report.problem
    assert slow.trickled
    assert took > 3.0  # longer than the base deadline: it was the growth that let it finish
    assert all(kb.get(f"faq-big-{n}") is not None for n in range(12))


def deep_json(key: str) -> bytes:
    """A JSON object whose ``key`` holds arrays nested ``DEEP`` levels."""
    return b'{"' + key.encode() + b'": ' + b"[" * DEEP + b"]" * DEEP + b"}"


def test_a_changes_page_nested_200000_deep_is_refused_in_words(
    synced: str, proxy: FaultProxy, kb: KnowledgeBase, data_dir: Path
) -> None:
    before = local_state(data_dir)

    def nest(method: str, path: str, reply: Reply) -> Reply:
        if path.startswith("/api/v1/changes"):
            return Reply(200, {"Content-Type": "application/json"}, deep_json("items"))
        return reply

    proxy.fault = nest
    with make_client(kb, None, proxy.url, synced) as client:
        report = client.sync_once()
    assert isinstance(report.error, ProtocolError)
    assert "nested deeper than 64 levels" in (report.problem or "")
    assert "nothing local was changed" in (report.problem or "")
    assert local_state(data_dir) == before


@pytest.mark.logs_warnings(r"learning profile not synced")
def test_a_profile_nested_200000_deep_is_a_warning_and_the_content_still_comes(
    live_server: LiveServer, learner: str, kb: KnowledgeBase, proxy: FaultProxy
) -> None:
    def nest(method: str, path: str, reply: Reply) -> Reply:
        if path.startswith("/api/v1/me/profile"):
            return Reply(200, {"Content-Type": "application/json"}, deep_json("skills"))
        return reply

    proxy.fault = nest
    with make_client(kb, None, proxy.url, learner) as client:
        report = client.sync_once()
    assert report.ok, report.problem
    assert report.added == len(live_server.item_ids()) > 0
    assert any("nested deeper than 64 levels" in w for w in report.warnings), report.warnings
    assert any(p.startswith("/api/v1/changes") for _m, p, _h in content_requests(proxy.seen))


def test_a_problem_document_nested_deep_still_reads_as_the_status(
    synced: str, proxy: FaultProxy, kb: KnowledgeBase
) -> None:
    def nest(method: str, path: str, reply: Reply) -> Reply:
        if path.startswith("/api/v1/changes"):
            return Reply(503, {"Content-Type": "application/problem+json"}, deep_json("detail"))
        return reply

    proxy.fault = nest
    with make_client(kb, None, proxy.url, synced) as client:
        report = client.sync_once()
    assert "has a problem (HTTP 503)" in (report.problem or ""), report.problem


def test_depth_is_measured_outside_strings_only() -> None:
    from deskmate.core import bounded_json

    text = json.dumps({"a": ["[[[[{{{{", {"b": '\\"[[['}], "c": "]]]"})
    assert bounded_json.nesting_depth(text) == 3
    assert bounded_json.loads(text, max_depth=3) == json.loads(text)
    with pytest.raises(bounded_json.JsonTooDeepError):
        bounded_json.loads(text, max_depth=2)
    assert bounded_json.nesting_depth(b'"\\\\" ') == 0
    assert bounded_json.nesting_depth('["\\\\", [1]]') == 2
