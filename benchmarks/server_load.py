"""Load test of deskmate-server: N simulated agents polling changes and uploading events.

Run from the repository root (PostgreSQL as in .ci/run, or --pg-url)::

    python -m benchmarks.server_load --agents 50 --duration 20
    python -m benchmarks.server_load --backends sqlite --agents 10

For each backend a fresh database gets the sample pack and one user + token per agent;
``deskmate-server serve`` runs as a separate process on loopback (one uvicorn worker).
Every agent (asyncio + httpx, its own connection) first downloads the whole feed, then
runs two phases of ``--duration`` seconds, each with two loops at once:

- poll: ``GET /api/v1/changes`` with its cursor and ``If-None-Match`` every
  ``--poll-interval`` seconds (the idle poll of a sidebar; answered 304);
- upload: ``POST /api/v1/events``, every third batch re-sent (exercising de-duplication):
  - phase "steady": a batch of ``--steady-batch`` events every ``--steady-interval``
    seconds per agent (far busier than real agents, who act every few seconds at most);
  - phase "burst": batches of ``--batch`` events back to back (every sidebar flushing a
    backlog after an outage): the saturating load, giving the ingest capacity, with the
    poll latencies measured while the server ingests as fast as it can.

Printed: per backend and operation, requests, requests/s, events stored/s, p50/p95/max
latency and errors (any status other than 200/304, or a lost or doubled event).
Targets: poll p95 <= 100 ms, >= 2000 events/s stored on PostgreSQL, zero errors.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

if __package__ in (None, ""):  # run as a file: python benchmarks/server_load.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx
from deskmate.indexer.sample_pack import sample_pack_path
from deskmate.server.auth import Role, add_user, issue_token
from deskmate.server.content_import import import_packs
from deskmate.server.database import Database
from deskmate.server.tables import EventRow
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from benchmarks.system import machine_line, percentile, print_table

DEFAULT_PG = "postgresql+psycopg://deskmate:deskmate@127.0.0.1:5432/deskmate_test"


@dataclass
class Stats:
    poll: list[float] = field(default_factory=list)
    post: list[float] = field(default_factory=list)
    sync: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    accepted: int = 0
    sent_ids: set[str] = field(default_factory=set)

    def error(self, what: str) -> None:
        self.errors[what] = self.errors.get(what, 0) + 1


def make_event(agent: str) -> dict[str, object]:
    return {
        "event_id": uuid.uuid4().hex, "agent_id": agent, "kind": "search",
        "occurred_at": "2026-11-23T09:30:12.345678+08:00", "query": "花呗 还款 逾期",
        "item_id": None, "result_count": 7, "dwell_ms": None, "detail": {}, "uploaded_at": None,
    }


async def agent(url: str, name: str, token: str, args: argparse.Namespace, stats: Stats,  # noqa: C901
                start: asyncio.Event, stop_at: list[float], size: int, interval: float) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=60) as client:
        cursor, etag = "", ""
        t0 = time.perf_counter()
        while True:  # the first full download
            r = await client.get("/api/v1/changes", params={"cursor": cursor, "limit": 500})
            if r.status_code != 200:
                stats.error(f"sync {r.status_code}")
                return
            body = r.json()
            cursor, etag = body["next_cursor"], r.headers["etag"]
            if not body["has_more"]:
                break
        stats.sync.append(time.perf_counter() - t0)
        await start.wait()

        async def poll() -> None:
            while time.perf_counter() < stop_at[0]:
                t = time.perf_counter()
                r = await client.get("/api/v1/changes", params={"cursor": cursor},
                                     headers={"If-None-Match": etag})
                stats.poll.append(time.perf_counter() - t)
                if r.status_code not in (200, 304):
                    stats.error(f"poll {r.status_code}")
                await asyncio.sleep(max(0.0, args.poll_interval - (time.perf_counter() - t)))

        async def upload() -> None:
            n = 0
            previous: list[dict[str, object]] = []
            while time.perf_counter() < stop_at[0]:
                n += 1
                resend = n % 3 == 0 and previous
                batch = previous if resend else [make_event(name) for _ in range(size)]
                t = time.perf_counter()
                r = await client.post("/api/v1/events", json={"events": batch})
                stats.post.append(time.perf_counter() - t)
                await asyncio.sleep(max(0.0, interval - (time.perf_counter() - t)))
                if r.status_code != 200:
                    stats.error(f"post {r.status_code}")
                    continue
                result = r.json()
                if resend and result["accepted"]:
                    stats.error("re-sent event stored twice")
                stats.accepted += len(result["accepted"])
                stats.sent_ids.update(str(e["event_id"]) for e in batch)
                previous = batch

        await asyncio.gather(poll(), upload())


async def drive(url: str, tokens: dict[str, str], args: argparse.Namespace, size: int,
                interval: float) -> tuple[Stats, float]:
    stats = Stats()
    start = asyncio.Event()
    stop_at = [float("inf")]
    tasks = [asyncio.create_task(agent(url, n, t, args, stats, start, stop_at, size, interval))
             for n, t in tokens.items()]
    while len(stats.sync) + sum(stats.errors.values()) < len(tokens):
        await asyncio.sleep(0.05)
    began = time.perf_counter()
    stop_at[0] = began + args.duration
    start.set()
    await asyncio.gather(*tasks)
    return stats, time.perf_counter() - began


def new_database(backend: str, args: argparse.Namespace, tmp: Path) -> tuple[str, str | None]:
    if backend == "sqlite":
        return f"sqlite:///{tmp / 'bench.db'}", None
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    engine = create_engine(args.pg_url)
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    url = make_url(args.pg_url)
    url = url.set(query={**url.query, "options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False), schema


def run_backend(backend: str, args: argparse.Namespace) -> list[list[object]]:
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        db_url, schema = new_database(backend, args, Path(tmp))
        db = Database.open(db_url)
        import_packs(db, [sample_pack_path(stack)])
        tokens = {}
        for n in range(args.agents):
            add_user(db, f"agent-{n:03d}", Role.AGENT, "bench")
            tokens[f"agent-{n:03d}"] = issue_token(db, f"agent-{n:03d}")
        port = 18000 + os.getpid() % 1000
        env = {**os.environ, "DESKMATE_LOG_DIR": str(Path(tmp) / "logs")}
        server = subprocess.Popen(
            [sys.executable, "-m", "deskmate.server.cli", "serve", "--db", db_url,
             "--port", str(port)], env=env)
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(200):
                try:
                    if httpx.get(f"{url}/api/v1/health", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.05)
            rows: list[list[object]] = []
            before = 0
            phases = [("steady", args.steady_batch, args.steady_interval),
                      ("burst", args.batch, 0.0)]
            for phase, size, interval in phases:
                stats, elapsed = asyncio.run(drive(url, tokens, args, size, interval))
                with db.read() as conn:
                    stored = conn.execute(select(func.count()).select_from(EventRow)).scalar_one()
                if stored - before != len(stats.sent_ids) or stored - before != stats.accepted:
                    stats.error(f"stored {stored - before} != sent {len(stats.sent_ids)}"
                                f"/accepted {stats.accepted}")
                before = stored
                rows += phase_rows(backend, phase, size, stats, elapsed)
        finally:
            server.terminate()
            server.wait(timeout=30)
            db.close()
            if schema:
                engine = create_engine(args.pg_url)
                with engine.begin() as conn:
                    conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
                engine.dispose()
    return rows


def phase_rows(backend: str, phase: str, size: int, stats: Stats,
               elapsed: float) -> list[list[object]]:
    errors = "; ".join(f"{k} x{v}" for k, v in stats.errors.items()) or "0"

    def row(op: str, lat: list[float], events: float | str, span: float) -> list[object]:
        return [backend, phase, op, len(lat), len(lat) / span if span else "", events,
                percentile(lat, 50) * 1000, percentile(lat, 95) * 1000,
                max(lat, default=float("nan")) * 1000, errors]

    rows = [
        row("poll (If-None-Match)", stats.poll, "", elapsed),
        row(f"post {size} events", stats.post, stats.accepted / elapsed, elapsed),
    ]
    if phase == "steady":
        rows.insert(0, row("full sync (253 items)", stats.sync, "", 0.0))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--agents", type=int, default=50)
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per backend")
    parser.add_argument("--batch", type=int, default=100, help="events per upload (burst)")
    parser.add_argument("--steady-batch", type=int, default=20, help="events per upload (steady)")
    parser.add_argument("--steady-interval", type=float, default=2.0,
                        help="seconds between uploads of one agent (steady)")
    parser.add_argument("--poll-interval", type=float, default=1.0)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--pg-url", default=os.environ.get("DESKMATE_TEST_POSTGRES_URL")
                        or DEFAULT_PG)
    args = parser.parse_args(argv)
    print(machine_line())
    print(f"{args.agents} agents, {args.duration:.0f} s per phase; polls every "
          f"{args.poll_interval} s; steady: {args.steady_batch} events every "
          f"{args.steady_interval} s per agent; burst: {args.batch}-event batches back to back; "
          "every 3rd batch re-sent; server (1 process) and clients on the same machine")
    rows: list[list[object]] = []
    for backend in args.backends.split(","):
        rows += run_backend(backend, args)
    print_table(["db", "phase", "operation", "requests", "req/s", "events stored/s", "p50 ms",
                 "p95 ms", "max ms", "errors"], rows, title="deskmate-server load")
    return 0


if __name__ == "__main__":
    sys.exit(main())
