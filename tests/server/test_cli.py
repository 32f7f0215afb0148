"""The deskmate-server command: import reports, users and tokens, demo, OpenAPI document."""

from __future__ import annotations

import json
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import pytest
from deskmate.server.app import build_app
from deskmate.server.auth import Role, add_user, issue_token
from deskmate.server.cli import main
from deskmate.server.database import Database
from deskmate.server.serving import listen

from tests.server.helpers import item_record, write_pack

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    """main() configures logging; put the root logger back afterwards."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in root.handlers:
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def bad_pack(folder: Path) -> Path:
    write_pack(folder, [item_record("ok-1"), {"id": "bad-1", "kind": "faq"}, item_record("ok-1")])
    (folder / "broken.jsonl").write_text('{"id": "x",\n', encoding="utf-8")
    return folder


def test_import_reports_each_bad_record(
    capsys: pytest.CaptureFixture[str], db_url: str, tmp_path: Path
) -> None:
    pack = bad_pack(tmp_path / "pack")
    code, out, _ = run(capsys, "import", "--db", db_url, str(pack))
    assert code == 0
    lines = out.splitlines()
    assert any(
        re.fullmatch(rf"  ! {re.escape(str(pack / 'items.jsonl'))}:2 \[bad-1\]: .+", line)
        for line in lines
    ), out
    assert any("items.jsonl:3 [ok-1]: duplicate id" in line for line in lines), out
    assert any("broken.jsonl:1" in line for line in lines), out
    assert lines[-1] == (
        "2 files, 3 records imported: 1 added, 0 updated, 0 unchanged, 0 deleted, 3 problems"
    )


def test_strict_import_imports_nothing(
    capsys: pytest.CaptureFixture[str], db_url: str, tmp_path: Path
) -> None:
    pack = bad_pack(tmp_path / "pack")
    code, out, _ = run(capsys, "import", "--db", db_url, "--strict", str(pack))
    assert code == 1
    assert "NOT imported (--strict and problems found)" in out
    db = Database.open(db_url)
    try:
        with db.read() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM items").scalar_one() == 0
    finally:
        db.close()


def test_import_of_a_missing_folder_is_a_plain_error(
    capsys: pytest.CaptureFixture[str], db_url: str, tmp_path: Path
) -> None:
    code, _, err = run(capsys, "import", "--db", db_url, str(tmp_path / "nowhere"))
    assert code == 2
    assert "no such file or folder" in err


def test_users_and_tokens(capsys: pytest.CaptureFixture[str], db_url: str) -> None:
    code, out, _ = run(
        capsys, "user", "add", "alice", "--role", "agent", "--team", "t1", "--db", db_url
    )
    assert (code, out) == (0, "added agent alice (team t1)\n")
    code, _, err = run(capsys, "user", "add", "alice", "--role", "agent", "--db", db_url)
    assert code == 2
    assert "already exists" in err
    code, token, _ = run(capsys, "token", "issue", "alice", "--db", db_url)
    assert code == 0
    assert re.fullmatch(r"[A-Za-z0-9_-]{40,}\n", token)
    code, _, err = run(capsys, "token", "issue", "nobody", "--db", db_url)
    assert code == 2
    assert "no user named 'nobody'" in err
    assert run(capsys, "token", "revoke", "alice", "--db", db_url)[1] == (
        "revoked 1 token of alice\n"
    )


def test_default_database_is_in_the_data_dir(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DESKMATE_SERVER_DB", raising=False)
    assert run(capsys, "user", "add", "x", "--role", "editor")[0] == 0
    assert (tmp_path / "env-data" / "server.db").is_file()
    monkeypatch.setenv("DESKMATE_SERVER_DB", f"sqlite:///{tmp_path / 'env.db'}")
    assert run(capsys, "user", "add", "y", "--role", "editor")[0] == 0
    assert (tmp_path / "env.db").is_file()


def test_bad_database_url_is_a_plain_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "token", "issue", "x", "--db", "mysql://h/db")
    assert code == 2
    assert "unsupported database 'mysql'" in err
    code, _, err = run(
        capsys, "token", "issue", "x", "--db", "postgresql://nobody:x@127.0.0.1:1/none"
    )
    assert code == 2
    assert "cannot open the server database" in err
    assert ":x@" not in err


def test_demo_prints_two_lines_and_serves(db_url: str, tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "0"}
    command = [sys.executable, "-m", "deskmate.server.cli", "demo", "--port", "0", "--db", db_url]
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    ) as proc:
        try:
            assert proc.stdout is not None
            first, second = proc.stdout.readline(), proc.stdout.readline()
            assert re.fullmatch(r"DESKMATE_SERVER=http://127\.0\.0\.1:\d+\n", first), first
            assert re.fullmatch(r"DESKMATE_TOKEN=[A-Za-z0-9_-]+\n", second), second
            url = first.strip().split("=", 1)[1]
            token = second.strip().split("=", 1)[1]
            # Evaluable by a POSIX shell as they are.
            shell = subprocess.run(
                ["sh", "-c", f'{first.strip()}; {second.strip()}; echo "$DESKMATE_SERVER"'],
                capture_output=True,
                text=True,
                check=True,
            )
            assert shell.stdout.strip() == url
            headers = {"Authorization": f"Bearer {token}"}
            me = httpx.get(f"{url}/api/v1/me", headers=headers, timeout=30)
            assert me.json() == {"name": "demo-agent", "role": "agent", "team": "demo"}
            page = httpx.get(f"{url}/api/v1/changes", headers=headers, timeout=30).json()
            assert len(page["items"]) == 253
            # The seeded history: a meaningful profile and an assignment at once.
            profile = httpx.get(
                f"{url}/api/v1/me/profile?lang=zh", headers=headers, timeout=30
            ).json()
            assert profile["role"]["code"] == "new_agent"
            refund = next(s for s in profile["skills"] if s["code"] == "billing.refund")
            assert refund["looks"] >= 6
            assert refund["gap"] > 0
            assert any("本周查阅" in r for r in refund["reasons"])
            assert profile["recommendations"]
            assert profile["assignments"][0]["assigned_by"] == "demo-manager"
            assert profile["notices"][0]["kind"] == "assignment"
        finally:
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=20)
        assert proc.stdout.read() == ""  # nothing but the two lines


def test_committed_openapi_document_is_current() -> None:
    committed = json.loads((REPO / "docs" / "openapi.json").read_text(encoding="utf-8"))
    assert committed == build_app(None).openapi(), (
        "docs/openapi.json is stale: run `deskmate-server openapi > docs/openapi.json`"
    )


def test_serve_with_workers_shares_one_port(db_url: str, tmp_path: Path) -> None:
    db = Database.open(db_url)
    try:
        add_user(db, "w-agent", Role.AGENT, "t1")
        token = issue_token(db, "w-agent")
    finally:
        db.close()
    with socket.socket() as probe:  # a free port (released before the server binds it)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "DESKMATE_LOG_DIR": str(tmp_path / "logs")}
    env.pop("DESKMATE_SERVER_DB", None)
    command = [
        sys.executable,
        "-m",
        "deskmate.server.cli",
        "serve",
        "--workers",
        "2",
        "--port",
        str(port),
        "--db",
        db_url,
    ]
    with subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env=env) as proc:
        try:
            url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while True:
                assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
                assert time.monotonic() < deadline, "serve --workers 2 did not start"
                try:
                    if httpx.get(f"{url}/api/v1/health", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            children = psutil.Process(proc.pid).children()  # + multiprocessing's tracker
            workers = [c for c in children if "spawn_main" in " ".join(c.cmdline())]
            assert len(workers) == 2, [c.cmdline() for c in children]
            headers = {"Authorization": f"Bearer {token}"}
            for _ in range(10):  # new connections: the kernel spreads them over the workers
                me = httpx.get(f"{url}/api/v1/me", headers=headers, timeout=30)
                assert me.json() == {"name": "w-agent", "role": "agent", "team": "t1"}
        finally:
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=30)
    access = (tmp_path / "logs").glob("*.log*")
    logged = "".join(p.read_text(encoding="utf-8") for p in access)
    assert logged.count('"path": "/api/v1/me"') == 10  # every worker writes the access log


def test_serve_refuses_a_bad_worker_count(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _out, err = run(capsys, "serve", "--workers", "0", "--db", f"sqlite:///{tmp_path}/s.db")
    assert code == 2
    assert "--workers takes 1 to 64, not 0" in err


def test_listening_socket_switches_nagle_off() -> None:
    # asyncio sets TCP_NODELAY only on sockets whose proto is TCP; without it a response
    # written in two parts waited ~40 ms for the client's delayed ACK.
    sock = listen("127.0.0.1", 0)
    try:
        assert sock.proto == socket.IPPROTO_TCP
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
        with socket.create_connection(sock.getsockname()) as client:
            accepted, _ = sock.accept()
            with accepted:
                assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
                assert client  # keeps the connection open while checking
    finally:
        sock.close()
