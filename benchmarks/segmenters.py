"""Segmentation throughput: jieba (pure Python) vs rjieba (jieba-rs), plus dictionary load time.

Run from the repository root::

    python -m benchmarks.segmenters
    python -m benchmarks.segmenters --repeat 5

Texts: the ATEC FAQ questions and queries (if the eval set is present) and the sample pack
FAQ/script bodies. Throughput is in millions of characters per second, best of ``--repeat``.
The agreement column is the share of texts both segmenters cut identically.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from benchmarks.corpus import load_atec_faqs, load_atec_queries, load_sample_pack, resolve_eval_dir
from benchmarks.system import machine_line, print_table, setup_logging


def load_jieba() -> tuple[Callable[[str], list[str]], float]:
    """Return (cut function, dictionary load seconds) for pure-Python jieba."""
    import jieba

    jieba.setLogLevel(60)
    start = time.perf_counter()
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer.lcut, time.perf_counter() - start


def load_rjieba() -> tuple[Callable[[str], list[str]], float]:
    """Return (cut function, dictionary load seconds) for rjieba."""
    import rjieba

    start = time.perf_counter()
    segmenter = rjieba.Jieba()
    return segmenter.cut, time.perf_counter() - start


def throughput(cut: Callable[[str], Any], texts: Sequence[str], repeat: int) -> float:
    """Best-of-``repeat`` throughput of ``cut`` over ``texts`` in Mchar/s."""
    chars = sum(len(t) for t in texts)
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for text in texts:
            cut(text)
        best = min(best, time.perf_counter() - start)
    return chars / best / 1e6 if best > 0 else float("nan")


def text_sets(eval_dir: Path | None) -> dict[str, list[str]]:
    """Return the named text sets to segment (ATEC ones only if the eval set is present)."""
    sets: dict[str, list[str]] = {}
    if eval_dir is not None:
        sets["atec questions"] = [f["question"] for f in load_atec_faqs(eval_dir)]
        sets["atec queries"] = [q["query"] for q in load_atec_queries(eval_dir)]
    pack = load_sample_pack()
    sets["sample pack bodies"] = [r["body"] for r in pack if r.get("body")]
    return {name: texts for name, texts in sets.items() if texts}


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--eval-dir",
        type=Path,
        default=None,
        help="ATEC eval directory (default ../shared/eval/atec from the repo)",
    )
    parser.add_argument("--repeat", type=int, default=3, help="passes per measurement (best)")
    args = parser.parse_args(argv)
    setup_logging()
    eval_dir = resolve_eval_dir(args.eval_dir)
    print(machine_line())
    if eval_dir is None:
        print("note: ATEC eval data not found (pass --eval-dir); measuring sample pack only")
    jieba_cut, jieba_load = load_jieba()
    rjieba_cut, rjieba_load = load_rjieba()
    print_table(
        ["segmenter", "dictionary load s"],
        [["jieba", jieba_load], ["rjieba", rjieba_load]],
        digits=3,
        title="dictionary load (jieba may use its cached model in the temp dir)",
    )
    rows = []
    for name, texts in text_sets(eval_dir).items():
        chars = sum(len(t) for t in texts)
        slow = throughput(jieba_cut, texts, args.repeat)
        fast = throughput(rjieba_cut, texts, args.repeat)
        same = sum(jieba_cut(t) == rjieba_cut(t) for t in texts) / len(texts)
        rows.append([name, len(texts), chars, slow, fast, fast / slow, f"{same:.1%}"])
    print_table(
        [
            "text set",
            "texts",
            "chars",
            "jieba Mchar/s",
            "rjieba Mchar/s",
            "speed-up",
            "identical cuts",
        ],
        rows,
        digits=3,
        title=f"segmentation throughput (default mode, HMM on, best of {args.repeat})",
    )


if __name__ == "__main__":
    main()
