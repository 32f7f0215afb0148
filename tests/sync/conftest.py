"""End-to-end sync fixtures: the real deskmate-server on loopback, and a fault-injecting proxy.

No HTTP is mocked. :class:`LiveServer` runs the real FastAPI app under uvicorn in a
thread, on a SQLite database in ``tmp_path``; :class:`FaultProxy` is a real HTTP server
in front of it that forwards requests and, when told, garbles, truncates, delays or
replaces the answers, the way a broken proxy or an overloaded server would.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import socket
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import keyring
import pytest
import uvicorn
from deskmate.core import KnowledgeBase
from deskmate.core.activity.consultation_log import ConsultationLog
from deskmate.core.paths import Paths
from deskmate.core.sync import RetryPolicy, SyncClient
from deskmate.core.sync.pull import CURSOR_KEY, ETAG_KEY, SWEEP_KEY
from deskmate.server.app import build_app
from deskmate.server.auth import Role, add_user, issue_token, set_learning_role
from deskmate.server.content_import import import_packs
from deskmate.server.database import Database
from deskmate.server.serving import listen
from deskmate.server.tables import EventRow, ItemRow
from sqlalchemy import func, select

from tests.core.sync.test_sync_vault import MemoryKeyring

AGENT = "agent1"
FAST_RETRY = RetryPolicy(retries=1, backoff=0.05, jitter=0.0)


class LiveServer:
    """The real server app on a loopback port; can be stopped and started on that port."""

    def __init__(self, db_url: str) -> None:
        self.db_url = db_url
        self.db = Database.open(db_url)  # the operator's handle: imports, tokens, counts
        self.port = 0
        self.tls: tuple[Path, Path] | None = None  # (certificate, key): serve https
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._sock: socket.socket | None = None

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    def start(self) -> None:
        self._sock = listen("127.0.0.1", self.port)
        self.port = self._sock.getsockname()[1]
        config = uvicorn.Config(
            build_app(Database.open(self.db_url)),  # the app closes its own handle
            log_config=None,
            access_log=False,
            lifespan="on",
            timeout_graceful_shutdown=2,
            ssl_certfile=self.tls[0] if self.tls else None,
            ssl_keyfile=self.tls[1] if self.tls else None,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._sock]}, daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + 15
        while not self._server.started:
            assert self._thread.is_alive(), "the server thread died"
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.02)

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(15)
            assert not self._thread.is_alive()
        if self._sock is not None:
            self._sock.close()
        self._server = self._thread = self._sock = None

    def close(self) -> None:
        self.stop()
        self.db.close()

    # -- operator actions and checks ---------------------------------------------------

    def add_agent(self, name: str = AGENT) -> str:
        add_user(self.db, name, Role.AGENT, "team1")
        return issue_token(self.db, name)

    def import_records(self, path: Path, records: list[dict[str, Any]]) -> None:
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
        report = import_packs(self.db, [path])
        assert not report.problems, report.problems

    def item_ids(self) -> set[str]:
        with self.db.read() as conn:
            return set(conn.scalars(select(ItemRow.id)))

    def event_ids(self) -> list[str]:
        with self.db.read() as conn:
            return list(conn.scalars(select(EventRow.event_id)))

    def event_count(self) -> int:
        with self.db.read() as conn:
            return int(conn.scalar(select(func.count()).select_from(EventRow)) or 0)


@pytest.fixture
def live_server(tmp_path: Path, sample_pack: Path) -> Iterator[LiveServer]:
    """The server with the sample pack and one agent, running."""
    server = LiveServer(f"sqlite:///{tmp_path / 'server.db'}")
    report = import_packs(server.db, [sample_pack])
    assert not report.problems
    server.start()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def token(live_server: LiveServer) -> str:
    return live_server.add_agent()


@pytest.fixture
def learner(live_server: LiveServer, token: str) -> str:
    """The agent's token, with the sample pack's "new agent" learning role."""
    set_learning_role(live_server.db, AGENT, "new_agent")
    return token


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    """An in-memory credential store for the sidebar's sign-in."""
    before = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(before)


@pytest.fixture
def app_paths(tmp_path: Path, live_server: LiveServer) -> Paths:
    """Data and config directories for the sidebar, set to sync with the live server."""
    config = tmp_path / "config"
    config.mkdir()
    (config / "settings.json").write_text(
        json.dumps({"server_url": live_server.url, "agent_id": AGENT}), "utf-8"
    )
    return Paths.resolve(tmp_path / "data", config)


@dataclass
class Reply:
    """What the proxy sends back (by default, the upstream answer unchanged)."""

    status: int
    headers: dict[str, str]
    body: bytes
    delay: float = 0.0
    cut_after: int | None = None  # send only this many body bytes, then hang up


Fault = Callable[[str, str, Reply], Reply]


@dataclass
class FaultProxy:
    """A real HTTP server in front of the live one; ``fault`` rewrites answers."""

    upstream_port: int
    fault: Fault | None = None
    seen: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)

    def __post_init__(self) -> None:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                proxy._handle(self, "GET")

            def do_POST(self) -> None:
                proxy._handle(self, "POST")

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.block_on_close = False
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def _handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        headers = {k: v for k, v in handler.headers.items() if k.lower() != "host"}
        self.seen.append((method, handler.path, dict(headers)))
        headers["Accept-Encoding"] = "identity"  # so faults can edit the body
        upstream = http.client.HTTPConnection("127.0.0.1", self.upstream_port, timeout=30)
        try:
            upstream.request(method, handler.path, body=body or None, headers=headers)
            answer = upstream.getresponse()
            reply = Reply(
                answer.status,
                {
                    k: v
                    for k, v in answer.getheaders()
                    if k.lower() not in ("content-length", "transfer-encoding", "connection")
                },
                answer.read(),
            )
        finally:
            upstream.close()
        if self.fault is not None:
            reply = self.fault(method, handler.path, reply)
        try:
            time.sleep(reply.delay)
            handler.send_response(reply.status)
            for key, value in reply.headers.items():
                handler.send_header(key, value)
            handler.send_header("Content-Length", str(len(reply.body)))
            if reply.cut_after is not None:
                handler.send_header("Connection", "close")
                handler.close_connection = True
            handler.end_headers()
            handler.wfile.write(reply.body[: reply.cut_after])
            handler.wfile.flush()
        except (ConnectionError, OSError):
            handler.close_connection = True  # the client gave up (a timeout test)


def content_requests(
    seen: list[tuple[str, str, dict[str, str]]],
) -> list[tuple[str, str, dict[str, str]]]:
    """The requests of a sync that are not the learning profile's (``/api/v1/me/...``)."""
    return [(m, p, h) for m, p, h in seen if not p.startswith("/api/v1/me/")]


@pytest.fixture
def proxy(live_server: LiveServer) -> Iterator[FaultProxy]:
    fault_proxy = FaultProxy(live_server.port)
    try:
        yield fault_proxy
    finally:
        fault_proxy.close()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "client"


@pytest.fixture
def kb(data_dir: Path) -> Iterator[KnowledgeBase]:
    with KnowledgeBase.open(data_dir) as knowledge:
        yield knowledge


@pytest.fixture
def events(data_dir: Path, kb: KnowledgeBase) -> Iterator[ConsultationLog]:
    with ConsultationLog.open(data_dir, AGENT) as record:
        yield record


def make_client(
    kb: KnowledgeBase, events: ConsultationLog | None, url: str, token: str, **options: Any
) -> SyncClient:
    options.setdefault("retry", FAST_RETRY)
    options.setdefault("timeout", (2.0, 10.0))
    return SyncClient(kb, events, url, token, **options)


def local_state(data_dir: Path) -> tuple[str, dict[str, str]]:
    """A digest of the stored items plus the sync bookkeeping: equal means unchanged."""
    conn = sqlite3.connect(f"file:{data_dir / 'deskmate.db'}?mode=ro", uri=True)
    try:
        digest = hashlib.sha256()
        for item_id, record in conn.execute("SELECT id, record FROM items ORDER BY id"):
            digest.update(f"{item_id}\0{record}\0".encode())
        query = "SELECT key, value FROM meta WHERE key IN (?, ?, ?)"
        meta = dict(conn.execute(query, (CURSOR_KEY, ETAG_KEY, SWEEP_KEY)))
    finally:
        conn.close()
    return digest.hexdigest(), meta


def faq(item_id: str, title: str, body: str = "正文。", version: int = 1) -> dict[str, Any]:
    """A minimal FAQ record in the item schema."""
    return {
        "id": item_id,
        "kind": "faq",
        "title": title,
        "body": body,
        "language": "zh",
        "updated_at": "2026-10-01T09:00:00+08:00",
        "version": version,
    }
