"""Retrieval quality of Deskmate vs plain jieba BM25 (and FTS5) on the ATEC FAQ set.

Run from the repository root::

    python -m benchmarks.search_quality
    python -m benchmarks.search_quality --limit-queries 500 --engines bm25,fts5
    nice python -m benchmarks.search_quality --engines bm25,deskmate,dense,hybrid

Semantic engines (issue #16): ``dense`` ranks by the bundled encoder's cosine similarity
alone (int8 vectors as the client stores them; ``dense-f16``/``dense-f32`` for
comparison), ``hybrid`` is Deskmate's ``KnowledgeBase.search`` with item vectors (the
fused ranking the app ships); ``--dense-weights 0.5,0.7,0.9`` evaluates the hybrid at
several fusion weights. Vectors are cached in ``--vector-cache`` (see benchmarks/semantic.py):
the first run encodes the 11k questions and 3k queries (minutes), later runs read them.

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
from benchmarks.semantic import DEFAULT_CACHE, DenseEngine, cached_encoder
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
    records: Sequence[dict[str, Any]], data_dir: Path, encoder: Any = None
) -> tuple[Callable[[str, int], list[str]], Callable[[], None], float]:
    """Build a Deskmate knowledge base; return (search, close, build seconds).

    With ``encoder`` (a TextEncoder), items are encoded too and search is hybrid; without,
    the knowledge base has no encoder and search is lexical.
    """
    knowledge_base_cls, item_cls = import_deskmate()
    shutil.rmtree(data_dir, ignore_errors=True)
    start = time.perf_counter()
    kb = knowledge_base_cls.open(data_dir, lambda: encoder)
    kb.upsert([item_cls.from_dict(r) for r in records])
    if encoder is not None:
        kb.semantic.encode_items()
        encoder.save()
    build = time.perf_counter() - start

    def search(text: str, limit: int) -> list[str]:
        return [hit.id for hit in kb.search(text, limit=limit)]

    def close() -> None:
        if encoder is not None:
            encoder.save()
        kb.close()
        shutil.rmtree(data_dir, ignore_errors=True)

    return search, close, build


def run_engine(
    name: str,
    records: Sequence[dict[str, Any]],
    queries: Sequence[dict[str, Any]],
    work_dir: Path,
    pool: bool = False,
    vector_cache: Path = DEFAULT_CACHE,
) -> dict[str, float]:
    """Build one engine over ``records`` and evaluate it on ``queries``."""
    if name in ("deskmate", "hybrid"):
        encoder = cached_encoder(vector_cache) if name == "hybrid" else None
        search, close, build = deskmate_search(records, work_dir / name, encoder)
    elif name.startswith("dense"):
        dense = DenseEngine(cached_encoder(vector_cache), name.partition("-")[2] or "int8")
        start = time.perf_counter()
        dense.build(records)
        build = time.perf_counter() - start
        search, close = dense.search, dense.cleanup
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


def sweep_weights(
    args: argparse.Namespace,
    records: Sequence[dict[str, Any]],
    queries: Sequence[dict[str, Any]],
    work_dir: Path,
) -> dict[str, dict[str, float]]:
    """The hybrid engine, built once, evaluated at each of ``--dense-weights``."""
    from deskmate.core.search import semantic

    encoder = cached_encoder(args.vector_cache)
    search, close, build = deskmate_search(records, work_dir / "hybrid", encoder)
    results = {}
    try:
        for weight in (float(w) for w in args.dense_weights.split(",")):
            semantic.DENSE_WEIGHT = weight
            results[f"hybrid w={weight:g}"] = evaluate(search, queries, args.pool) | {
                "build s": build
            }
    finally:
        close()
    return results


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
        help="comma-separated: deskmate, bm25, fts5, tantivy, dense, dense-f16, dense-f32, hybrid",
    )
    parser.add_argument(
        "--vector-cache",
        type=Path,
        default=DEFAULT_CACHE,
        help="directory of cached vectors (default: %(default)s)",
    )
    parser.add_argument(
        "--dense-weights",
        default="",
        help="hybrid: also evaluate these fusion weights (comma-separated)",
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
                if name == "hybrid" and args.dense_weights:
                    results.update(sweep_weights(args, records, queries, work_dir))
                    continue
                results[name] = run_engine(
                    name, records, queries, work_dir, args.pool, args.vector_cache
                )
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
