"""Reference search engines the benchmarks compare Deskmate against.

All three share one token space: ``rjieba`` words, lower-cased, with whitespace and punctuation
tokens dropped. Queries are the OR of their tokens.

* :class:`Fts5Baseline` — SQLite FTS5 (``unicode61`` over space-joined tokens), ``bm25()``.
* :class:`TantivyBaseline` — tantivy-py, ``whitespace`` tokenizer, BooleanQuery of TermQuery.
* :class:`PlainBm25Baseline` — pure-Python BM25 over title + questions: the quality baseline.

Every engine has ``build(records)``, ``search(text, limit) -> list[id]`` and ``reopen() -> s``.
"""

from __future__ import annotations

import heapq
import math
import shutil
import sqlite3
import tempfile
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import rjieba

#: Column weights (title, questions, body) shared by the FTS5 and tantivy baselines.
WEIGHTS = (3.0, 2.0, 1.0)


@cache
def _jieba() -> Any:
    return rjieba.Jieba()


def _is_word(token: str) -> bool:
    """True unless the token is only whitespace, punctuation or symbols."""
    return any(unicodedata.category(ch)[0] in "LN" for ch in token)


def tokenize(text: str) -> list[str]:
    """Segment ``text`` with rjieba; lower-case; drop whitespace and punctuation tokens."""
    return [tok.lower() for tok in _jieba().cut(text) if _is_word(tok)]


def _fields(record: dict[str, Any]) -> tuple[str, str, str]:
    """Return (title, questions, body) of a record as space-joined token strings."""
    questions = " ".join(record.get("questions") or [])
    return (
        " ".join(tokenize(record["title"])),
        " ".join(tokenize(questions)),
        " ".join(tokenize(record.get("body") or "")),
    )


class Fts5Baseline:
    """SQLite FTS5 over pre-segmented text, ranked by weighted ``bm25()``."""

    name = "fts5"

    def __init__(self, directory: Path | None = None) -> None:
        self._dir = Path(directory or tempfile.mkdtemp(prefix="bench-fts5-"))
        self._dir.mkdir(parents=True, exist_ok=True)
        self.path = self._dir / "fts5.sqlite3"
        self._conn: sqlite3.Connection | None = None

    def build(self, records: Iterable[dict[str, Any]]) -> None:
        """(Re)create the index from ``records``."""
        self.close()
        self.path.unlink(missing_ok=True)
        conn = sqlite3.connect(self.path)
        conn.execute(
            "CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, questions, body, "
            "tokenize = 'unicode61')"
        )
        rows = ((r["id"], *_fields(r)) for r in records)
        with conn:
            conn.executemany("INSERT INTO docs VALUES (?, ?, ?, ?)", rows)
            conn.execute("INSERT INTO docs(docs) VALUES ('optimize')")
        self._conn = conn

    def reopen(self) -> float:
        """Close and reopen the database; return the seconds the open took."""
        self.close()
        start = time.perf_counter()
        self._conn = sqlite3.connect(self.path)
        return time.perf_counter() - start

    def search(self, text: str, limit: int = 10) -> list[str]:
        """Return the ids of the best ``limit`` documents for the OR of the query's tokens."""
        tokens = list(dict.fromkeys(tokenize(text)))
        if not tokens or self._conn is None:
            return []
        match = " OR ".join('"' + tok.replace('"', '""') + '"' for tok in tokens)
        weights = ", ".join(str(w) for w in (0.0, *WEIGHTS))
        sql = f"SELECT id FROM docs WHERE docs MATCH ? ORDER BY bm25(docs, {weights}) LIMIT ?"
        return [row[0] for row in self._conn.execute(sql, (match, limit))]

    def close(self) -> None:
        """Close the connection (the files stay until :meth:`cleanup`)."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def cleanup(self) -> None:
        """Close and delete the index files."""
        self.close()
        shutil.rmtree(self._dir, ignore_errors=True)


class TantivyBaseline:
    """tantivy-py over pre-segmented text (``whitespace`` tokenizer), BM25 with field boosts."""

    name = "tantivy"
    FIELDS = ("title", "questions", "body")

    def __init__(self, directory: Path | None = None) -> None:
        import tantivy  # only needed when this baseline is used

        self._tantivy = tantivy
        self._dir = Path(directory or tempfile.mkdtemp(prefix="bench-tantivy-"))
        builder = tantivy.SchemaBuilder()
        builder.add_text_field("id", stored=True, tokenizer_name="raw")
        for field in self.FIELDS:
            builder.add_text_field(field, stored=False, tokenizer_name="whitespace")
        self._schema = builder.build()
        self._index: Any = None
        self._searcher: Any = None

    def build(self, records: Iterable[dict[str, Any]]) -> None:
        """(Re)create the index from ``records``."""
        shutil.rmtree(self._dir, ignore_errors=True)
        self._dir.mkdir(parents=True)
        index = self._tantivy.Index(self._schema, path=str(self._dir))
        writer = index.writer(heap_size=256_000_000)
        for record in records:
            title, questions, body = _fields(record)
            writer.add_document(
                self._tantivy.Document(id=record["id"], title=title, questions=questions, body=body)
            )
        writer.commit()
        writer.wait_merging_threads()
        index.reload()
        self._index, self._searcher = index, index.searcher()

    def reopen(self) -> float:
        """Drop and reopen the index from disk; return the seconds the open took."""
        self._index = self._searcher = None
        start = time.perf_counter()
        self._index = self._tantivy.Index.open(str(self._dir))
        self._searcher = self._index.searcher()
        return time.perf_counter() - start

    def search(self, text: str, limit: int = 10) -> list[str]:
        """Return the ids of the best ``limit`` documents for the OR of the query's tokens."""
        tokens = list(dict.fromkeys(tokenize(text)))
        if not tokens or self._searcher is None:
            return []
        query_cls, occur = self._tantivy.Query, self._tantivy.Occur
        clauses = [
            (
                occur.Should,
                query_cls.boost_query(query_cls.term_query(self._schema, field, token), weight),
            )
            for token in tokens
            for field, weight in zip(self.FIELDS, WEIGHTS, strict=True)
        ]
        result = self._searcher.search(query_cls.boolean_query(clauses), limit)
        return [self._searcher.doc(address)["id"][0] for _score, address in result.hits]

    def close(self) -> None:
        """Drop the in-memory handles."""
        self._index = self._searcher = None

    def cleanup(self) -> None:
        """Drop the handles and delete the index directory."""
        self.close()
        shutil.rmtree(self._dir, ignore_errors=True)


class PlainBm25Baseline:
    """Plain jieba BM25 (k1=1.2, b=0.75) over title + questions; no stop words or synonyms."""

    name = "bm25"

    def __init__(self, k1: float = 1.2, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self._ids: list[str] = []
        self._postings: dict[str, list[tuple[int, int]]] = {}
        self._lengths: list[int] = []
        self._avg_len = 1.0

    def build(self, records: Iterable[dict[str, Any]]) -> None:
        """Index the title and questions of ``records`` (in memory)."""
        postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        self._ids, self._lengths = [], []
        for doc, record in enumerate(records):
            text = " ".join([record["title"], *(record.get("questions") or [])])
            counts = Counter(tokenize(text))
            for token, tf in counts.items():
                postings[token].append((doc, tf))
            self._ids.append(record["id"])
            self._lengths.append(sum(counts.values()))
        self._postings = dict(postings)
        self._avg_len = (sum(self._lengths) / len(self._lengths)) if self._lengths else 1.0

    def reopen(self) -> float:
        """In-memory engine: nothing to open."""
        return 0.0

    def _idf(self, df: int) -> float:
        n = len(self._ids)
        return math.log(1.0 + (n - df + 0.5) / (df + 0.5))

    def scores(self, tokens: Sequence[str]) -> dict[int, float]:
        """Return BM25 score per document index for the OR of ``tokens``."""
        scores: dict[int, float] = defaultdict(float)
        k1, b, avg = self.k1, self.b, self._avg_len
        for token in dict.fromkeys(tokens):
            posting = self._postings.get(token)
            if not posting:
                continue
            idf = self._idf(len(posting))
            for doc, tf in posting:
                norm = k1 * (1.0 - b + b * self._lengths[doc] / avg)
                scores[doc] += idf * tf * (k1 + 1.0) / (tf + norm)
        return scores

    def search(self, text: str, limit: int = 10) -> list[str]:
        """Return the ids of the best ``limit`` documents (ties broken by corpus order)."""
        scores = self.scores(tokenize(text))
        best = heapq.nsmallest(limit, scores.items(), key=lambda item: (-item[1], item[0]))
        return [self._ids[doc] for doc, _score in best]

    def close(self) -> None:
        """Nothing to close."""

    def cleanup(self) -> None:
        """Free the in-memory index."""
        self._postings, self._ids, self._lengths = {}, [], []


Baseline = Fts5Baseline | TantivyBaseline | PlainBm25Baseline


def make_baseline(name: str, directory: Path | None = None) -> Baseline:
    """Return a fresh baseline engine by name: ``fts5``, ``tantivy`` or ``bm25``."""
    if name == "fts5":
        return Fts5Baseline(directory)
    if name == "tantivy":
        return TantivyBaseline(directory)
    if name == "bm25":
        return PlainBm25Baseline()
    raise ValueError(f"unknown baseline {name!r} (expected fts5, tantivy or bm25)")
