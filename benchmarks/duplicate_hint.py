"""When should the editor's "this looks like an existing article" hint fire? (issue #16)

Run from the repository root::

    nice python -m benchmarks.duplicate_hint
    nice python -m benchmarks.duplicate_hint --eval-dir /path/to/atec --limit-queries 1000

Each labelled ATEC query plays a draft an editor is about to save (or a gap topic's
label), the 11k FAQs the published articles. Two cases per query:

* **positive**: every FAQ is published, the query's labelled FAQ among them: the hint
  should name it (among the at most five it shows);
* **negative**: the labelled FAQ is removed: the hint should stay quiet (anything it
  names is a false alarm, as far as the labels tell; ATEC labels are sparse, so some
  "false alarms" are real paraphrases and precision is a lower bound).

Per rule and threshold: *recall* (positives whose FAQ is named), *fire pos* / *fire neg*
(how often the hint shows at all), *precision* = named / all firings over both
cases (a world where half the drafts duplicate an article) and *prec. pos* = named /
firings on positives (every draft a duplicate: does the hint name the right one?). Rules: ``dice`` (character
bigram Dice of the texts, today's lexical hint), ``cos`` (cosine of the e5 vectors, the
FAQs int8 as the server stores them), ``both`` (the union the server shows: Dice at its
threshold, or cosine), and ``cos+margin`` (cosine, and the best item at least ``m``
above the sixth best: a hint only when one item stands out of the crowd).

Vectors come from ``--vector-cache`` (benchmarks/semantic.py); the first run encodes the
14k texts (minutes), later runs read them. The eval data is read at run time only.
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.corpus import load_atec_queries, require_eval_dir
from benchmarks.search_quality import atec_records
from benchmarks.semantic import DEFAULT_CACHE, DenseEngine, cached_encoder
from benchmarks.system import machine_line, print_table, setup_logging

#: How many items the hint names at most (as the server).
SHOWN = 5
DICE_THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.9)
COS_THRESHOLDS = (0.9, 0.95, 0.96, 0.97, 0.98)
MARGINS = (0.01, 0.015, 0.02, 0.025, 0.03, 0.04)


def dice_matrix(queries: Sequence[str], titles: Sequence[str]) -> np.ndarray:
    """Dice of character bigrams, every query × every title (the server's ``dice``)."""
    from deskmate.server.workbench.similar import bigrams

    title_grams = [bigrams(t) for t in titles]
    postings: dict[str, list[int]] = defaultdict(list)
    for at, grams in enumerate(title_grams):
        for gram in grams:
            postings[gram].append(at)
    sizes = np.array([len(g) for g in title_grams], np.float32)
    out = np.zeros((len(queries), len(titles)), np.float32)
    for row, query in enumerate(queries):
        grams = bigrams(query)
        hits = [np.asarray(postings[g], np.int64) for g in grams if g in postings]
        if not grams or not hits:
            continue
        shared = np.bincount(np.concatenate(hits), minlength=len(titles)).astype(np.float32)
        out[row] = 2 * shared / (len(grams) + np.maximum(sizes, 1))
    return out


def top_lists(scores: np.ndarray, depth: int) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the ``depth`` best columns and their scores, best first."""
    top = np.argpartition(-scores, depth, axis=1)[:, :depth]
    order = np.argsort(-np.take_along_axis(scores, top, axis=1), axis=1)
    top = np.take_along_axis(top, order, axis=1)
    return top, np.take_along_axis(scores, top, axis=1)


def named(
    top: np.ndarray, best: np.ndarray, target: int, threshold: float, margin: float | None
) -> tuple[bool, bool]:
    """(fires, names target) for one case: ``top``/``best`` already without removed items."""
    if margin is not None and best[0] - best[SHOWN] < margin:
        return False, False
    shown = [int(i) for i, s in zip(top[:SHOWN], best[:SHOWN], strict=True) if s >= threshold]
    return bool(shown), target in shown


def evaluate(
    lists: dict[str, tuple[np.ndarray, np.ndarray]],
    targets: Sequence[int],
    rule: tuple[tuple[str, float], ...],
    margin: float | None = None,
) -> dict[str, float]:
    """Recall, firing rates and precision of a rule: any of ``(signal, threshold)`` fires."""
    hits = fires_pos = fires_neg = 0
    for q, target in enumerate(targets):
        pos_fire = neg_fire = pos_hit = False
        for signal, threshold in rule:
            top, best = lists[signal]
            f, h = named(top[q], best[q], target, threshold, margin)
            keep = top[q] != target
            fn, _ = named(top[q][keep], best[q][keep], target, threshold, margin)
            pos_fire, pos_hit, neg_fire = pos_fire or f, pos_hit or h, neg_fire or fn
        hits += pos_hit
        fires_pos += pos_fire
        fires_neg += neg_fire
    n = len(targets)
    firings = fires_pos + fires_neg
    return {
        "recall": hits / n,
        "fire pos": fires_pos / n,
        "fire neg": fires_neg / n,
        "precision": hits / firings if firings else float("nan"),
        "prec. pos": hits / fires_pos if fires_pos else float("nan"),
    }


def auc(higher: np.ndarray, lower: np.ndarray) -> float:
    """The probability that a value of ``higher`` exceeds one of ``lower`` (ties: half)."""
    both = np.concatenate([higher, lower])
    ranks = both.argsort().argsort().astype(np.float64) + 1
    wins = ranks[: len(higher)].sum() - len(higher) * (len(higher) + 1) / 2
    return float(wins / (len(higher) * len(lower)))


def separation(scores: np.ndarray, targets: Sequence[int]) -> list[list[Any]]:
    """How well each cosine feature tells a duplicate from a non-duplicate (AUC).

    Duplicates: the queries whose labelled FAQ ranks first; non-duplicates: every query
    with its FAQ removed. Features: the top-1 cosine, and its margin over the 2nd, 6th
    and 20th best, and its z-score over the next 50.
    """
    top, best = top_lists(scores, 52)
    target = np.asarray(targets)
    first = top[:, 0] == target
    kept = np.array([b[t != g][:51] for t, b, g in zip(top, best, target, strict=True)])

    def features(b: np.ndarray) -> dict[str, np.ndarray]:
        rest = b[:, 1:51]
        return {
            "top-1 cosine": b[:, 0],
            "top-1 - 2nd": b[:, 0] - b[:, 1],
            "top-1 - 6th": b[:, 0] - b[:, 5],
            "top-1 - 20th": b[:, 0] - b[:, 19],
            "z over next 50": (b[:, 0] - rest.mean(1)) / rest.std(1),
        }

    dup, other = features(best[first]), features(kept)
    return [[name, auc(dup[name], other[name])] for name in dup]


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--eval-dir", type=Path, default=None, help="ATEC eval directory")
    parser.add_argument("--limit-queries", type=int, default=None, help="the first N queries")
    parser.add_argument("--vector-cache", type=Path, default=DEFAULT_CACHE)
    args = parser.parse_args(argv)
    setup_logging()
    eval_dir = require_eval_dir(args.eval_dir)
    records = atec_records(eval_dir)
    position = {r["id"]: at for at, r in enumerate(records)}
    labelled = [
        q
        for q in load_atec_queries(eval_dir)[: args.limit_queries]
        if len(q["relevant"]) == 1 and q["relevant"][0] in position
    ]
    print(machine_line())
    print(f"ATEC: {len(records)} FAQs, {len(labelled)} queries with one labelled FAQ")
    dense = DenseEngine(cached_encoder(args.vector_cache), "int8")
    dense.build(records)
    texts = [q["query"] for q in labelled]
    vectors = np.concatenate(
        [dense.encoder.encode(texts[i : i + 64]) for i in range(0, len(texts), 64)]
    )
    dense.encoder.save()
    depth = SHOWN + 2  # one more than shown, plus the removed target
    lists = {
        "cos": top_lists(vectors @ dense.matrix.T, depth),
        "dice": top_lists(dice_matrix(texts, [r["title"] for r in records]), depth),
    }
    targets = [position[q["relevant"][0]] for q in labelled]
    rows: list[list[Any]] = []
    for t in DICE_THRESHOLDS:
        rows.append(["dice", f">= {t:g}", *evaluate(lists, targets, (("dice", t),)).values()])
    for t in COS_THRESHOLDS:
        rows.append(["cos", f">= {t:g}", *evaluate(lists, targets, (("cos", t),)).values()])
    for t in COS_THRESHOLDS:
        rule = (("dice", 0.6), ("cos", t))
        rows.append(["both", f"dice 0.6 | cos {t:g}", *evaluate(lists, targets, rule).values()])
    for m in MARGINS:
        for t in (0.9, 0.95, 0.965):
            result = evaluate(lists, targets, (("cos", t),), margin=m)
            rows.append(["cos+margin", f"cos {t:g}, m {m:g}", *result.values()])
    print_table(
        ["feature", "AUC"],
        separation(vectors @ dense.matrix.T, targets),
        digits=3,
        title="duplicate (its FAQ ranks first) vs not (its FAQ removed): AUC of each feature",
    )
    print_table(
        ["rule", "threshold", "recall", "fire pos", "fire neg", "precision", "prec. pos"],
        rows,
        digits=3,
        title="duplicate hint on ATEC (query = draft, labelled FAQ in / removed)",
    )


if __name__ == "__main__":
    main()
