"""Secrets at rest: console sessions cannot be forged from a copy of the database, and
the server's files are owner-only."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from alembic import command
from deskmate.server.app import create_app
from deskmate.server.auth import Role, add_user, hash_token, issue_token
from deskmate.server.console.session import SESSION_COOKIE, start_session
from deskmate.server.database import Database, _alembic_config
from deskmate.server.server_secret import (
    SECRET_ENV,
    SECRET_FILE_ENV,
    ServerSecretError,
    console_key,
    read_secret_file,
)
from deskmate.server.tables import JobMarkRow, TokenRow
from sqlalchemy import create_engine, insert, select
from sqlalchemy.engine import make_url

from tests.server.conftest import DatabaseFactory, RunningServer
from tests.server.console_fixtures import console_client


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _candidate_keys(value: str) -> list[bytes]:
    """Every way an attacker could turn a stored text into an HMAC key."""
    keys = [value.encode()]
    with contextlib.suppress(ValueError):
        keys.append(bytes.fromhex(value))
    return keys


def test_a_cookie_forged_from_a_copy_of_the_database_is_refused(server: RunningServer) -> None:
    token = server.user("wang.mgr", Role.MANAGER)
    console_client(server, token).close()  # a real sign-in: the console has used its key
    # The attacker has the database rows (a backup, a dump), not the token.
    with server.db.read() as conn:
        marks = list(conn.execute(select(JobMarkRow.name, JobMarkRow.value)))
        hashes = list(conn.execute(select(TokenRow.token_hash)).scalars())
    assert hash_token(token) in hashes
    assert all(name != "console.secret" for name, _value in marks)
    with server.client() as browser:
        for _name, value in marks:
            for key in _candidate_keys(str(value)):
                for token_hash in hashes:
                    _session, cookie = start_session(key, token_hash)
                    browser.cookies.set(SESSION_COOKIE, cookie, path="/console")
                    page = browser.get("/console/team")
                    assert page.status_code == 303, (_name, page.status_code)
                    assert page.headers["location"].startswith("/console/signin")
                    browser.cookies.clear()
        # The server's real key does sign in: the refusals above are not an accident.
        _session, cookie = start_session(server.console_key, hash_token(token))
        browser.cookies.set(SESSION_COOKIE, cookie, path="/console")
        assert browser.get("/console/team").status_code == 200


def test_the_migration_deletes_the_old_key_row(databases: DatabaseFactory) -> None:
    url = databases.new_url()
    engine = create_engine(url)
    with engine.begin() as conn:
        config = _alembic_config()
        config.attributes["connection"] = conn
        command.upgrade(config, "0003")
        conn.execute(insert(JobMarkRow).values(name="console.secret", value="ab" * 32))
        conn.execute(insert(JobMarkRow).values(name="gaps.other", value="kept"))
    engine.dispose()
    db = Database.open(url)
    try:
        with db.read() as conn:
            left = {n: v for n, v in conn.execute(select(JobMarkRow.name, JobMarkRow.value))}
    finally:
        db.close()
    assert left == {"gaps.other": "kept"}


def test_the_secret_file_is_made_0600_beside_a_sqlite_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'srv' / 'server.db'}"
    app = create_app(url)
    try:
        secret = tmp_path / "srv" / "server.db.secret"
        assert _mode(secret) == 0o600
        assert len(secret.read_text().strip()) == 64
        # Another process on the same database signs with the same key.
        assert console_key(make_url(url)) == app.state.console_key
    finally:
        app.state.db.close()


def test_rotating_the_secret_signs_everyone_out(
    server_factory: Callable[[str], RunningServer], tmp_path: Path
) -> None:
    secret = tmp_path / "secret"
    secret.write_text("a" * 40)
    url = f"sqlite:///{tmp_path / 'server.db'}"
    first = server_factory(url)  # default: <db>.secret
    token = first.user("wang.mgr", Role.MANAGER)
    client = console_client(first, token)
    try:
        assert client.get("/console/team").status_code == 200
    finally:
        client.close()
    (tmp_path / "server.db.secret").write_text("b" * 64 + "\n")  # rotate
    first.stop()
    second = server_factory(url)
    with second.client() as browser:
        _s, old = start_session(first.console_key, hash_token(token))
        browser.cookies.set(SESSION_COOKIE, old, path="/console")
        assert browser.get("/console/team").status_code == 303
    assert second.console_key != first.console_key


def test_secret_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    url = make_url(f"sqlite:///{tmp_path / 'server.db'}")
    monkeypatch.setenv(SECRET_ENV, "x" * 32)
    from_value = console_key(url)
    assert not (tmp_path / "server.db.secret").exists()  # a given value makes no file
    file = tmp_path / "elsewhere" / "key"
    monkeypatch.setenv(SECRET_FILE_ENV, str(file))
    from_file = console_key(url)  # the file wins over the value
    assert _mode(file) == 0o600
    assert _mode(file.parent) == 0o700
    assert from_file != from_value
    monkeypatch.delenv(SECRET_FILE_ENV)
    monkeypatch.setenv(SECRET_ENV, "short")
    with pytest.raises(ServerSecretError, match="at least 32"):
        console_key(url)


def test_a_new_sqlite_database_and_its_folder_are_owner_only(tmp_path: Path) -> None:
    folder = tmp_path / "new" / "data"
    db = Database.open(f"sqlite:///{folder / 'server.db'}")
    try:
        with db.write() as conn:  # a write: the WAL and SHM files exist now
            conn.execute(insert(JobMarkRow).values(name="x", value="y"))
        files = [folder / "server.db", folder / "server.db-wal", folder / "server.db-shm"]
        assert all(f.exists() for f in files), list(folder.iterdir())
        assert {f.name: _mode(f) for f in files} == {f.name: 0o600 for f in files}
        assert _mode(folder) == 0o700
        assert _mode(folder.parent) == 0o700  # created too
    finally:
        db.close()


def test_an_existing_world_readable_database_is_tightened(tmp_path: Path) -> None:
    tmp_path.chmod(0o755)
    path = tmp_path / "server.db"
    Database.open(f"sqlite:///{path}").close()
    path.chmod(0o644)
    Database.open(f"sqlite:///{path}").close()
    assert _mode(path) == 0o600
    assert _mode(tmp_path) == 0o755  # a folder that existed keeps its mode: it may be shared


def test_serve_workers_share_the_secret_file_given(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'server.db'}"
    db = Database.open(url)
    try:
        add_user(db, "w.mgr", Role.MANAGER, "t1")
        token = issue_token(db, "w.mgr")
    finally:
        db.close()
    secret = tmp_path / "secrets" / "console"
    with socket.socket() as probe:  # a free port (released before the server binds it)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "DESKMATE_LOG_DIR": str(tmp_path / "logs")}
    for name in ("DESKMATE_SERVER_DB", SECRET_ENV, SECRET_FILE_ENV):
        env.pop(name, None)
    command = [sys.executable, "-m", "deskmate.server.cli", "serve", "--workers", "2"]
    command += ["--port", str(port), "--db", url, "--secret-file", str(secret)]
    with subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env=env) as proc:
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while True:
                assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
                assert time.monotonic() < deadline, "serve did not start"
                try:
                    if httpx.get(f"{base}/api/v1/health", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            assert _mode(secret) == 0o600
            assert _mode(secret.parent) == 0o700
            assert not (tmp_path / "server.db.secret").exists()
            key = read_secret_file(secret)
            _session, cookie = start_session(key, hash_token(token))
            for _ in range(6):  # new connections: both workers answer some of them
                page = httpx.get(
                    f"{base}/console/team", cookies={SESSION_COOKIE: cookie}, timeout=30
                )
                assert page.status_code == 200, page.status_code
        finally:
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=30)
