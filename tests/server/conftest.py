"""Server fixtures: real databases (a SQLite file and PostgreSQL) and a real server on loopback.

PostgreSQL comes from ``DESKMATE_TEST_POSTGRES_URL`` or, if unset,
postgresql+psycopg://deskmate:deskmate@127.0.0.1:5432/deskmate_test (`make test` sets
it to a private PostgreSQL it starts: tools/private_postgres.py). Each test gets its own
schema there, dropped afterwards. When PostgreSQL cannot be reached the PostgreSQL tests
fail: they never skip silently.
"""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from deskmate.core.search.encoder import TextEncoder
from deskmate.server.app import create_app
from deskmate.server.auth import Role, add_user, issue_token
from deskmate.server.database import Database
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from tests.encoders import real_encoder

DEFAULT_PG_URL = "postgresql+psycopg://deskmate:deskmate@127.0.0.1:5432/deskmate_test"
PG_HELP = (
    "PostgreSQL is not reachable at {url} ({reason}). The server tests need it: `make test` "
    "starts a private one itself; to run pytest alone with one, use "
    "`python3 -m tools.dev_setup with-postgres -- .venv/bin/pytest tests/server`, or point "
    "DESKMATE_TEST_POSTGRES_URL at a database you may create schemas in."
)


def pg_base_url() -> str:
    """The PostgreSQL URL the tests use."""
    return os.environ.get("DESKMATE_TEST_POSTGRES_URL") or DEFAULT_PG_URL


def with_search_path(url: str, schema: str) -> str:
    """``url`` with every connection's search_path set to ``schema``."""
    parsed = make_url(url)
    query = dict(parsed.query)
    query["options"] = f"-csearch_path={schema}"
    return parsed.set(query=query).render_as_string(hide_password=False)


@dataclass
class DatabaseFactory:
    """Fresh, empty server databases of one kind; removed at teardown."""

    kind: str
    tmp_path: Path
    _schemas: list[str] = field(default_factory=list)

    def new_url(self) -> str:
        """The URL of a new empty database (a file, or a PostgreSQL schema)."""
        if self.kind == "sqlite":
            path = self.tmp_path / f"server-{uuid.uuid4().hex[:8]}.db"
            return f"sqlite:///{path}"
        schema = f"t_{uuid.uuid4().hex[:12]}"
        engine = create_engine(pg_base_url(), connect_args={"connect_timeout": 5})
        try:
            with engine.begin() as conn:
                conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        except OperationalError as exc:
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            pytest.fail(PG_HELP.format(url=make_url(pg_base_url()), reason=reason))
        finally:
            engine.dispose()
        self._schemas.append(schema)
        return with_search_path(pg_base_url(), schema)

    def cleanup(self) -> None:
        """Drop the PostgreSQL schemas created."""
        if not self._schemas:
            return
        engine = create_engine(pg_base_url())
        with engine.begin() as conn:
            for schema in self._schemas:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def databases(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[DatabaseFactory]:
    """A factory of fresh databases, once for SQLite and once for PostgreSQL."""
    factory = DatabaseFactory(request.param, tmp_path)
    yield factory
    factory.cleanup()


@pytest.fixture
def db_url(databases: DatabaseFactory) -> str:
    """The URL of one fresh database."""
    return databases.new_url()


def free_socket() -> socket.socket:
    """A listening socket on a free loopback port."""
    # IPPROTO_TCP, as deskmate-server's own listen(): asyncio sets TCP_NODELAY only on
    # sockets whose proto says TCP; without it each response waited ~40 ms for the
    # client's delayed ACK.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    sock.listen(512)
    return sock


@dataclass
class RunningServer:
    """A real uvicorn server on loopback, serving one database."""

    base_url: str
    db: Database
    server: uvicorn.Server
    thread: threading.Thread
    sock: socket.socket
    console_key: bytes = b""  # signs console cookies (from the server secret)

    def user(self, name: str, role: Role = Role.AGENT, team: str | None = "t1") -> str:
        """Add a user and return a new token of theirs."""
        add_user(self.db, name, role, team)
        return issue_token(self.db, name)

    def user_token(self, name: str) -> str:
        """A new token of an existing user."""
        return issue_token(self.db, name)

    def client(self, token: str | None = None, **kwargs: Any) -> httpx.Client:
        """An HTTP client for this server, authenticated with ``token``."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.base_url, headers=headers, timeout=30, **kwargs)

    def stop(self) -> None:
        """Stop serving and wait for the thread."""
        self.server.should_exit = True
        self.thread.join(timeout=15)
        self.sock.close()


def start_server(db_url: str) -> RunningServer:
    """Start a server on ``db_url`` in a thread and wait until it accepts requests."""
    app = create_app(db_url)
    sock = free_socket()
    config = uvicorn.Config(app, log_config=None, access_log=False, lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.01)
    port = sock.getsockname()[1]
    return RunningServer(
        f"http://127.0.0.1:{port}", app.state.db, server, thread, sock, app.state.console_key
    )


@pytest.fixture
def server_factory() -> Iterator[Callable[[str], RunningServer]]:
    """Starts servers on given database URLs; stops them all at teardown."""
    started: list[RunningServer] = []

    def start(url: str) -> RunningServer:
        started.append(start_server(url))
        return started[-1]

    yield start
    for running in started:
        running.stop()


@pytest.fixture
def server(db_url: str, server_factory: Callable[[str], RunningServer]) -> RunningServer:
    """A server on a fresh database (SQLite and PostgreSQL)."""
    return server_factory(db_url)


@pytest.fixture
def encoder() -> TextEncoder:
    """The real sentence encoder (for tests that encode a handful of short texts)."""
    return real_encoder()
