"""Retrieval quality of Deskmate vs plain jieba BM25 (and FTS5) on the ATEC FAQ set.

Run from the repository root::

    python -m benchmarks.search_quality
    python -m benchmarks.search_quality --limit-queries 500 --engines bm25,fts5

Every ATEC FAQ is indexed as an faq item (title = the question, empty body, nothing else);
every query is run with limit 10. Reported: recall@1, recall@5, recall@10, MRR@10 and
recall@5 relative to the plain BM25 baseline. ATEC relevance labels are sparse, so absolute
numbers are a lower bound; compare engines against each other (see the eval set's SOURCE.md).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from benchmarks.baselines import make_baseline
from benchmarks.corpus import UPDATED_AT, load_atec_faqs, load_atec_queries, require_eval_dir
from benchmarks.system import import_deskmate, machine_line, print_table, setup_logging

KS = (1, 5, 10)
DEPTH = 10
POOL_KS = (20, 50, 200)  # --pool: how deep the relevant item lies when it is not near the top


def atec_records(eval_dir: Path) -> list[dict[str, Any]]:
    """Return the ATEC FAQs as minimal faq items (title = question, empty body)."""
    return [
        {
            "id": faq["id"],
            "kind": "faq",
            "title": faq["question"],
            "body": "",
            "tags": [],
            "skills": [],
            "language": "zh",
            "updated_at": UPDATED_AT,
            "version": 1,
            "questions": [],
        }
        for faq in load_atec_faqs(eval_dir)
    ]


def evaluate(
    search: Callable[[str, int], list[str]], queries: Sequence[dict[str, Any]], pool: bool = False
) -> dict[str, float]:
    """Return mean recall@k (|relevant in top k| / |relevant|), MRR@10 and ms per query.

    With ``pool``, each query asks for ``max(POOL_KS)`` results and recall at those
    depths is added (ms/query then includes the longer result lists).
    """
    ks = (*KS, *POOL_KS) if pool else KS
    recall = dict.fromkeys(ks, 0.0)
    mrr = 0.0
    start = time.perf_counter()
    for query in queries:
        ranked = search(query["query"], max(ks))
        relevant = set(query["relevant"])
        for k in ks:
            recall[k] += len(relevant.intersection(ranked[:k])) / len(relevant)
        rank = next((i for i, doc in enumerate(ranked[:DEPTH], 1) if doc in relevant), None)
        mrr += 1.0 / rank if rank else 0.0
    elapsed = time.perf_counter() - start
    n = max(1, len(queries))
    result = {f"recall@{k}": recall[k] / n for k in ks}
    result["MRR@10"] = mrr / n
    result["ms/query"] = 1000.0 * elapsed / n
    return result


def deskmate_search(
    records: Sequence[dict[str, Any]], data_dir: Path
) -> tuple[Callable[[str, int], list[str]], Callable[[], None], float]:
    """Build a Deskmate knowledge base; return (search, close, build seconds)."""
    knowledge_base_cls, item_cls = import_deskmate()
    shutil.rmtree(data_dir, ignore_errors=True)
    start = time.perf_counter()
    kb = knowledge_base_cls.open(data_dir)
    kb.upsert([item_cls.from_dict(r) for r in records])
    build = time.perf_counter() - start

    def search(text: str, limit: int) -> list[str]:
        return [hit.id for hit in kb.search(text, limit=limit)]

    def close() -> None:
        kb.close()
        shutil.rmtree(data_dir, ignore_errors=True)

    return search, close, build


def run_engine(
    name: str,
    records: Sequence[dict[str, Any]],
    queries: Sequence[dict[str, Any]],
    work_dir: Path,
    pool: bool = False,
) -> dict[str, float]:
    """Build one engine over ``records`` and evaluate it on ``queries``."""
    if name == "deskmate":
        search, close, build = deskmate_search(records, work_dir / "deskmate")
    else:
        engine = make_baseline(name, work_dir / name)
        start = time.perf_counter()
        engine.build(records)
        build = time.perf_counter() - start
        search, close = engine.search, engine.cleanup
    try:
        result = evaluate(search, queries, pool)
    finally:
        close()
    result["build s"] = build
    return result


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--eval-dir",
        type=Path,
        default=None,
        help="ATEC eval directory (default ../shared/eval/atec from the repo)",
    )
    parser.add_argument(
        "--limit-queries", type=int, default=None, help="use only the first N queries"
    )
    parser.add_argument(
        "--engines",
        default="deskmate,bm25,fts5",
        help="comma-separated: deskmate, bm25, fts5, tantivy",
    )
    parser.add_argument(
        "--pool",
        action="store_true",
        help=f"also report recall at depths {', '.join(map(str, POOL_KS))}",
    )
    args = parser.parse_args(argv)
    setup_logging()
    eval_dir = require_eval_dir(args.eval_dir)
    records = atec_records(eval_dir)
    queries = load_atec_queries(eval_dir)[: args.limit_queries]
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    print(machine_line())
    print(f"ATEC: {len(records)} FAQs, {len(queries)} queries; engines: {', '.join(engines)}")
    results: dict[str, dict[str, float]] = {}
    work_dir = Path(tempfile.mkdtemp(prefix="deskmate-quality-"))
    try:
        for name in engines:
            try:
                results[name] = run_engine(name, records, queries, work_dir, args.pool)
            except Exception as exc:
                print(f"!! {name} failed: {type(exc).__name__}: {exc}")
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)
    base = results.get("bm25", {}).get("recall@5")
    ks = (*KS, *POOL_KS) if args.pool else KS
    columns = [*(f"recall@{k}" for k in ks), "MRR@10", "ms/query", "build s"]
    rows = [
        [name, *(result[c] for c in columns), result["recall@5"] / base if base else float("nan")]
        for name, result in results.items()
    ]
    print_table(
        ["engine", *columns, "R@5 / bm25"],
        rows,
        digits=4,
        title=f"search quality on ATEC (limit={DEPTH})",
    )


if __name__ == "__main__":
    main()
