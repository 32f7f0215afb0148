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
from collections.abc import Awaitable, Callable
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

import httpx
from deskmate.indexer.sample_pack import sample_pack_path
from deskmate.server.auth import Role, add_user, issue_token
from deskmate.server.content_import import import_packs
from deskmate.server.database import Database
from deskmate.server.tables import EventRow
from sqlalchemy import func, select

from benchmarks.system import (
    DEFAULT_PG,
    drop_scratch_schema,
    machine_line,
    percentile,
    print_table,
    scratch_database,
)


@dataclass
class Stats:
    poll: list[float] = field(default_factory=list)
    post: list[float] = field(default_factory=list)
    sync: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    accepted: int = 0
    sent_ids: set[str] = field(default_factory=set)
    late: int = 0  # open loop: requests sent more than 100 ms after their scheduled time
    poll_200: int = 0  # polls answered with a page (the rest: 304)

    def error(self, what: str) -> None:
        self.errors[what] = self.errors.get(what, 0) + 1

    def merge(self, other: Stats) -> None:
        self.poll += other.poll
        self.post += other.post
        self.sync += other.sync
        for key, count in other.errors.items():
            self.errors[key] = self.errors.get(key, 0) + count
        self.accepted += other.accepted
        self.sent_ids |= other.sent_ids
        self.late += other.late
        self.poll_200 += other.poll_200


def make_event(agent: str) -> dict[str, object]:
    return {
        "event_id": uuid.uuid4().hex,
        "agent_id": agent,
        "kind": "search",
        "occurred_at": "2026-11-23T09:30:12.345678+08:00",
        "query": "花呗 还款 逾期",
        "item_id": None,
        "result_count": 7,
        "dwell_ms": None,
        "detail": {},
        "uploaded_at": None,
    }


@dataclass
class Phase:
    """One measured phase: ``open`` (requests at scheduled times) or ``closed`` (back to back).

    Intervals of 0 mean back to back (closed loop); None means the loop does not run.
    """

    name: str
    open_loop: bool
    poll_interval: float | None
    post_interval: float | None
    batch: int


async def _request(
    client: httpx.AsyncClient, stats: Stats, what: str, method: str, path: str, **kwargs: object
) -> httpx.Response | None:
    try:
        return await client.request(method, path, **kwargs)  # type: ignore[arg-type]
    except httpx.HTTPError as exc:
        stats.error(f"{what} {type(exc).__name__}")
        return None


async def agent(  # noqa: C901
    url: str,
    name: str,
    token: str,
    phase: Phase,
    stats: Stats,
    start_at: float,
    stop_at: float,
    offset: float,
) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    limits = httpx.Limits(max_connections=4, max_keepalive_connections=4)
    async with httpx.AsyncClient(
        base_url=url, headers=headers, timeout=60, limits=limits
    ) as client:
        cursor, etag = "", ""
        t0 = time.perf_counter()
        while True:  # the first full download
            r = await _request(
                client,
                stats,
                "sync",
                "GET",
                "/api/v1/changes",
                params={"cursor": cursor, "limit": 500},
            )
            if r is None or r.status_code != 200:
                stats.error(f"sync {r.status_code if r else 'failed'}")
                return
            body = r.json()
            cursor, etag = body["next_cursor"], r.headers["etag"]
            if not body["has_more"]:
                break
        stats.sync.append(time.perf_counter() - t0)
        if time.time() > start_at:
            stats.error("full sync not done before the start (raise --warmup)")
        await asyncio.sleep(max(0.0, start_at - time.time()))
        previous: list[dict[str, object]] = []
        posts = 0

        async def poll_once(scheduled: float) -> None:
            nonlocal cursor, etag
            r = await _request(
                client,
                stats,
                "poll",
                "GET",
                "/api/v1/changes",
                params={"cursor": cursor},
                headers={"If-None-Match": etag},
            )
            # Open loop: from the scheduled time (no coordinated omission).
            stats.poll.append(time.perf_counter() - scheduled)
            if r is None:
                return
            if r.status_code == 200:  # like the sync client: keep the new cursor and ETag
                stats.poll_200 += 1
                cursor, etag = r.json()["next_cursor"], r.headers["etag"]
            elif r.status_code != 304:
                stats.error(f"poll {r.status_code}")

        async def post_once(scheduled: float) -> None:
            nonlocal previous, posts
            posts += 1
            resend = posts % 3 == 0 and previous
            batch = previous if resend else [make_event(name) for _ in range(phase.batch)]
            r = await _request(
                client, stats, "post", "POST", "/api/v1/events", json={"events": batch}
            )
            stats.post.append(time.perf_counter() - scheduled)
            if r is None:
                return
            if r.status_code != 200:
                stats.error(f"post {r.status_code}")
                return
            result = r.json()
            if resend and result["accepted"]:
                stats.error("re-sent event stored twice")
            if not resend:  # re-send only batches whose first upload was answered
                previous = batch
            stats.accepted += len(result["accepted"])
            stats.sent_ids.update(str(e["event_id"]) for e in batch)

        async def loop(interval: float | None, once: Callable[[float], Awaitable[None]]) -> None:
            if interval is None:
                return
            if not phase.open_loop or interval == 0:
                while time.time() < stop_at:
                    await once(time.perf_counter())
                return
            # Open loop: fire at fixed times whatever the answers take.
            pending: list[asyncio.Task[None]] = []
            k = 0
            base = time.perf_counter() - (time.time() - start_at) + offset * interval
            while True:
                scheduled = base + k * interval
                wall = start_at + offset * interval + k * interval
                if wall >= stop_at:
                    break
                await asyncio.sleep(max(0.0, scheduled - time.perf_counter()))
                if time.perf_counter() - scheduled > 0.1:
                    stats.late += 1
                pending.append(asyncio.create_task(once(scheduled)))
                k += 1
            await asyncio.gather(*pending)

        await asyncio.gather(
            loop(phase.poll_interval, poll_once), loop(phase.post_interval, post_once)
        )


async def drive(
    url: str, tokens: dict[str, str], phase: Phase, start_at: float, duration: float
) -> Stats:
    stats = Stats()
    names = sorted(tokens)
    await asyncio.gather(
        *(
            agent(url, n, tokens[n], phase, stats, start_at, start_at + duration, i / len(names))
            for i, n in enumerate(names)
        )
    )
    return stats


def client_process(
    url: str, tokens: dict[str, str], phase: Phase, start_at: float, duration: float
) -> Stats:
    """One load-generator process (a separate OS process from the server and the others)."""
    return asyncio.run(drive(url, tokens, phase, start_at, duration))


def run_phase(
    url: str, tokens: dict[str, str], phase: Phase, args: argparse.Namespace
) -> tuple[Stats, float]:
    """Run ``phase`` in ``--client-procs`` processes; all start measuring at the same time."""
    names = sorted(tokens)
    shares = [
        {n: tokens[n] for n in names[i :: args.client_procs]} for i in range(args.client_procs)
    ]
    # Start once every agent has had time for its first full download (not measured here).
    start_at = time.time() + args.warmup
    with ProcessPoolExecutor(args.client_procs, mp_context=get_context("spawn")) as pool:
        futures = [
            pool.submit(client_process, url, share, phase, start_at, args.duration)
            for share in shares
        ]
        stats = Stats()
        for future in futures:
            stats.merge(future.result())
    if stats.sync and len(stats.sync) < len(tokens):
        stats.error("agent never started")
    # Rates over the whole span: requests still in flight at the end are counted, so the
    # time they took to finish is too (dividing by --duration alone overstated them).
    return stats, max(args.duration, time.time() - start_at)


def phases(args: argparse.Namespace) -> list[Phase]:
    return [
        # Open loop at a stated rate: every agent polls every --poll-interval s and posts
        # --steady-batch events every --steady-interval s, at fixed times.
        Phase("open", True, args.poll_interval, args.steady_interval, args.steady_batch),
        # Closed loop, saturation: each agent posts --batch events back to back (one
        # request at a time) while polling every --poll-interval s.
        Phase("closed ingest", False, args.poll_interval, 0.0, args.batch),
        # Closed loop, saturation: each agent polls back to back, nothing else.
        Phase("closed poll", False, 0.0, None, 0),
    ]


def run_backend(backend: str, args: argparse.Namespace) -> list[list[object]]:
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        db_url, schema = scratch_database(backend, args.pg_url, Path(tmp), "bench")
        db = Database.open(db_url)
        import_packs(db, [sample_pack_path(stack)])
        tokens = {}
        for n in range(args.agents):
            add_user(db, f"agent-{n:03d}", Role.AGENT, "bench")
            tokens[f"agent-{n:03d}"] = issue_token(db, f"agent-{n:03d}")
        port = 18000 + os.getpid() % 1000
        env = {**os.environ, "DESKMATE_LOG_DIR": str(Path(tmp) / "logs")}
        command = [
            sys.executable,
            "-m",
            "deskmate.server.cli",
            "serve",
            "--db",
            db_url,
            "--port",
            str(port),
        ]
        if args.workers > 1:
            command += ["--workers", str(args.workers)]
        server = subprocess.Popen(command, env=env)
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(400):
                try:
                    if httpx.get(f"{url}/api/v1/health", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.05)
            rows: list[list[object]] = []
            before = 0
            for phase in phases(args):
                if args.phases and phase.name.split()[-1] not in args.phases.split(","):
                    continue
                stats, elapsed = run_phase(url, tokens, phase, args)
                with db.read() as conn:
                    stored = conn.execute(select(func.count()).select_from(EventRow)).scalar_one()
                if stored - before != len(stats.sent_ids) or stored - before != stats.accepted:
                    stats.error(
                        f"stored {stored - before} != sent {len(stats.sent_ids)}"
                        f"/accepted {stats.accepted}"
                    )
                before = stored
                rows += phase_rows(backend, phase, stats, elapsed)
        finally:
            server.terminate()
            server.wait(timeout=30)
            db.close()
            drop_scratch_schema(args.pg_url, schema)
    return rows


def phase_rows(backend: str, phase: Phase, stats: Stats, elapsed: float) -> list[list[object]]:
    errors = "; ".join(f"{k} x{v}" for k, v in stats.errors.items()) or "0"
    late = f"; {stats.late} sent >100 ms late" if phase.open_loop and stats.late else ""

    def row(op: str, lat: list[float], events: float | str) -> list[object]:
        return [
            backend,
            phase.name,
            op,
            len(lat),
            len(lat) / elapsed,
            events,
            percentile(lat, 50) * 1000,
            percentile(lat, 95) * 1000,
            max(lat, default=float("nan")) * 1000,
            errors + late,
        ]

    rows = []
    if phase.poll_interval is not None:
        every = "back to back" if phase.poll_interval == 0 else f"every {phase.poll_interval} s"
        rows.append(row(f"poll (If-None-Match) {every}, {stats.poll_200} x 200", stats.poll, ""))
    if phase.post_interval is not None:
        every = "back to back" if phase.post_interval == 0 else f"every {phase.post_interval} s"
        rows.append(row(f"post {phase.batch} events {every}", stats.post, stats.accepted / elapsed))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--agents", type=int, default=200)
    parser.add_argument("--duration", type=float, default=15.0, help="seconds per phase")
    parser.add_argument(
        "--warmup",
        type=float,
        default=30.0,
        help="seconds for the agents' first full download before a phase",
    )
    parser.add_argument("--batch", type=int, default=100, help="events per upload (closed)")
    parser.add_argument("--steady-batch", type=int, default=20, help="events per upload (open)")
    parser.add_argument(
        "--steady-interval",
        type=float,
        default=2.0,
        help="seconds between uploads of one agent (open)",
    )
    parser.add_argument("--poll-interval", type=float, default=1.0)
    parser.add_argument("--phases", default="", help="subset of: open,ingest,poll")
    parser.add_argument("--workers", type=int, default=1, help="server worker processes")
    parser.add_argument(
        "--client-procs",
        type=int,
        default=2,
        help="load-generator processes (each its own event loop)",
    )
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument(
        "--pg-url", default=os.environ.get("DESKMATE_TEST_POSTGRES_URL") or DEFAULT_PG
    )
    args = parser.parse_args(argv)
    print(machine_line())
    offered_polls = args.agents / args.poll_interval
    offered_events = args.agents * args.steady_batch / args.steady_interval
    print(
        f"{args.agents} agents in {args.client_procs} load-generator processes, server "
        f"{args.workers} worker process(es), all on this machine; {args.duration:.0f} s per "
        f"phase. open: {offered_polls:.0f} polls/s + {offered_events:.0f} events/s offered "
        f"({args.steady_batch}-event batch per agent every {args.steady_interval} s), latency "
        "from the scheduled send time; closed ingest: "
        f"{args.batch}-event batches back to back per agent + a poll per agent every "
        f"{args.poll_interval} s; closed poll: polls back to back. Every 3rd batch is re-sent."
    )
    rows: list[list[object]] = []
    for backend in args.backends.split(","):
        rows += run_backend(backend, args)
    print_table(
        [
            "db",
            "phase",
            "operation",
            "requests",
            "req/s",
            "events stored/s",
            "p50 ms",
            "p95 ms",
            "max ms",
            "errors",
        ],
        rows,
        title="deskmate-server load",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
