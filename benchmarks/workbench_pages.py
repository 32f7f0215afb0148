"""The editors' console pages at scale (issue #17): 100k items, 1M versions, PostgreSQL.

Run from the repository root (PostgreSQL as in .ci/run, or --pg-url)::

    python -m benchmarks.workbench_pages --items 100000 --versions 1000000

A fresh PostgreSQL schema (migrated by the server's own code) is filled with fast bulk
SQL — ``COPY … FROM STDIN`` of ``item_versions``, ``item_states`` and the live ``items``
rows — not through the API: ``--versions`` spread over ``--items`` items (every item gets
``versions // items`` of them, one 500 more, the latest of each is live or a
draft), 40 owners of which 4 were deleted, due dates spread over a year (a tenth
overdue). Then ``deskmate-server serve`` runs as a separate process on loopback (one
worker) and an editor's browser session fetches each editor page ``--repeat`` times
(after one warm-up): the item list (first page, a page deep in the list, filters, an id
prefix and a title substring search), the editor of an item, its history with a diff,
the history of the item with the most versions, the due-for-review lists, and saving a
draft (POST, with the duplicate check: by wording, and by meaning when ``--vectors``
gives every item a stored vector, random but of the bundled model's id and size, so the
save encodes the draft and scans 100k int8 vectors; one save before the timed ones loads
them into the server's cache). Printed: p50 / p95 / max in ms and page size.

Target: p95 ≤ 300 ms for each page.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx
import numpy as np
from deskmate.server.auth import Role, add_user, issue_token
from deskmate.server.database import Database

from benchmarks.console_pages import _sign_in
from benchmarks.sync_e2e import start_server
from benchmarks.system import (
    DEFAULT_PG,
    drop_scratch_schema,
    machine_line,
    print_table,
    scratch_database,
    summary_ms,
)

WORDS = [
    "退款",
    "发票",
    "流量",
    "宽带",
    "漫游",
    "套餐",
    "积分",
    "会员",
    "验证码",
    "地址",
    "快递",
    "分期",
    "账单",
    "停机",
    "携号",
]
OWNERS = [f"owner{n:02d}" for n in range(40)]
GONE = set(OWNERS[-4:])  # never added as users: deleted owners
BATCH = 50_000
DIMENSION = 384  # the bundled model's


def _title(rng: random.Random, n: int) -> str:
    return f"{rng.choice(WORDS)}{rng.choice(WORDS)}怎么处理 第{n}条"


def _record(item_id: str, title: str, version: int, owner: str, stamp: str) -> str:
    return json.dumps(
        {
            "id": item_id, "kind": "faq", "title": title, "language": "zh",
            "body": f"{title}的答案，第 {version} 版。", "owner": owner,
            "version": version, "updated_at": stamp, "tags": ["基准"],
        },
        ensure_ascii=False,
    )  # fmt: skip


def _copy(conn: object, table: str, columns: str, rows: list[tuple[object, ...]]) -> None:
    raw = conn.connection.driver_connection  # type: ignore[attr-defined]
    with raw.cursor() as cur, cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _vector_rows(
    ids: list[str], model_id: str, rng: np.random.Generator
) -> list[tuple[object, ...]]:
    """Random unit vectors as the server stores them (int8 with a scale), one per id."""
    from deskmate.core.semantic.vectors import quantize

    floats = rng.standard_normal((len(ids), DIMENSION)).astype(np.float32)
    floats /= np.linalg.norm(floats, axis=1, keepdims=True)
    rows: list[tuple[object, ...]] = []
    for item_id, vector in zip(ids, floats, strict=True):
        data, scale = quantize(vector)
        rows.append((item_id, model_id, "0" * 40, scale, data))
    return rows


def populate(db: Database, items: int, versions: int, seed: int = 5, model_id: str = "") -> str:
    """Bulk-fill the workbench tables; answers the id of the item with most versions.

    With ``model_id``, every item also gets a (random) vector of that model.
    """
    rng = random.Random(seed)
    vector_rng = np.random.default_rng(seed)
    now = datetime.now(UTC)
    per_item = max(1, versions // items)
    extra = versions - per_item * items  # the remainder goes to the first item, with 500
    busiest = "faq-b000000"
    started = time.perf_counter()
    for first in range(0, items, BATCH):
        version_rows: list[tuple[object, ...]] = []
        state_rows: list[tuple[object, ...]] = []
        item_rows: list[tuple[object, ...]] = []
        for n in range(first, min(items, first + BATCH)):
            item_id = f"faq-b{n:06d}"
            title = _title(rng, n)
            owner = rng.choice(OWNERS)
            count = per_item + (extra + 500 if n == 0 else 0)  # one item with many versions
            stamp = (now - timedelta(days=rng.uniform(0, 400))).isoformat()
            live = count if rng.random() < 0.8 else count - 1  # a fifth have a newer draft
            for v in range(1, count + 1):
                status = "published" if v == live else ("draft" if v > live else "published")
                version_rows.append((
                    item_id, v, status, _record(item_id, title, v, owner, stamp),
                    "editor", stamp, "", v - 1 or None,
                ))  # fmt: skip
            checked = now - timedelta(days=rng.uniform(0, 100))
            due = checked + timedelta(days=90)
            state_rows.append((
                item_id, "faq", title, title.casefold(), "published" if live == count else "draft",
                count, live, owner, stamp, "editor", None, "editor", checked.isoformat(),
                due.isoformat(), None,
            ))  # fmt: skip
            item_rows.append((item_id, live, _record(item_id, title, live, owner, stamp)))
        with db.write() as conn:
            _copy(conn, "item_versions",
                  "item_id, version_no, status, record, author, created_at, note, based_on",
                  version_rows)  # fmt: skip
            _copy(conn, "item_states",
                  "item_id, kind, title, title_key, status, latest_no, published_no, owner, "
                  "updated_at, updated_by, verify_days, verified_by, verified_at, due_at, source",
                  state_rows)  # fmt: skip
            seq = first
            _copy(conn, "items", "id, version, record, seq",
                  [(i, v, r, seq + k + 1) for k, (i, v, r) in enumerate(item_rows)])  # fmt: skip
            if model_id:
                ids = [row[0] for row in item_rows]
                _copy(conn, "item_vectors", "item_id, model_id, text_digest, scale, vector",
                      _vector_rows(ids, model_id, vector_rng))  # fmt: skip
        print(f"  {min(items, first + BATCH):,} items, {time.perf_counter() - started:.0f} s")
    with db.write() as conn:
        raw = conn.connection.driver_connection  # type: ignore[attr-defined]
        raw.execute(f"UPDATE server_meta SET head_seq = {items}")
        for table in ("item_versions", "item_states", "items", "item_vectors"):
            raw.execute(f"ANALYZE {table}")
    return busiest


def _timed(client: httpx.Client, path: str) -> tuple[float, int]:
    started = time.perf_counter()
    answer = client.get(path)
    elapsed = time.perf_counter() - started
    if answer.status_code != 200:
        raise RuntimeError(f"GET {path}: {answer.status_code} {answer.text[:300]}")
    return elapsed, len(answer.content)


def _save_draft(client: httpx.Client, item_id: str) -> float:
    page = client.get(f"/console/items/{item_id}/edit").text
    fields = dict(
        re.findall(
            r'<input type="(?:hidden|text|number)"[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page
        )
    )
    fields.update(re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', page, re.S))
    fields.update(kind="faq", language="zh", action="save", body=f"新答案 {time.time()}")
    started = time.perf_counter()
    answer = client.post("/console/items/save", data=fields)
    elapsed = time.perf_counter() - started
    if answer.status_code not in (200, 303):
        raise RuntimeError(f"save: {answer.status_code} {answer.text[:300]}")
    return elapsed


def measure(url: str, token: str, busiest: str, items: int, repeat: int) -> list[list[object]]:
    """Every page ``repeat`` times after a warm-up; the table rows."""
    middle = f"faq-b{items // 2:06d}"
    pages = [
        ("item list, first page", "/console/items"),
        ("item list, deep page (keyset)", f"/console/items?after=faq-b{items - 60:06d}"),
        ("item list, status filter", "/console/items?status=draft"),
        ("item list, id prefix search", "/console/items?q=faq-b0500"),
        ("item list, title substring", "/console/items?q=" + "退款发票"),
        ("editor", f"/console/items/{middle}/edit"),
        ("history + diff", f"/console/items/{middle}/versions"),
        ("history, busiest item", f"/console/items/{busiest}/versions"),
        ("due for review, all", "/console/due?scope=all"),
        ("due for review, mine", "/console/due?scope=mine"),
        ("due for review, editor group", "/console/due?scope=group"),
    ]
    rows: list[list[object]] = []
    with httpx.Client(base_url=url, timeout=120) as client:
        _sign_in(client, token)
        for name, path in pages:
            _timed(client, path)
            times = [_timed(client, path) for _ in range(repeat)]
            p50, p95, most, _mean = summary_ms([t for t, _ in times])
            rows.append([name, repeat, p50, p95, most, times[-1][1] // 1024])
        _save_draft(client, f"faq-b{items // 3 - 1:06d}")  # warm-up: loads the vectors
        saves = [_save_draft(client, f"faq-b{items // 3 + n:06d}") for n in range(repeat)]
        p50, p95, most, _mean = summary_ms(saves)
        rows.append(["save a draft (POST, duplicate check)", repeat, p50, p95, most, 0])
    return rows


def _model_id(wanted: bool) -> str:
    """The bundled encoder's model id ("" without vectors, or if it cannot load here)."""
    if not wanted:
        return ""
    from deskmate.core.search.encoder import shared_encoder

    encoder = shared_encoder()
    if encoder is None:
        print(f"no vectors: the encoder cannot load here ({shared_encoder.problem})")
        return ""
    return encoder.model_id


def main(argv: list[str] | None = None) -> int:
    """Fill, serve, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--versions", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--pg-url", default=DEFAULT_PG)
    parser.add_argument(
        "--vectors",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="give every item a stored vector (the duplicate check by meaning)",
    )
    args = parser.parse_args(argv)
    print(machine_line())
    with tempfile.TemporaryDirectory() as work:
        tmp = Path(work)
        url, schema = scratch_database("postgresql", args.pg_url, tmp, "workbench_pages")
        try:
            db = Database.open(url)
            started = time.perf_counter()
            busiest = populate(db, args.items, args.versions, model_id=_model_id(args.vectors))
            print(f"filled {args.items:,} items / {args.versions:,} versions in "
                  f"{time.perf_counter() - started:.0f} s")  # fmt: skip
            add_user(db, "wang.editor", Role.EDITOR, "kb")
            for owner in OWNERS:
                if owner not in GONE:
                    add_user(db, owner, Role.EDITOR, "kb")
            token = issue_token(db, "owner00")  # an editor who owns a 40th of the items
            db.close()
            server, base = start_server(url, tmp, 1)
            try:
                rows = measure(base, token, busiest, args.items, args.repeat)
            finally:
                server.terminate()
                server.wait(15)
        finally:
            drop_scratch_schema(args.pg_url, schema)
    print_table(["page", "n", "p50 ms", "p95 ms", "max ms", "KiB"], rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
