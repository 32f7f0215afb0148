"""End-to-end sync benchmark: a real deskmate-server on loopback and a fresh SyncClient.

Run from the repository root::

    python -m benchmarks.sync_e2e [--items 10000] [--changed 1000] [--deleted 100] \
        [--polls 50] [--db sqlite|postgresql] [--pg-url URL] [--workers 1] \
        [--vectors] [--vector-cache DIR]

Steps (each on the same server process, ``deskmate-server serve`` as a subprocess):

1. ``build_corpus(--items)`` records are written to a JSONL pack and imported through the
   server's import path (``deskmate.server.content_import.import_packs``, what
   ``deskmate-server import`` runs) without the encoder (it would encode every item live);
   one agent and token are added. With ``--vectors`` every item then gets its vector in
   the server's ``item_vectors`` exactly as an import stores it (benchmarks/sync_vectors.py:
   cached real vectors where the cache has them, deterministic unit-random ones otherwise;
   the output says how many of each), and so do the changed items of step 3.
2. **full sync**: a fresh ``KnowledgeBase`` in an empty directory and
   ``SyncClient(...).sync_once()`` (download + store + index); then a search for the title
   of the last item must find it.
3. **incremental**: ``--changed`` items get the word ``zyxquokka`` appended to their title
   (version + 1) and ``--deleted`` others get deletion markers, imported on the server in
   one import; then ``sync_once()`` and searches until ``zyxquokka`` returns all changed
   items and none of the deleted ones is left: "until searchable".
   With ``--vectors`` the full sync also stores every item's vector (no encoding), and
   the table adds the bytes the feed took on the wire (gzip, from the server's access
   log), the client store's bytes per item, and the time until hybrid search works (the
   first dense lookup after the sync: encoder load, vector matrix read, one question).
4. **idle poll**: ``sync_once()`` ``--polls`` times with nothing new (vocabulary and changes
   are both expected to answer 304, checked in the server's access log).

Targets (issue): full sync <= 30 s, incremental until searchable <= 5 s, idle poll
p50/p95 <= 50 ms; with vectors (issue #16), a full sync of 100k items <= 120 s. The client runs in this process; the server in another process on
the same machine.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from deskmate.core import Item, KnowledgeBase
from deskmate.core.search.encoder import BUNDLED_MODEL_ID
from deskmate.core.sync import SyncClient
from deskmate.server.auth import Role, add_user, issue_token
from deskmate.server.content_import import import_packs
from deskmate.server.database import Database

from benchmarks.corpus import build_corpus, resolve_eval_dir
from benchmarks.semantic import DEFAULT_CACHE
from benchmarks.sync_vectors import item_vectors, write_server_vectors
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


def hits(kb: Any, query: str, limit: int, semantic: bool = True) -> set[str]:
    return {h.id for h in kb.search(query, limit=limit, semantic=semantic)}


def _none() -> None:
    """No encoder: the benchmark's imports do not encode live (see --vectors)."""
    return None


def _since(started: float) -> float:
    return time.perf_counter() - started


def _vector_steps(
    kb: Any, tmp: Path, lines: int, records: list[dict[str, Any]]
) -> list[list[object]]:
    """Wire bytes, client store bytes per item and time until hybrid search works."""
    count = len(records)
    time.sleep(0.5)  # let the server's log handler flush
    wire = 0
    for log in sorted((tmp / "server-logs").glob("*.log*")):
        for line in log.read_text(encoding="utf-8", errors="replace").splitlines()[lines:]:
            if "deskmate.server.access" in line and '"/api/v1/changes"' in line:
                wire += int(json.loads(line[line.index("{") :])["bytes"])
    store = sum(p.stat().st_size for p in (tmp / "client").glob("deskmate.db*"))
    question = str(records[len(records) // 2]["title"])
    t = time.perf_counter()
    nearest = kb.semantic.nearest(question, 10)
    ready_s = _since(t)
    check(nearest, "hybrid search found no nearest vectors after the sync")
    t = time.perf_counter()
    kb.search(question, limit=10)
    search_s = _since(t)
    return [
        ["feed bytes on the wire (gzip)", f"{wire / count:.0f} B/item", wire / 2**20, "MiB", ""],
        [
            "client store (deskmate.db + wal)",
            f"{store / count:.0f} B/item",
            store / 2**20,
            "MiB",
            "",
        ],
        [
            "until hybrid search works",
            f"encoder load + {kb.semantic.vectors.count(BUNDLED_MODEL_ID)} vectors read + "
            f"1 question; then a fused search {search_s * 1000:.0f} ms",
            ready_s,
            "",
            "",
        ],
    ]


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
            report = import_packs(db, [write_pack(tmp / "full.jsonl", records)], encoder=_none)
            import_s = time.perf_counter() - t
            check(not report.problems, report.problems[:3])
            steps.append(
                ["server import (not a target)", f"{report.added} added", import_s, "", ""]
            )
            if args.vectors:
                t = time.perf_counter()
                model_id, rows, sources = item_vectors(
                    [Item.from_dict(r) for r in records], Path(args.vector_cache)
                )
                write_server_vectors(db, model_id, rows)
                said = ", ".join(f"{n} {source}" for source, n in sources.most_common())
                steps.append(["server vectors written (not a target)", said, _since(t), "", ""])
            add_user(db, "bench-agent", Role.AGENT, "bench")
            token = issue_token(db, "bench-agent")
            server, url = start_server(db_url, tmp, args.workers)

            # 2. full sync into an empty data directory
            with KnowledgeBase.open(tmp / "client") as kb:
                client = SyncClient(kb, None, url, token, timeout=(5.0, 120.0))
                lines, _ = access_statuses(tmp, 0)
                t = time.perf_counter()
                if args.profile:
                    profiler = cProfile.Profile()
                    rep = profiler.runcall(client.sync_once)
                    profiler.dump_stats(args.profile)
                else:
                    rep = client.sync_once()
                full_s = time.perf_counter() - t
                check(rep.ok, rep.problem)
                # Before any other search: the first one loads the encoder and the vectors.
                vector_steps = _vector_steps(kb, tmp, lines, records) if args.vectors else []
                last = records[-1]
                # Lexically: the check is that the sync stored and indexed every item. (With
                # --vectors most items carry unit-random vectors, which make a fused ranking
                # of a question-like title meaningless.)
                found = last["id"] in hits(kb, str(last["title"]), 10, semantic=False)
                counted = sum(kb.count().values())
                target = 120.0 if args.vectors else 30.0
                steps.append(
                    [
                        "full sync (fresh client)",
                        f"{rep.added} added; {counted} stored; "
                        f"{kb.semantic.vectors.count(BUNDLED_MODEL_ID)} vectors stored; "
                        f"last title found: {found}",
                        full_s,
                        target,
                        "yes" if full_s <= target and found else "NO",
                    ]
                )
                steps += vector_steps

                # 3. 1,000 changed + 100 deleted on the server, then sync until searchable
                changed = [dict(r) for r in records[-args.changed - args.deleted : -args.deleted]]
                for r in changed:
                    r["title"] = f"{r['title']} {MARK}"
                    r["version"] = int(r.get("version") or 1) + 1
                gone = [str(r["id"]) for r in records[-args.deleted :]]
                markers = [{"id": i, "deleted": True} for i in gone]
                t = time.perf_counter()
                report = import_packs(
                    db, [write_pack(tmp / "delta.jsonl", changed + markers)], encoder=_none
                )
                if args.vectors:
                    model_id, rows, _ = item_vectors(
                        [Item.from_dict(r) for r in changed], Path(args.vector_cache)
                    )
                    write_server_vectors(db, model_id, rows)
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
    parser.add_argument(
        "--vectors", action="store_true", help="every item gets a vector on the server first"
    )
    parser.add_argument("--vector-cache", default=str(DEFAULT_CACHE), help="see semantic.py")
    parser.add_argument("--profile", default=None, help="cProfile the full sync into this file")
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
