"""QueryPlanner: turns what an agent typed into weighted (field, term) clauses.

A plan is a list of :class:`Clause` grouped by *concept* (one typed word with its
synonyms and prefix completions); the ranker rewards documents that cover more
concepts. Near-universal function words never get here (stop words), and the last
word is treated as a prefix while the agent is still typing it.
"""

from __future__ import annotations

import functools
import re
import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from deskmate.core.search.analysis import (
    STOPWORDS_EN,
    Segmenter,
    _token,
    han_bigrams,
    is_han,
    normalize,
    terms,
)
from deskmate.core.search.documents import FIELD_WEIGHTS, LATIN_FIELD, TEXT_FIELDS
from deskmate.core.search.synonyms import SynonymTable

SYNONYM_FACTOR = 0.8
PREFIX_FACTOR = 0.85
FUZZY_FACTOR = 0.6
TRANSPOSE_MIN = 5  # shorter words have too many swapped neighbours that are words
_PINYIN_QUERY = re.compile(r"[a-z' ]+")


@dataclass(frozen=True)
class Clause:
    """Search ``term`` in ``field`` with ``weight``; ``group`` is the concept it serves."""

    field: str
    term: str
    weight: float
    group: int


@dataclass
class QueryPlan:
    """Clauses plus what to highlight and how many concepts the query has."""

    clauses: list[Clause] = field(default_factory=list)
    concepts: int = 0
    highlight: list[str] = field(default_factory=list)

    def add_concept(self) -> int:
        """Start a new concept and return its group number."""
        self.concepts += 1
        return self.concepts - 1


# (field, prefix) -> [(term, doc_frequency)] best first; provided by the index snapshot.
PrefixExpander = Callable[[str, str], list[tuple[str, int]]]
# (field, term) -> [(term, doc_frequency)] within a small edit distance.
FuzzyExpander = Callable[[str, str], list[tuple[str, int]]]
DocFrequency = Callable[[str, str], int]


class QueryPlanner:
    """Builds query plans from text with the index's analysis and the pack's synonyms."""

    def __init__(self, segmenter: Segmenter, synonyms: SynonymTable) -> None:
        self._segmenter = segmenter
        self._synonym_table = synonyms
        # Analysed on first use: that loads the segmenter's dictionary (~0.2 s), which the
        # sidebar wants in a search job, not on the GUI thread that opens the knowledge base.
        self._analysed: dict[str, list[str]] | None = None
        self._lock = threading.Lock()

    @property
    def _synonyms(self) -> dict[str, list[str]]:
        with self._lock:
            if self._analysed is None:
                analysed_groups: dict[str, list[str]] = {}
                for group in self._synonym_table.groups:
                    analysed = [" ".join(terms(self._segmenter, w)) for w in group]
                    for word in analysed:
                        analysed_groups.setdefault(word, []).extend(
                            w for w in analysed if w and w != word and " " not in w
                        )
                self._analysed = analysed_groups
            return self._analysed

    def plan(
        self, text: str, prefix: PrefixExpander, fuzzy: FuzzyExpander, df: DocFrequency
    ) -> QueryPlan:
        """Plan the query ``text`` (see the module docstring)."""
        plan = QueryPlan()
        norm = normalize(text).strip()
        if not norm:
            return plan
        typing = not unicodedata.category(text[-1]).startswith(("Z", "P"))
        words = terms(self._segmenter, norm)
        if not words:  # only stop words: search them rather than nothing
            words = [w for w in self._segmenter.words(norm) if w.strip()]
        last_raw = self._last_word(norm) if typing else None
        unique = list(dict.fromkeys(words))
        for i, word in enumerate(unique):
            group = plan.add_concept()
            self._add_word(plan, word, group, fuzzy, df)
            if i == len(unique) - 1 and last_raw:
                self._add_prefix(plan, last_raw, group, prefix)
        self._add_bigrams(plan, norm)
        self._add_pinyin(plan, norm, prefix, df)
        return plan

    def _last_word(self, norm: str) -> str | None:
        pieces = [w for w in self._segmenter.plain_words(norm) if w.strip()]
        return pieces[-1] if pieces else None

    def _add_word(
        self, plan: QueryPlan, word: str, group: int, fuzzy: FuzzyExpander, df: DocFrequency
    ) -> None:
        plan.highlight.append(word)
        for name in TEXT_FIELDS:
            plan.clauses.append(Clause(name, word, FIELD_WEIGHTS[name], group))
            for alt in self._synonyms.get(word, []):
                plan.clauses.append(Clause(name, alt, FIELD_WEIGHTS[name] * SYNONYM_FACTOR, group))
        # A text that matched through a synonym shows the synonym highlighted.
        plan.highlight.extend(self._synonyms.get(word, []))
        looks_english = re.search("[aeiouy]", word) is not None and word.isalpha()
        if looks_english and len(word) >= 4 and not df(LATIN_FIELD, word):
            # An unknown Latin word: probably a typo. Try the closest known terms: swapped
            # neighbours first (iphnoe -> iphone, edit distance 2 for Levenshtein), then
            # those within the edit distance.
            swapped = [(t, df(LATIN_FIELD, t)) for t in transpositions(word)]
            near_terms = [pair for pair in swapped if pair[1]] + fuzzy(LATIN_FIELD, word)
            for near, _freq in list(dict(near_terms).items())[:3]:
                plan.highlight.append(near)
                for name in ("title", "questions", "body"):
                    plan.clauses.append(
                        Clause(name, near, FIELD_WEIGHTS[name] * FUZZY_FACTOR, group)
                    )

    def _add_prefix(self, plan: QueryPlan, raw: str, group: int, prefix: PrefixExpander) -> None:
        stem_or_word = _token(raw)
        start = raw if is_han(raw) else raw.lower()
        if stem_or_word is None and not is_han(raw) and len(raw) < 2:
            return
        for name in ("title", "questions", "tags", "body"):
            for term, _freq in prefix(name, start)[:8]:
                if term == stem_or_word:
                    continue
                plan.highlight.append(term)
                weight = FIELD_WEIGHTS[name] * PREFIX_FACTOR
                plan.clauses.append(Clause(name, term, weight, group))

    def _add_bigrams(self, plan: QueryPlan, norm: str) -> None:
        grams = list(dict.fromkeys(han_bigrams(norm)))
        if len(grams) < 2:
            return
        group = plan.add_concept()
        for gram in grams:
            plan.clauses.append(Clause("grams", gram, FIELD_WEIGHTS["grams"], group))

    def _add_pinyin(
        self, plan: QueryPlan, norm: str, prefix: PrefixExpander, df: DocFrequency
    ) -> None:
        if not _PINYIN_QUERY.fullmatch(norm) or self._reads_as_english(norm, prefix, df):
            return
        letters = re.sub(r"[^a-z]", "", norm)
        if len(letters) < 2:
            return
        # Initials are typed as one run (hbhk); across spaces they would turn English words
        # into strings of unrelated two-letter keys.
        styles = (("py_full", 8), ("py_init", 4)) if " " not in norm else (("py_full", 8),)
        for field_name, longest in styles:
            pieces = split_pinyin(
                letters,
                longest,
                functools.partial(_known, df, field_name),
                functools.partial(_starts_known, prefix, field_name),
            )
            if pieces is not None:
                break
        else:
            return
        weight = FIELD_WEIGHTS[field_name]
        for n, piece in enumerate(pieces):
            group = plan.add_concept()
            plan.clauses.append(Clause(field_name, piece, weight, group))
            if n == len(pieces) - 1:
                for term, _freq in prefix(field_name, piece)[:8]:
                    if term != piece:
                        plan.clauses.append(Clause(field_name, term, weight * PREFIX_FACTOR, group))

    @staticmethod
    def _reads_as_english(norm: str, prefix: PrefixExpander, df: DocFrequency) -> bool:
        """Whether letters typed as several words are English words the index knows.

        ``track my parcel`` is three known English words (stop words aside), not pinyin: its
        letters would otherwise also be split into initials (tr, ac, km...) and match
        unrelated Chinese titles. One word alone stays open to both readings (``huabei``).
        """
        words = [w for w in norm.replace("'", " ").split() if w not in STOPWORDS_EN]
        if len(words) < 2:
            return False
        *done, last = words
        for word in done:
            term = _token(word)
            if term is None or not df(LATIN_FIELD, term):
                return False
        # The last word may be complete (its stem is known) or still being typed.
        stem = _token(last)
        return bool(stem and df(LATIN_FIELD, stem)) or bool(prefix(LATIN_FIELD, last))


def transpositions(word: str, shortest: int = TRANSPOSE_MIN) -> list[str]:
    """``word`` with each pair of neighbouring letters swapped (words of ``shortest``+ letters).

    Typing fast swaps two keys (iphnoe, recieve); Levenshtein counts that as two edits,
    too many to allow for short words, so swaps are tried as their own edit. Index terms
    are stems, and stemming only touches the end of a word, so swapping within the stem
    (``iphno`` -> ``iphon``) finds the stem of the intended word.
    """
    if len(word) < shortest:
        return []
    out = []
    for i in range(len(word) - 1):
        if word[i] != word[i + 1]:
            out.append(word[:i] + word[i + 1] + word[i] + word[i + 2 :])
    return out


def _known(df: DocFrequency, field_name: str, term: str) -> bool:
    return df(field_name, term) > 0


def _starts_known(prefix: PrefixExpander, field_name: str, term: str) -> bool:
    return bool(prefix(field_name, term))


def split_pinyin(
    letters: str, longest: int, known: Callable[[str], bool], starts_known: Callable[[str], bool]
) -> list[str] | None:
    """Split typed letters into pinyin pieces the index knows (``hbhk`` -> hb, hk).

    Dynamic programming over split points: every piece must be a known term, except
    the last, which may be the beginning of one (the agent is still typing). Only the
    last piece may be a single letter. Longer pieces win (fewer, more specific words).
    Returns None when no split exists.
    """
    n = len(letters)
    best: list[tuple[int, list[str]] | None] = [None] * (n + 1)
    best[0] = (0, [])
    for end in range(1, n + 1):
        for start in range(max(0, end - longest), end):
            prev = best[start]
            piece = letters[start:end]
            if prev is None:
                continue
            if len(piece) < 2 and end < n:
                continue  # one-letter words would let any string of letters "match"
            ok = known(piece) or (end == n and starts_known(piece))
            if not ok:
                continue
            score = prev[0] + len(piece) ** 2
            if best[end] is None or score > best[end][0]:  # type: ignore[index]
                best[end] = (score, [*prev[1], piece])
    found = best[n]
    return found[1] if found is not None else None
