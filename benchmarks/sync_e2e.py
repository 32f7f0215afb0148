"""End-to-end sync benchmark: a real deskmate-server on loopback and a fresh SyncClient.

Run from the repository root::

    python -m benchmarks.sync_e2e [--items 10000] [--changed 1000] [--deleted 100] \
        [--polls 50] [--db sqlite|postgresql] [--pg-url URL] [--workers 1]

Steps (each on the same server process, ``deskmate-server serve`` as a subprocess):

1. ``build_corpus(--items)`` records are written to a JSONL pack and imported through the
   server's import path (``deskmate.server.content_import.import_packs``, what
   ``deskmate-server import`` runs); one agent and token are added.
2. **full sync**: a fresh ``KnowledgeBase`` in an empty directory and
   ``SyncClient(...).sync_once()`` (download + store + index); then a search for the title
   of the last item must find it.
3. **incremental**: ``--changed`` items get the word ``zyxquokka`` appended to their title
   (version + 1) and ``--deleted`` others get deletion markers, imported on the server in
   one import; then ``sync_once()`` and searches until ``zyxquokka`` returns all changed
   items and none of the deleted ones is left: "until searchable".
4. **idle poll**: ``sync_once()`` ``--polls`` times with nothing new (vocabulary and changes
   are both expected to answer 304, checked in the server's access log).

Targets (issue): full sync <= 30 s, incremental until searchable <= 5 s, idle poll
p50/p95 <= 50 ms. The client runs in this process; the server in another process on
the same machine.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from deskmate.core import KnowledgeBase
from deskmate.core.sync import SyncClient
from deskmate.server.auth import Role, add_user, issue_token
from deskmate.server.content_import import import_packs
from deskmate.server.database import Database

from benchmarks.corpus import build_corpus, resolve_eval_dir
from benchmarks.system import (
    DEFAULT_PG,
    current_rss_mib,
    drop_scratch_schema,
    machine_line,
    print_table,
    scratch_database,
    summary_ms,
)

MARK = "zyxquokka"


def write_pack(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )
    return path


def start_server(db_url: str, tmp: Path, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    port = 19000 + os.getpid() % 1000
    env = {**os.environ, "DESKMATE_LOG_DIR": str(tmp / "server-logs")}
    cmd = [
        sys.executable,
        "-m",
        "deskmate.server.cli",
        "serve",
        "--db",
        db_url,
        "--port",
        str(port),
    ]
    if workers > 1:
        cmd += ["--workers", str(workers)]
    server = subprocess.Popen(cmd, env=env)
    url = f"http://127.0.0.1:{port}"
    for _ in range(400):
        try:
            if httpx.get(f"{url}/api/v1/health", timeout=1).status_code == 200:
                return server, url
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    server.terminate()
    raise SystemExit("the server did not start")


def access_statuses(tmp: Path, since_line: int) -> tuple[int, dict[str, int]]:
    """(lines in the server's log, {"GET /path status": count} after ``since_line``)."""
    counts: dict[str, int] = {}
    lines = []
    for log in sorted((tmp / "server-logs").glob("*.log*")):
        lines += log.read_text(encoding="utf-8", errors="replace").splitlines()
    for line in lines[since_line:]:
        if "deskmate.server.access" not in line:
            continue
        fields = json.loads(line[line.index("{") :])
        key = f"{fields['method']} {fields['path']} {fields['status']}"
        counts[key] = counts.get(key, 0) + 1
    return len(lines), counts


def check(condition: object, why: object) -> None:
    if not condition:
        raise SystemExit(f"sync_e2e: {why}")


def hits(kb: Any, query: str, limit: int) -> set[str]:
    return {h.id for h in kb.search(query, limit=limit)}


def run(args: argparse.Namespace) -> int:
    eval_dir = resolve_eval_dir(args.eval_dir)
    t = time.perf_counter()
    records = build_corpus(args.items, eval_dir)
    corpus_s = time.perf_counter() - t
    print(
        f"corpus: {len(records)} records ({'ATEC + ' if eval_dir else ''}sample pack + "
        f"generated), built in {corpus_s:.1f} s"
    )
    steps: list[list[object]] = []
    with tempfile.TemporaryDirectory(prefix="deskmate-e2e-") as tmp_name:
        tmp = Path(tmp_name)
        db_url, schema = scratch_database(args.db, args.pg_url, tmp, "e2e")
        db = Database.open(db_url)
        server = None
        try:
            t = time.perf_counter()
            report = import_packs(db, [write_pack(tmp / "full.jsonl", records)])
            import_s = time.perf_counter() - t
            check(not report.problems, report.problems[:3])
            steps.append(
                ["server import (not a target)", f"{report.added} added", import_s, "", ""]
            )
            add_user(db, "bench-agent", Role.AGENT, "bench")
            token = issue_token(db, "bench-agent")
            server, url = start_server(db_url, tmp, args.workers)

            # 2. full sync into an empty data directory
            with KnowledgeBase.open(tmp / "client") as kb:
                client = SyncClient(kb, None, url, token, timeout=(5.0, 120.0))
                t = time.perf_counter()
                rep = client.sync_once()
                full_s = time.perf_counter() - t
                check(rep.ok, rep.problem)
                last = records[-1]
                found = last["id"] in hits(kb, str(last["title"]), 10)
                counted = sum(kb.count().values())
                steps.append(
                    [
                        "full sync (fresh client)",
                        f"{rep.added} added; {counted} stored; last title found: {found}",
                        full_s,
                        30.0,
                        "yes" if full_s <= 30 and found else "NO",
                    ]
                )

                # 3. 1,000 changed + 100 deleted on the server, then sync until searchable
                changed = [dict(r) for r in records[-args.changed - args.deleted : -args.deleted]]
                for r in changed:
                    r["title"] = f"{r['title']} {MARK}"
                    r["version"] = int(r.get("version") or 1) + 1
                gone = [str(r["id"]) for r in records[-args.deleted :]]
                markers = [{"id": i, "deleted": True} for i in gone]
                t = time.perf_counter()
                report = import_packs(db, [write_pack(tmp / "delta.jsonl", changed + markers)])
                delta_import_s = time.perf_counter() - t
                check(not report.problems, report.problems[:3])
                steps.append(
                    [
                        "server import of the change (not a target)",
                        f"{report.updated} updated, {report.deleted} deleted",
                        delta_import_s,
                        "",
                        "",
                    ]
                )
                want = {str(r["id"]) for r in changed}
                t = time.perf_counter()
                rep = client.sync_once()
                sync_s = time.perf_counter() - t
                check(rep.ok, rep.problem)
                tries = 0
                while True:
                    tries += 1
                    got = hits(kb, MARK, len(want) + 10)
                    left = sum(1 for i in gone if kb.get(i) is not None)
                    if (got >= want and not left) or time.perf_counter() - t > 60:
                        break
                    time.sleep(0.01)
                visible_s = time.perf_counter() - t
                steps.append(
                    [
                        "incremental sync (sync_once)",
                        f"{rep.updated} updated, {rep.deleted} deleted",
                        sync_s,
                        "",
                        "",
                    ]
                )
                steps.append(
                    [
                        "incremental until searchable",
                        f"{len(got & want)}/{len(want)} found, {left} deleted left, "
                        f"{tries} search round(s)",
                        visible_s,
                        5.0,
                        "yes" if visible_s <= 5 and got >= want and not left else "NO",
                    ]
                )

                # 4. idle polls
                lines, _ = access_statuses(tmp, 0)
                polls = []
                not_modified = 0
                for _ in range(args.polls):
                    t = time.perf_counter()
                    rep = client.sync_once()
                    polls.append(time.perf_counter() - t)
                    check(rep.ok, rep.problem)
                    not_modified += rep.not_modified
                time.sleep(0.5)  # let the server's log handler flush
                _, statuses = access_statuses(tmp, lines)
                p50, p95, worst, mean = summary_ms(polls)
                seen = ", ".join(f"{k} x{v}" for k, v in sorted(statuses.items()))
                ok = p50 <= 50 and p95 <= 50
                steps.append(
                    [
                        f"idle poll x{args.polls} p50 (ms)",
                        f"report.not_modified {not_modified}/{args.polls}; server saw: {seen}",
                        p50,
                        50.0,
                        "yes" if p50 <= 50 else "NO",
                    ]
                )
                steps.append(
                    [
                        f"idle poll x{args.polls} p95 (ms)",
                        f"max {worst:.1f} ms, mean {mean:.1f} ms",
                        p95,
                        50.0,
                        "yes" if ok else "NO",
                    ]
                )
                client.close()
        finally:
            if server is not None:
                server.terminate()
                server.wait(timeout=30)
            db.close()
            drop_scratch_schema(args.pg_url, schema)
    print(machine_line())
    print(
        f"server: deskmate-server serve on {args.db} ({args.workers} worker(s)), a separate "
        "process on loopback; client in this process; client RSS at the end "
        f"{current_rss_mib():.0f} MiB"
    )
    print_table(
        ["step", "detail", "seconds (ms for polls)", "target", "met"],
        steps,
        title=f"end-to-end sync, {args.items} items",
        digits=3,
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--changed", type=int, default=1000)
    parser.add_argument("--deleted", type=int, default=100)
    parser.add_argument("--polls", type=int, default=50)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument(
        "--pg-url", default=os.environ.get("DESKMATE_TEST_POSTGRES_URL") or DEFAULT_PG
    )
    parser.add_argument("--workers", type=int, default=1, help="server worker processes")
    parser.add_argument("--eval-dir", default=None, help="ATEC directory (default ../shared)")
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
