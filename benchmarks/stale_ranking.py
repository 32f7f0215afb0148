"""Should the sidebar demote stale items? What a demotion factor does to ranking (issue #17).

Run from the repository root::

    python -m benchmarks.stale_ranking --eval-dir ../shared/eval/atec --limit-queries 2000

The ATEC FAQs are indexed as in benchmarks/search_quality.py; a fixed 30 % of them (by a
hash of the id) are taken as *stale* (not verified within their interval). For every
query the top 20 hits are re-scored with ``score × factor`` for stale items and re-sorted,
for several factors. Reported per factor:

* ``near-tie stale>fresh``: of the pairs of hits in the top 10 whose scores differ by at
  most 2 % (equal relevance, for ranking purposes), the share where a stale item is
  ranked above a fresh one — what a demotion is meant to fix (≈ 50 % without one);
* MRR@10 and recall@1 over all queries, over queries whose relevant item is fresh, and
  over those whose relevant item is stale — what a demotion costs when the right answer
  is the stale one (an agent then has to scroll for the only answer there is).
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.corpus import load_atec_queries, require_eval_dir
from benchmarks.search_quality import atec_records
from benchmarks.system import import_deskmate, machine_line, print_table, setup_logging

FACTORS = (1.0, 0.99, 0.97, 0.95, 0.9, 0.8)
STALE_SHARE = 0.3
TIE = 0.02
DEPTH = 20


def is_stale(item_id: str) -> bool:
    """A fixed pseudo-random 30 % of the items."""
    digest = hashlib.sha256(item_id.encode("utf-8")).digest()
    return digest[0] < 256 * STALE_SHARE


def _demoted(hits: list[tuple[str, float]], factor: float) -> list[tuple[str, float]]:
    scored = [(i, s * factor if is_stale(i) else s) for i, s in hits]
    return sorted(scored, key=lambda pair: -pair[1])


def _near_ties(hits: list[tuple[str, float]], ranked: list[tuple[str, float]]) -> tuple[int, int]:
    """Pairs of the top 10 of equal relevance (original scores within 2 %), one stale and
    one fresh: (how many, how many the ``ranked`` order puts stale above fresh)."""
    position = {item_id: n for n, (item_id, _s) in enumerate(ranked)}
    pairs = above = 0
    top = hits[:10]
    for a in range(len(top)):
        for b in range(a + 1, len(top)):
            (ia, sa), (ib, sb) = top[a], top[b]
            if is_stale(ia) == is_stale(ib) or abs(sa - sb) > TIE * max(sa, sb, 1e-9):
                continue
            stale, fresh = (ia, ib) if is_stale(ia) else (ib, ia)
            pairs += 1
            above += position[stale] < position[fresh]
    return pairs, above


def _scored_search(
    records: Sequence[dict[str, Any]], data_dir: Path
) -> tuple[Callable[[str, int], list[tuple[str, float]]], Callable[[], None]]:
    knowledge_base_cls, item_cls = import_deskmate()
    kb = knowledge_base_cls.open(data_dir)
    kb.upsert([item_cls.from_dict(r) for r in records])

    def search(text: str, limit: int) -> list[tuple[str, float]]:
        return [(hit.id, hit.score) for hit in kb.search(text, limit=limit)]

    return search, kb.close


def main(argv: Sequence[str] | None = None) -> None:
    """Print the table of factors."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--eval-dir", default=None)
    parser.add_argument("--limit-queries", type=int, default=2000)
    args = parser.parse_args(argv)
    setup_logging()
    eval_dir = require_eval_dir(args.eval_dir)
    records = atec_records(eval_dir)
    queries = load_atec_queries(eval_dir)[: args.limit_queries]
    with tempfile.TemporaryDirectory() as work:
        search, close = _scored_search(records, Path(work) / "kb")
        try:
            results = [(q, search(q["query"], DEPTH)) for q in queries]
        finally:
            close()
    rows = []
    for factor in FACTORS:
        pairs = above = 0
        sums = {"all": [0.0, 0.0, 0], "fresh": [0.0, 0.0, 0], "stale": [0.0, 0.0, 0]}
        for query, hits in results:
            ranked = _demoted(hits, factor)
            p, a = _near_ties(hits, ranked)
            pairs, above = pairs + p, above + a
            relevant = set(query["relevant"])
            ids = [i for i, _s in ranked[:10]]
            rank = next((n for n, i in enumerate(ids, 1) if i in relevant), None)
            group = "stale" if all(is_stale(r) for r in relevant) else "fresh"
            for key in ("all", group):
                sums[key][0] += 1 / rank if rank else 0.0
                sums[key][1] += 1.0 if rank == 1 else 0.0
                sums[key][2] += 1
        row: dict[str, float | str] = {
            "factor": f"{factor:.2f}",
            "near-tie stale>fresh": above / max(1, pairs),
            "near-tie pairs": float(pairs),
        }
        for key, (mrr, r1, n) in sums.items():
            row[f"MRR {key}"] = mrr / max(1, n)
            row[f"R@1 {key}"] = r1 / max(1, n)
        rows.append(row)
    print(machine_line())
    print(f"{len(records)} items ({STALE_SHARE:.0%} stale), {len(queries)} queries")
    headers = list(rows[0])
    print_table(headers, [[r[h] for h in headers] for r in rows], digits=3)


if __name__ == "__main__":
    main()
