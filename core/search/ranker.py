"""IndexSnapshot: scores a query plan against one open Whoosh searcher, vectorised.

BM25 (k1=1.2, b=0.75) per field, weighted by field and clause, summed, then scaled
by how many of the query's concepts a document covers. Each (field, term)
contribution is computed once per snapshot and cached (LRU), so the terms that
repeat from keystroke to keystroke cost a dictionary lookup; near-universal terms
cost one numpy pass instead of one Python call per posting.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from deskmate.core.search.postings import (
    FloatArray,
    IntArray,
    deleted_mask,
    field_lengths,
    read_postings,
)
from deskmate.core.search.query_plan import QueryPlan
from whoosh.searching import Searcher

log = logging.getLogger(__name__)

K1 = 1.2
B = 0.75
COVERAGE_FLOOR = 0.35  # a document matching one of three concepts keeps 35 % + its share
PREFIX_SCAN_LIMIT = 400
CACHE_POSTINGS_BUDGET = 6_000_000  # cached postings across terms (~48 MB)


@dataclass(frozen=True)
class Ranked:
    """A scored document of the snapshot."""

    docnum: int
    item_id: str
    score: float


class IndexSnapshot:
    """A point-in-time view of the index with caches; one per index generation."""

    def __init__(self, searcher: Searcher, generation: int) -> None:
        self.searcher = searcher
        self.generation = generation
        reader = searcher.reader()
        self._leaves: list[tuple[Any, int]] = list(reader.leaf_readers()) or [(reader, 0)]
        self.size = reader.doc_count_all()
        self._reader = reader
        self._live = (
            ~np.concatenate([deleted_mask(r) for r, _ in self._leaves])
            if self.size
            else np.zeros(0, bool)
        )
        self._lengths: dict[str, FloatArray] = {}
        self._contrib: OrderedDict[tuple[str, str], tuple[IntArray, FloatArray]] = OrderedDict()
        self._cached = 0
        self._prefixes: dict[tuple[str, str], list[tuple[str, int]]] = {}
        self._masks: dict[tuple[str, str], npt.NDArray[np.bool_]] = {}
        self._lock = threading.Lock()

    def close(self) -> None:
        """Close the underlying searcher."""
        self.searcher.close()

    # -- term statistics ------------------------------------------------------------

    def doc_frequency(self, field: str, term: str) -> int:
        """Documents containing ``term`` in ``field``."""
        return int(self._reader.doc_frequency(field, term))

    def expand_prefix(self, field: str, prefix: str) -> list[tuple[str, int]]:
        """Terms of ``field`` starting with ``prefix``, most frequent first (bounded scan)."""
        key = (field, prefix)
        found = self._prefixes.get(key)
        if found is None:
            found = []
            for n, (text, info) in enumerate(self._reader.iter_prefix(field, prefix)):
                if n >= PREFIX_SCAN_LIMIT:
                    break
                term = text.decode("utf-8") if isinstance(text, bytes) else text
                found.append((term, int(info.doc_frequency())))
            found.sort(key=lambda pair: -pair[1])
            self._prefixes[key] = found
        return found

    def fuzzy(self, field: str, term: str) -> list[tuple[str, int]]:
        """Known terms within 1 edit (2 for long words) of ``term``, most frequent first."""
        key = ("~" + field, term)
        found = self._prefixes.get(key)
        if found is None:
            dist = 2 if len(term) >= 8 else 1
            near = self._reader.terms_within(field, term, dist, prefix=1)
            found = sorted(
                ((t, self.doc_frequency(field, t)) for t in near), key=lambda pair: -pair[1]
            )[:5]
            self._prefixes[key] = found
        return found

    # -- scoring ----------------------------------------------------------------------

    def _field_lengths(self, field: str) -> FloatArray:
        lengths = self._lengths.get(field)
        if lengths is None:
            parts = [field_lengths(r, field) for r, _ in self._leaves]
            lengths = np.concatenate(parts) if parts else np.zeros(0, np.float32)
            self._lengths[field] = lengths
        return lengths

    def contribution(self, field: str, term: str) -> tuple[IntArray, FloatArray]:
        """Global docnums and BM25 scores (unweighted) of ``term`` in ``field``."""
        key = (field, term)
        hit = self._contrib.get(key)
        if hit is not None:
            self._contrib.move_to_end(key)
            return hit
        ids_parts, tf_parts = [], []
        for leaf, offset in self._leaves:
            ids, tfs = read_postings(leaf, field, term)
            if ids.size:
                ids_parts.append(ids + offset)
                tf_parts.append(tfs)
        if not ids_parts:
            result = (np.empty(0, np.int32), np.empty(0, np.float32))
        else:
            ids = np.concatenate(ids_parts)
            tfs = np.concatenate(tf_parts)
            df = ids.size
            idf = np.log(1.0 + (self.size - df + 0.5) / (df + 0.5))
            total = self._reader.field_length(field)
            avg = max(total / max(self.size, 1), 1.0)
            norm = K1 * (1.0 - B + B * self._field_lengths(field)[ids] / avg)
            scores = (idf * tfs * (K1 + 1.0) / (tfs + norm)).astype(np.float32)
            result = (ids, scores)
        self._remember(key, result)
        return result

    def _remember(self, key: tuple[str, str], value: tuple[IntArray, FloatArray]) -> None:
        self._contrib[key] = value
        self._cached += value[0].size
        while self._cached > CACHE_POSTINGS_BUDGET and len(self._contrib) > 1:
            _old, (ids, _scores) = self._contrib.popitem(last=False)
            self._cached -= ids.size

    def filter_mask(self, field: str, values: Sequence[str]) -> npt.NDArray[np.bool_]:
        """True for documents whose ``field`` is one of ``values``."""
        mask = np.zeros(self.size, dtype=bool)
        for value in values:
            key = (field, value)
            part = self._masks.get(key)
            if part is None:
                part = np.zeros(self.size, dtype=bool)
                part[self.contribution(field, value)[0]] = True
                self._masks[key] = part
            mask |= part
        return mask

    def ids_where(self, field: str, value: str) -> list[str]:
        """The item ids of live documents whose ``field`` is ``value`` (e.g. every expert)."""
        docnums = np.nonzero(self.filter_mask(field, [value]) & self._live)[0]
        with self._lock:
            return [str(self._reader.stored_fields(int(d))["id"]) for d in docnums]

    def field_values(self, field: str) -> list[str]:
        """The values of a filter field that live documents carry, sorted."""
        with self._lock:
            terms = [str(t) for t in self._reader.field_terms(field)]
        return sorted(t for t in terms if bool((self.filter_mask(field, [t]) & self._live).any()))

    def rank(
        self,
        plan: QueryPlan,
        limit: int,
        mask: npt.NDArray[np.bool_] | None,
        boosts: dict[str, float],
        prefer: tuple[npt.NDArray[np.bool_], float] | None = None,
    ) -> list[Ranked]:
        """The best ``limit`` documents for ``plan`` (thread-safe).

        ``prefer``: documents (a mask) whose scores are raised by a share (the agent's
        language, see ``agent_language``).
        """
        if not plan.clauses or not self.size:
            return []
        with self._lock:
            scores = self._accumulate(plan)
            scores[~self._live] = 0.0
            if mask is not None:
                scores[~mask] = 0.0
            if prefer is not None:
                scores[prefer[0]] *= np.float32(1.0 + prefer[1])
            return self._top(scores, limit, boosts)

    def _accumulate(self, plan: QueryPlan) -> FloatArray:
        """Weighted BM25 sums, scaled by the share of the plan's concepts covered."""
        scores = np.zeros(self.size, dtype=np.float32)
        covered = np.zeros(self.size, dtype=np.float32)
        for group in range(plan.concepts):
            hit = np.zeros(self.size, dtype=bool)
            for clause in (c for c in plan.clauses if c.group == group):
                ids, contrib = self.contribution(clause.field, clause.term)
                if ids.size:
                    scores[ids] += contrib * np.float32(clause.weight)
                    hit[ids] = True
            covered += hit
        share = covered / np.float32(max(plan.concepts, 1))
        scores *= COVERAGE_FLOOR + (1.0 - COVERAGE_FLOOR) * share
        return scores

    def _top(self, scores: FloatArray, limit: int, boosts: dict[str, float]) -> list[Ranked]:
        candidates = np.flatnonzero(scores > 0)
        if not candidates.size:
            return []
        # Take extra candidates so the usage boost can reorder near-ties.
        want = min(candidates.size, limit * 3 if boosts else limit)
        if candidates.size > want:
            part = np.argpartition(-scores[candidates], want - 1)[:want]
            candidates = candidates[part]
        ranked = []
        for docnum in candidates.tolist():
            item_id = self._reader.stored_fields(docnum)["id"]
            score = float(scores[docnum]) * (1.0 + boosts.get(item_id, 0.0))
            ranked.append(Ranked(docnum, item_id, score))
        ranked.sort(key=lambda r: (-r.score, r.item_id))
        return ranked[:limit]
