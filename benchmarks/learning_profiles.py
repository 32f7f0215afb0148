"""Learning-profile computation at contact-centre scale.

Run from the repository root (PostgreSQL as in .ci/run, or --pg-url)::

    python -m benchmarks.learning_profiles                     # 1000 agents x 5000 events
    python -m benchmarks.learning_profiles --agents 100 --backends sqlite,postgresql

A fresh database gets a taxonomy of 50 skills and 6 roles, 2,000 items carrying 1-3
skills each, ``--agents`` agents in teams of 50, and ``--events`` events per agent over
90 days (searches, opens, copies, no-result searches, gap flags, votes), generated
reproducibly (seeded) and loaded with COPY (PostgreSQL) or executemany (SQLite).
Printed, per backend:

- full: ``refresh_profiles`` of every agent with an empty cache (target <= 60 s for
  1,000 agents x 50 skills x 90 days, about 5 M events, on PostgreSQL);
- unchanged: the same again (every profile current: stamps only);
- incremental: after 100 new events from 10 agents (10 profiles recomputed);
- full with a year of history: the same from an empty cache again, after 51 past weeks of
  levels (each agent's skills) and two ratings and two self-assessments a month per
  agent were added to the history tables;
- one agent: ``refresh_profiles`` for one agent after a new event of theirs, and the whole
  ``GET /api/v1/me/profile`` document (refresh, trend read, wording) the same way
  (target <= 100 ms);
- history size: the history tables' rows and bytes (PostgreSQL: pg_total_relation_size)
  per agent-year, from that year of history;
- gap queue: ``collect_signals`` end to end (read the uploads, cluster, store signals and
  topics) for ``--gap-events`` gap flags and no-result searches with realistic query
  texts (the generator of benchmarks/gap_clustering.py) in a fresh database, then for
  100 more (incremental: the index reseeded from the stored topics).
Targets: full <= 60 s on PostgreSQL for 1000 agents x ~5000 events (also with a year of
history); one agent <= 100 ms; 20k gap events <= 30 s.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from benchmarks.system import (
    DEFAULT_PG,
    drop_scratch_schema,
    machine_line,
    print_table,
    scratch_database,
)

KINDS = (
    ("search", 0.40),
    ("open", 0.35),
    ("copy", 0.10),
    ("no_result", 0.08),
    ("gap", 0.02),
    ("feedback", 0.05),
)
SKILLS = 50
ITEMS = 2000
TEAM_SIZE = 50


def _taxonomy(rng: random.Random) -> Any:
    from deskmate.core.content.taxonomy import LearningRole, Skill, Taxonomy

    skills = tuple(
        Skill(f"area{n // 10}.skill{n}", {"zh": f"技能{n}", "en": f"Skill {n}"})
        for n in range(SKILLS)
    )
    roles = tuple(
        LearningRole(
            f"role{r}",
            {"zh": f"岗位{r}", "en": f"Role {r}"},
            {s.code: rng.randint(1, 5) for s in rng.sample(skills, 15)},
        )
        for r in range(6)
    )
    return Taxonomy(skills, roles)


def _seed_content(db: Any, rng: random.Random) -> tuple[list[str], Any]:
    from deskmate.server.learning.taxonomy_store import store_taxonomy
    from deskmate.server.tables import ItemRow, ServerMetaRow
    from sqlalchemy import insert, update

    taxonomy = _taxonomy(rng)
    codes = [s.code for s in taxonomy.skills]
    rows = []
    for n in range(ITEMS):
        record = {
            "id": f"item-{n}",
            "kind": rng.choice(["faq", "faq", "script", "expert"]),
            "title": f"条目 {n}",
            "body": "…",
            "language": "zh",
            "updated_at": "2026-10-01T09:00:00+08:00",
            "version": 1,
            "skills": rng.sample(codes, rng.randint(1, 3)),
        }
        rows.append(
            {
                "id": record["id"],
                "record": json.dumps(record, ensure_ascii=False),
                "version": 1,
                "seq": n + 1,
            }
        )
    with db.write() as conn:
        conn.execute(insert(ItemRow), rows)
        conn.execute(update(ServerMetaRow).values(head_seq=ITEMS))
        store_taxonomy(conn, taxonomy)
    return [r["id"] for r in rows], taxonomy


def _users(db: Any, agents: int, taxonomy: Any, rng: random.Random) -> list[str]:
    from deskmate.server.tables import UserRow
    from sqlalchemy import insert

    names = [f"agent{n:04d}" for n in range(agents)]
    now = datetime.now(UTC).isoformat()
    with db.write() as conn:
        conn.execute(
            insert(UserRow),
            [
                {
                    "name": name,
                    "role": "agent",
                    "team": f"team{n // TEAM_SIZE}",
                    "created_at": now,
                    "learning_role": rng.choice(taxonomy.roles).code,
                }
                for n, name in enumerate(names)
            ],
        )
    return names


def _event_rows(
    names: list[str], items: list[str], per_agent: int, rng: random.Random, now: datetime
) -> Any:
    kinds = [k for k, _ in KINDS]
    weights = [w for _, w in KINDS]
    received = now.isoformat()
    for name in names:
        favourites = rng.sample(items, 40)  # each agent keeps coming back to some items
        for kind in rng.choices(kinds, weights, k=per_agent):
            when = (now - timedelta(seconds=rng.uniform(0, 90 * 86400))).isoformat()
            item = None
            if kind in ("open", "copy", "feedback") or (kind == "gap" and rng.random() < 0.5):
                item = rng.choice(favourites) if rng.random() < 0.6 else rng.choice(items)
            payload = {
                "kind": kind,
                "agent_id": name,
                "item_id": item,
                "query": "退款多久到账",
                "detail": {"helpful": False} if kind == "feedback" else {},
            }
            yield (
                uuid.UUID(int=rng.getrandbits(128)).hex,
                name,
                kind,
                when,
                json.dumps(payload, ensure_ascii=False),
                received,
                item,
            )


def _load_events(db: Any, rows: Any) -> int:
    columns = ("event_id", "agent", "kind", "occurred_at", "payload", "received_at", "item_id")
    count = 0
    if db.url.get_backend_name() == "postgresql":
        with db.write() as conn:
            raw = conn.connection.driver_connection
            with (
                raw.cursor() as cursor,
                cursor.copy(f"COPY events ({', '.join(columns)}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
                    count += 1
        return count
    from sqlalchemy import text

    batch: list[dict[str, Any]] = []
    statement = text(
        f"INSERT INTO events ({', '.join(columns)}) VALUES ({', '.join(':' + c for c in columns)})"
    )
    for row in rows:
        batch.append(dict(zip(columns, row, strict=True)))
        if len(batch) == 50_000:
            with db.write() as conn:
                conn.execute(statement, batch)
            count += len(batch)
            batch = []
    if batch:
        with db.write() as conn:
            conn.execute(statement, batch)
        count += len(batch)
    return count


def _gap_rows(texts: list[str], names: list[str], rng: random.Random, now: datetime) -> Any:
    received = now.isoformat()
    for text in texts:
        name = rng.choice(names)
        kind = "gap" if rng.random() < 0.3 else "no_result"
        when = (now - timedelta(seconds=rng.uniform(0, 30 * 86400))).isoformat()
        detail = {"gap_type": "missing", "note": "", "interaction_id": ""} if kind == "gap" else {}
        payload = {"kind": kind, "agent_id": name, "item_id": None, "query": text, "detail": detail}
        yield (
            uuid.UUID(int=rng.getrandbits(128)).hex,
            name,
            kind,
            when,
            json.dumps(payload, ensure_ascii=False),
            received,
            None,
        )


def run_gap_queue(backend: str, pg_url: str, count: int, tmp: Path) -> list[list[Any]]:
    from deskmate.server.database import Database
    from deskmate.server.learning.gap_queue import collect_signals
    from deskmate.server.tables import GapTopicRow
    from sqlalchemy import func, select

    from benchmarks.gap_clustering import generate

    url, schema = scratch_database(backend, pg_url, tmp, "gaps")
    db = Database.open(url)
    rows: list[list[Any]] = []
    try:
        rng = random.Random(7)
        now = datetime.now(UTC)
        names = [f"agent{n:04d}" for n in range(200)]
        texts = [text for text, _intent, _clean in generate(count + 100, seed=7)]
        _load_events(db, _gap_rows(texts[:count], names, rng, now))
        label = f"{backend} gap queue, {count:,} signals"
        started = time.perf_counter()
        added = collect_signals(db)
        first = time.perf_counter() - started
        with db.read() as conn:
            topics = conn.execute(select(func.count()).select_from(GapTopicRow)).scalar_one()
        rows.append([label, f"collect all ({topics:,} topics)", first, added, "-"])
        _load_events(db, _gap_rows(texts[count:], names, rng, now + timedelta(seconds=1)))
        started = time.perf_counter()
        more = collect_signals(db)
        rows.append([label, "collect 100 more", time.perf_counter() - started, more, "-"])
    finally:
        db.close()
        drop_scratch_schema(pg_url, schema)
    return rows


def run(backend: str, pg_url: str, agents: int, per_agent: int, tmp: Path) -> list[list[Any]]:
    from deskmate.server.database import Database
    from deskmate.server.learning.profiles import refresh_profiles

    url, schema = scratch_database(backend, pg_url, tmp, "profiles")
    db = Database.open(url)
    rows: list[list[Any]] = []
    try:
        rng = random.Random(20261130)
        now = datetime.now(UTC)
        items, taxonomy = _seed_content(db, rng)
        names = _users(db, agents, taxonomy, rng)
        started = time.perf_counter()
        events = _load_events(db, _event_rows(names, items, per_agent, rng, now))
        load_s = time.perf_counter() - started
        if backend == "postgresql":
            with db.write() as conn:
                conn.exec_driver_sql("ANALYZE")
        label = f"{backend} {agents} agents, {events:,} events"
        rows.append([label, "load events", load_s, events, "-"])
        full = refresh_profiles(db, now=now)
        rows.append([label, "full (empty cache)", full.seconds, full.computed, full.reused])
        started = time.perf_counter()
        history_rows = _seed_history(db, now, rng)
        rows.append(
            [label, "seed a year of history", time.perf_counter() - started, history_rows, "-"]
        )
        with db.write() as conn:
            conn.exec_driver_sql("DELETE FROM profile_cache")
            if backend == "postgresql":
                conn.exec_driver_sql("ANALYZE level_history")
        full = refresh_profiles(db, now=now)
        rows.append(
            [label, "full (empty cache, year of history)", full.seconds, full.computed, full.reused]
        )
        same = refresh_profiles(db, now=now)
        rows.append([label, "unchanged", same.seconds, same.computed, same.reused])
        _load_events(db, _event_rows(names[:10], items, 10, rng, now + timedelta(seconds=1)))
        step = refresh_profiles(db, now=now)
        rows.append([label, "incremental (10 agents)", step.seconds, step.computed, step.reused])
        _load_events(db, _event_rows(names[:1], items, 1, rng, now + timedelta(seconds=2)))
        one = refresh_profiles(db, [names[0]], now=now)
        rows.append([label, "one agent (refresh)", one.seconds, one.computed, one.reused])
        rows.append(
            [label, "one agent (whole me/profile)", *_one_document(db, names[1], now, rng, items)]
        )
        rows += [[label, *row] for row in _history_size(db, agents)]
    finally:
        db.close()
        drop_scratch_schema(pg_url, schema)
    return rows


def _seed_history(db: Any, now: datetime, rng: random.Random) -> int:
    """51 past weeks of each agent's current levels, and 4 assessments a month each."""
    from deskmate.server.learning.history import iso_week
    from deskmate.server.tables import AssessmentHistoryRow, LevelHistoryRow, UserRow
    from sqlalchemy import func, insert, literal, select

    this_week = iso_week(now)
    with db.write() as conn:
        for back in range(1, 52):
            when = now - timedelta(weeks=back)
            wobble = (back % 5) * 0.1  # levels a little lower in the past
            conn.execute(
                insert(LevelHistoryRow).from_select(
                    ["agent", "week", "skill", "level", "computed_at"],
                    select(
                        LevelHistoryRow.agent,
                        literal(iso_week(when)),
                        LevelHistoryRow.skill,
                        func.greatest(1.0, LevelHistoryRow.level - wobble)
                        if db.url.get_backend_name() == "postgresql"
                        else func.max(1.0, LevelHistoryRow.level - wobble),
                        literal(when.isoformat(timespec="seconds")),
                    ).where(LevelHistoryRow.week == this_week),
                )
            )
        agents = list(conn.execute(select(UserRow.name)).scalars())
        skills = [f"area{n // 10}.skill{n}" for n in range(SKILLS)]
        assessed = [
            {
                "agent": agent,
                "skill": rng.choice(skills),
                "kind": kind,
                "value": rng.randint(1, 5),
                "comment": "继续保持" if kind == "rating" else "",
                "given_by": "manager" if kind == "rating" else None,
                "recorded_at": (now - timedelta(days=rng.uniform(0, 365))).isoformat(),
            }
            for agent in agents
            for kind in ("rating", "self")
            for _ in range(24)
        ]
        conn.execute(insert(AssessmentHistoryRow), assessed)
        levels = conn.execute(select(func.count()).select_from(LevelHistoryRow)).scalar_one()
    return int(levels) + len(assessed)


def _one_document(
    db: Any, name: str, now: datetime, rng: random.Random, items: list[str]
) -> list[Any]:
    """``GET /api/v1/me/profile``'s whole work for one agent after a new event of theirs."""
    from deskmate.server.learning_api import profile_document

    _load_events(db, _event_rows([name], items, 1, rng, now + timedelta(seconds=3)))
    started = time.perf_counter()
    document = profile_document(db, name, None, "zh")
    seconds = time.perf_counter() - started
    trends = sum(1 for s in document["skills"] if s["trend"])
    return [seconds, f"1 ({trends} skills with a trend)", "-"]


def _history_size(db: Any, agents: int) -> list[list[Any]]:
    """Rows and bytes of the history tables per agent-year (a year is what was seeded)."""
    from sqlalchemy import text

    rows: list[list[Any]] = []
    with db.read() as conn:
        for table in ("level_history", "assessment_history"):
            count = conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
            size = "-"
            if db.url.get_backend_name() == "postgresql":
                total = conn.execute(
                    text("SELECT pg_total_relation_size(CAST(:t AS regclass))"), {"t": table}
                ).scalar_one()
                size = f"{total / agents / 1024:,.0f} KiB/agent-year"
            rows.append([f"{table} per agent-year", "-", f"{count / agents:,.0f} rows", size])
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=1000)
    parser.add_argument("--events", type=int, default=5000, help="events per agent (90 days)")
    parser.add_argument("--backends", default="postgresql")
    parser.add_argument("--pg-url", default=DEFAULT_PG)
    parser.add_argument("--gap-events", type=int, default=20_000, help="0: skip the gap queue")
    args = parser.parse_args()
    print(machine_line())
    rows: list[list[Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for backend in args.backends.split(","):
            if args.agents:
                rows += run(backend, args.pg_url, args.agents, args.events, Path(tmp))
            if args.gap_events:
                rows += run_gap_queue(backend, args.pg_url, args.gap_events, Path(tmp))
    print_table(
        ["dataset", "step", "seconds", "computed/added", "unchanged"],
        rows,
        title="Learning profiles (refresh_profiles) and the gap queue (collect_signals)",
    )


if __name__ == "__main__":
    main()
