"""Console page latency: GET /console/team (the skill matrix) for a 50-agent team.

Run from the repository root (PostgreSQL as in .ci/run, or --pg-url)::

    python -m benchmarks.console_pages
    python -m benchmarks.console_pages --backends sqlite --team 50 --days 60

For each backend a fresh database gets the sample pack (its skills.yaml: 4 roles, 20+
skills), a team of ``--team`` agents with a manager, and ``--others`` agents in other
teams (their events make the tables realistic, the page must not read them). Each agent
gets ``--days`` days of history, ``--per-day`` events a day (searches; opens and copies
of items carrying skills, with repeats; a vote, a no-result search and a gap flag now and
then), uploaded through the server's ingest, plus a self-assessment and a manager
rating. ``deskmate-server serve`` then runs as a separate process on loopback (one
uvicorn worker), and the manager's browser session (signed in through the form) fetches:

- cold: the matrix with an empty profile cache (every profile computed: the first
  request of a day, or after an import changed the content);
- warm: the matrix with every profile cached (the usual case);
- one stale: right after one agent of the team uploaded an event (one profile recomputed);
- also the agent, trends and articles pages, warm.

Printed: per backend and case, requests, p50 / p95 / max in ms, and the page size.
Target (issue #5): the team matrix page for a 50-agent team renders in <= 300 ms.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from deskmate.core.activity.events import ConsultationEvent, EventKind
from deskmate.indexer.sample_pack import sample_pack_path
from deskmate.server.auth import Role, User, add_user, get_user, issue_token
from deskmate.server.content_import import import_packs
from deskmate.server.database import Database
from deskmate.server.events import ingest
from deskmate.server.learning.assessments import rate_skill, set_self_assessment
from deskmate.server.tables import ItemRow, ProfileCacheRow
from sqlalchemy import delete, select

from benchmarks.system import (
    DEFAULT_PG,
    drop_scratch_schema,
    machine_line,
    print_table,
    scratch_database,
    setup_logging,
    summary_ms,
)

ROLES = ["new_agent", "billing_specialist", "tech_support", "senior_agent"]
QUERIES = [
    "退款多久到账",
    "花呗分期手续费",
    "eSIM 转移",
    "宽带断网",
    "携号转网",
    "发票怎么开",
    "改收货地址",
    "国际漫游",
    "会员自动续费",
    "验证码收不到",
]


def _skilled_items(db: Database) -> list[tuple[str, list[str]]]:
    import json

    with db.read() as conn:
        rows = conn.execute(select(ItemRow.id, ItemRow.record)).all()
    return [(r.id, json.loads(r.record).get("skills") or []) for r in rows]


def _history(
    agent: str, days: int, per_day: int, items: list[str], rng: random.Random
) -> list[ConsultationEvent]:
    """``days`` days of one agent's events, ``per_day`` a day (ending today)."""
    favourites = rng.sample(items, min(8, len(items)))  # what this agent looks up again and again
    events = []
    now = datetime.now(UTC).astimezone()
    for back in range(days):
        day = (now - timedelta(days=back)).replace(hour=9, minute=0, second=0, microsecond=0)
        for n in range(per_day):
            at = (day + timedelta(minutes=n * 7)).isoformat(timespec="microseconds")
            roll = rng.random()
            item = rng.choice(favourites) if rng.random() < 0.5 else rng.choice(items)
            if roll < 0.4:
                kind, extra = EventKind.SEARCH, {"query": rng.choice(QUERIES), "result_count": 5}
            elif roll < 0.75:
                kind, extra = EventKind.OPEN, {"item_id": item, "query": rng.choice(QUERIES)}
            elif roll < 0.88:
                kind, extra = EventKind.COPY, {"item_id": item, "detail": {"filled": True}}
            elif roll < 0.94:
                kind, extra = (
                    EventKind.FEEDBACK,
                    {"item_id": item, "detail": {"helpful": rng.random() < 0.7}},
                )
            elif roll < 0.985:
                kind, extra = EventKind.NO_RESULT, {"query": rng.choice(QUERIES) + " 费用"}
            else:
                kind, extra = (
                    EventKind.GAP,
                    {"query": rng.choice(QUERIES), "detail": {"gap_type": "missing", "note": ""}},
                )
            events.append(ConsultationEvent(uuid.uuid4().hex, agent, kind, at, **extra))
    return events


def _populate(db: Database, args: argparse.Namespace, rng: random.Random) -> tuple[str, str]:
    """Users and history; returns (manager token, one agent of the team)."""
    catalogue = _skilled_items(db)
    items = [item_id for item_id, skills in catalogue if skills]
    skills = sorted({s for _, ss in catalogue for s in ss})
    add_user(db, "manager", Role.MANAGER, "team-a")
    manager = get_user(db, "manager")
    agents = [(f"a{n:03d}", "team-a") for n in range(args.team)]
    agents += [(f"o{n:03d}", f"team-{1 + n % 5}") for n in range(args.others)]
    started = time.perf_counter()
    stored = 0
    for name, team in agents:
        user: User = add_user(db, name, Role.AGENT, team, rng.choice(ROLES))
        events = _history(name, args.days, args.per_day, items, rng)
        for start in range(0, len(events), 1000):
            stored += len(ingest(db, user, events[start : start + 1000]).accepted)
        set_self_assessment(db, user, rng.choice(skills), rng.randint(1, 5))
        if team == "team-a":
            rate_skill(db, manager, name, rng.choice(skills), rng.randint(1, 5), "基本掌握")
    print(
        f"  {len(agents)} agents, {stored:,} events stored in {time.perf_counter() - started:.1f} s"
    )
    return issue_token(db, "manager"), agents[0][0]


def _sign_in(client: httpx.Client, token: str) -> None:
    page = client.get("/console/signin").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page)
    if csrf is None:
        raise RuntimeError("the sign-in page has no CSRF field")
    answer = client.post("/console/signin", data={"csrf": csrf[1], "token": token})
    if answer.status_code != 303:
        raise RuntimeError(f"sign-in failed: {answer.status_code} {answer.text[:300]}")


def _timed(client: httpx.Client, path: str) -> tuple[float, int]:
    started = time.perf_counter()
    answer = client.get(path)
    elapsed = time.perf_counter() - started
    if answer.status_code != 200:
        raise RuntimeError(f"GET {path}: {answer.status_code} {answer.text[:300]}")
    return elapsed, len(answer.content)


def _measure(
    db: Database, url: str, token: str, agent_token: str, agent: str, args: argparse.Namespace
) -> list[tuple[str, list[float], int]]:
    cases: list[tuple[str, list[float], int]] = []
    with (
        httpx.Client(base_url=url, timeout=120) as client,
        httpx.Client(
            base_url=url, timeout=60, headers={"Authorization": f"Bearer {agent_token}"}
        ) as sidebar,
    ):
        _sign_in(client, token)
        cold, size = [], 0
        for _ in range(args.cold):
            with db.write() as conn:
                conn.execute(delete(ProfileCacheRow))
            elapsed, size = _timed(client, "/console/team")
            cold.append(elapsed)
        cases.append(("team matrix, cold (50 profiles computed)", cold, size))
        warm = [_timed(client, "/console/team")[0] for _ in range(args.repeat)]
        cases.append(("team matrix, warm (profiles cached)", warm, size))
        stale = []
        for _ in range(args.cold):
            event = ConsultationEvent(
                uuid.uuid4().hex,
                agent,
                EventKind.OPEN,
                datetime.now(UTC).astimezone().isoformat(),
                item_id=None,
            )
            sidebar.post("/api/v1/events", json={"events": [event.to_dict()]}).raise_for_status()
            stale.append(_timed(client, "/console/team")[0])
        cases.append(("team matrix, one agent just uploaded", stale, size))
        for name, path in (
            ("agent page", f"/console/agents/{agent}"),
            ("trends, 30 days", "/console/trends"),
            ("trends, 90 days", "/console/trends?days=90"),
            ("articles, 90 days (manager: team scope)", "/console/articles"),
        ):
            _timed(client, path)
            times = [_timed(client, path) for _ in range(max(3, args.repeat // 3))]
            cases.append((name, [t for t, _ in times], times[-1][1]))
    return cases


def run_backend(backend: str, args: argparse.Namespace) -> list[list[object]]:
    print(f"[{backend}]")
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        db_url, schema = scratch_database(backend, args.pg_url, Path(tmp), "console")
        db = Database.open(db_url)
        server = None
        try:
            import_packs(db, [sample_pack_path(stack)])
            token, agent = _populate(db, args, rng)
            agent_token = issue_token(db, agent)
            port = 18500 + os.getpid() % 1000
            env = {**os.environ, "DESKMATE_LOG_DIR": str(Path(tmp) / "logs")}
            server = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "deskmate.server.cli",
                    "serve",
                    "--db",
                    db_url,
                    "--port",
                    str(port),
                ],
                env=env,
            )
            url = f"http://127.0.0.1:{port}"
            for _ in range(400):
                try:
                    if httpx.get(f"{url}/api/v1/health", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.05)
            cases = _measure(db, url, token, agent_token, agent, args)
        finally:
            if server is not None:
                server.terminate()
                server.wait(timeout=30)
            db.close()
            drop_scratch_schema(args.pg_url, schema)
    rows: list[list[object]] = []
    for name, seconds, size in cases:
        p50, p95, worst, _mean = summary_ms(seconds)
        rows.append([backend, name, len(seconds), p50, p95, worst, f"{size / 1024:.0f} KiB"])
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument(
        "--pg-url", default=os.environ.get("DESKMATE_TEST_POSTGRES_URL", DEFAULT_PG)
    )
    parser.add_argument("--team", type=int, default=50)
    parser.add_argument("--others", type=int, default=150, help="agents in other teams")
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--per-day", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--cold", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    setup_logging()
    print(machine_line())
    rows: list[list[object]] = []
    for backend in args.backends.split(","):
        rows += run_backend(backend.strip(), args)
    print_table(
        ["backend", "page", "n", "p50 ms", "p95 ms", "max ms", "size"],
        rows,
        title=f"GET /console/... for a {args.team}-agent team "
        f"({args.days} days x {args.per_day} events per agent, "
        f"{args.team + args.others} agents in all); target: matrix <= 300 ms",
        digits=1,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
