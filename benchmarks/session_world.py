"""A synced 100k-item world for the sidebar benchmarks: a server database and its agent's copy.

``prepare(size)`` builds, once, and caches under ``build/bench-cache/session-<size>/``:

* ``server.db``: a deskmate-server SQLite database holding ``build_corpus(size)`` (the
  generator the other sidebar benchmarks use), one agent and its token (``token``);
* ``client/``: that agent's data directory after a full sync (store and search index),
  as a sidebar that has been in use has it.

``copy_world`` gives a benchmark run its own scratch copy, so a run never changes the
cache; ``start_server`` runs ``deskmate-server serve`` on it as a separate process on
loopback (a server in this process would share the GIL with the GUI thread and show up
as stalls that an agent never sees).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from benchmarks.corpus import build_corpus

CACHE = Path(__file__).resolve().parent.parent / "build" / "bench-cache"
AGENT = "bench-agent"


@dataclass(frozen=True)
class World:
    """One run's scratch copy: the server database, the agent's data and config dirs."""

    root: Path
    server_db: Path
    data_dir: Path
    config_dir: Path
    token: str


def _check(condition: object, why: object) -> None:
    if not condition:
        raise SystemExit(f"session_world: {why}")


def _write_pack(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    return path


def prepare(size: int, eval_dir: Path | None) -> Path:
    """Build (once) the cached server database and synced client for ``size`` items."""
    from deskmate.core import KnowledgeBase
    from deskmate.core.sync import SyncClient
    from deskmate.server.auth import Role, add_user, issue_token
    from deskmate.server.content_import import import_packs
    from deskmate.server.database import Database

    target = CACHE / f"session-{size}"
    if (target / "ready").exists():
        return target
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    print(f"... building the synced {size}-item world (cached in {target})", file=sys.stderr)
    started = time.perf_counter()
    records = build_corpus(size, eval_dir)
    db_url = f"sqlite:///{target / 'server.db'}"
    db = Database.open(db_url)
    report = import_packs(db, [_write_pack(target / "pack.jsonl", records)])
    _check(not report.problems, report.problems[:3])
    add_user(db, AGENT, Role.AGENT, "bench")
    (target / "token").write_text(issue_token(db, AGENT), "utf-8")
    db.close()
    (target / "pack.jsonl").unlink()
    server, url = start_server(target / "server.db", target / "server-logs")
    try:
        with KnowledgeBase.open(target / "client") as kb:
            token = (target / "token").read_text("utf-8")
            client = SyncClient(kb, None, url, token, timeout=(5.0, 300.0))
            sync = client.sync_once()
            _check(sync.ok, sync.problem)
    finally:
        stop_server(server)
    (target / "ready").write_text("ok")
    print(f"... built in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return target


def copy_world(cached: Path, scratch: Path, language: str = "en") -> World:
    """A scratch copy of the cached world, with a config that syncs with ``server_url`` later."""
    shutil.copy2(cached / "server.db", scratch / "server.db")
    shutil.copytree(cached / "client", scratch / "data")
    config = scratch / "config"
    config.mkdir()
    return World(
        scratch,
        scratch / "server.db",
        scratch / "data",
        config,
        (cached / "token").read_text("utf-8"),
    )


def write_settings(world: World, server_url: str, language: str = "en") -> None:
    """The sidebar's settings: this server, this agent, the UI language."""
    settings = {"server_url": server_url, "agent_id": AGENT, "language": language}
    (world.config_dir / "settings.json").write_text(json.dumps(settings), "utf-8")


def change_on_server(world: World, records: list[dict[str, Any]], mark: str) -> int:
    """Append ``mark`` to the given items' titles on the server (the next sync's work)."""
    from deskmate.server.content_import import import_packs
    from deskmate.server.database import Database

    changed = []
    for record in records:
        record = dict(record)
        record["title"] = f"{record['title']} {mark}"
        record["version"] = int(record.get("version") or 1) + 1
        changed.append(record)
    db = Database.open(f"sqlite:///{world.server_db}")
    try:
        report = import_packs(db, [_write_pack(world.root / "delta.jsonl", changed)])
    finally:
        db.close()
    _check(not report.problems, report.problems[:3])
    return report.updated


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(server_db: Path, log_dir: Path) -> tuple[subprocess.Popen[bytes], str]:
    """``deskmate-server serve`` on ``server_db`` as a process on a free loopback port."""
    port = _free_port()
    env = {**os.environ, "DESKMATE_LOG_DIR": str(log_dir)}
    cmd = [sys.executable, "-m", "deskmate.server.cli", "serve"]
    cmd += ["--db", f"sqlite:///{server_db}", "--port", str(port)]
    server = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            if httpx.get(f"{url}/api/v1/health", timeout=1).status_code == 200:
                return server, url
        except httpx.TransportError:
            pass
        if server.poll() is not None:
            break
        time.sleep(0.05)
    server.terminate()
    raise SystemExit("the server did not start")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    """Stop a server started by :func:`start_server`."""
    server.terminate()
    try:
        server.wait(15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(5)
