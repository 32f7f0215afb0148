"""Full index build time, analysis pipelined in a worker process vs all in one process.

Run from the repository root::

    python -m benchmarks.index_build --size 100000 --repeat 3

The corpus is written to a fresh store once; then ``KnowledgeBase.rebuild_index`` runs
``--repeat`` times per mode, interleaved (in-process, pipelined, in-process, ...) so that
other load on the machine hits both modes alike. Prints each run and a summary with p50
and the ratio pipelined / in-process. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.corpus import build_corpus, resolve_eval_dir
from benchmarks.system import (
    import_deskmate,
    machine_line,
    print_table,
    setup_logging,
    summary_ms,
)

MODES = {"in-process": False, "pipelined": True}


def open_store(directory: Path, size: int, eval_dir: Path | None, seed: int) -> Any:
    """A KnowledgeBase over a store holding the corpus, without building its index."""
    knowledge_base_cls, item_cls = import_deskmate()
    from deskmate.core.store.database import DB_FILE
    from deskmate.core.store.item_store import ItemStore

    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    records = build_corpus(size, eval_dir, seed=seed)
    store = ItemStore(directory / DB_FILE)
    store.write(item_cls.from_dict(r) for r in records)
    # The constructor does not touch the index (open() would build it once more).
    return knowledge_base_cls(directory, store)


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000, help="items (default 100000)")
    parser.add_argument("--repeat", type=int, default=3, help="builds per mode (default 3)")
    parser.add_argument(
        "--eval-dir",
        type=Path,
        default=None,
        help="ATEC eval directory (default ../shared/eval/atec; the sample pack alone when absent)",
    )
    parser.add_argument(
        "--data-root", type=Path, default=Path(tempfile.gettempdir()) / "deskmate-bench"
    )
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    setup_logging()
    print(machine_line())
    kb = open_store(
        args.data_root / f"index-build-{args.size}",
        args.size,
        resolve_eval_dir(args.eval_dir),
        args.seed,
    )
    runs: dict[str, list[float]] = {mode: [] for mode in MODES}
    rows = []
    try:
        for i in range(args.repeat):
            for mode, pipelined in MODES.items():
                wall, cpu = time.perf_counter(), time.process_time()
                count = kb.rebuild_index(pipeline=pipelined)
                wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
                runs[mode].append(wall)
                rows.append([i + 1, mode, count, wall, cpu])
                print(f"... run {i + 1} {mode}: {wall:.1f} s", file=sys.stderr, flush=True)
    finally:
        kb.close()
        shutil.rmtree(args.data_root / f"index-build-{args.size}", ignore_errors=True)
    print_table(
        ["run", "mode", "docs", "wall s", "main-process CPU s"],
        rows,
        title=f"[{args.size} items] full index builds, interleaved",
    )
    summary = []
    for mode, values in runs.items():
        p50, _p95, worst, _mean = summary_ms(values)
        summary.append([mode, len(values), p50 / 1000, min(values), worst / 1000])
    print_table(["mode", "n", "p50 s", "min s", "max s"], summary, title="summary")
    ratio = summary[1][2] / summary[0][2]
    print(f"\npipelined / in-process (p50): {ratio:.2f}")


if __name__ == "__main__":
    main()
