"""The deskmate-server command: import reports, users and tokens, demo, OpenAPI document."""

from __future__ import annotations

import json
import logging
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from deskmate.server.app import build_app
from deskmate.server.cli import main
from deskmate.server.database import Database

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
        finally:
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=20)
        assert proc.stdout.read() == ""  # nothing but the two lines


def test_committed_openapi_document_is_current() -> None:
    committed = json.loads((REPO / "docs" / "openapi.json").read_text(encoding="utf-8"))
    assert committed == build_app(None).openapi(), (
        "docs/openapi.json is stale: run `deskmate-server openapi > docs/openapi.json`"
    )
