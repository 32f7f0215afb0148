"""Text analysis shared by indexing and querying: segmentation, stop words, stems, pinyin.

Chinese is segmented with jieba-rs (the ``rjieba`` binding: the same dictionary and
algorithm as jieba, measured ~20x faster and with a 10x faster dictionary load, see
``benchmarks/segmenters.py``). Latin words are lower-cased and Porter-stemmed, so
``refunds`` finds ``refund``. The same functions analyse documents and queries, so
both sides always agree.
"""

from __future__ import annotations

import hashlib
import re
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from deskmate.core.search.dictionaries import pinyin_module
from whoosh.lang.porter import stem

if TYPE_CHECKING:  # imported on first use: loading the extension takes 0.25-0.4 s, which
    # at start-up came before the sidebar's window (the dictionary loads in a job anyway)
    import rjieba

# Bump when tokenisation changes: an index built by another version is rebuilt.
ANALYSIS_VERSION = "4"

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[a-z0-9]+(?:['.][a-z0-9]+)*")
_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")

# Function words that say nothing about the topic of a question. Removing them keeps
# the near-universal postings (的, 吗, 怎么...) out of every query.
STOPWORDS_ZH = frozenset(
    [
        "的",
        "了",
        "吗",
        "呢",
        "吧",
        "啊",
        "呀",
        "哦",
        "嘛",
        "么",
        "着",
        "过",
        "和",
        "与",
        "及",
        "或",
        "跟",
        "把",
        "被",
        "给",
        "让",
        "在",
        "是",
        "有",
        "没",
        "没有",
        "不",
        "也",
        "都",
        "就",
        "还",
        "又",
        "很",
        "太",
        "要",
        "会",
        "能",
        "可以",
        "可",
        "想",
        "请",
        "请问",
        "您好",
        "你好",
        "你们",
        "我们",
        "他们",
        "她",
        "他",
        "它",
        "我",
        "你",
        "您",
        "这",
        "那",
        "这个",
        "那个",
        "这样",
        "那样",
        "什么",
        "怎么",
        "怎么样",
        "怎样",
        "如何",
        "为什么",
        "为何",
        "哪",
        "哪里",
        "哪儿",
        "多少",
        "几",
        "吗?",
        "一下",
        "一个",
        "个",
        "一",
        "之",
        "其",
        "而",
        "但",
        "但是",
        "如果",
        "因为",
        "所以",
        "然后",
        "现在",
        "已经",
        "还是",
        "时候",
        "应该",
        "需要",
        "得",
        "地",
        "上",
        "下",
        "里",
        "中",
        "啊",
        "嗯",
        "呃",
        "哈",
        "啦",
        "喔",
        "么",
        "怎么办",
        "咋",
        "咋办",
    ]
)
STOPWORDS_EN = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "to",
        "in",
        "on",
        "for",
        "at",
        "by",
        "with",
        "from",
        "and",
        "or",
        "but",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "am",
        "do",
        "does",
        "did",
        "i",
        "me",
        "my",
        "you",
        "your",
        "we",
        "our",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "what",
        "how",
        "why",
        "when",
        "where",
        "which",
        "who",
        "can",
        "could",
        "would",
        "should",
        "will",
        "shall",
        "may",
        "might",
        "please",
        "hi",
        "hello",
        "there",
        "have",
        "has",
        "had",
        "not",
        "no",
    ]
)


def normalize(text: str) -> str:
    """NFKC-fold (full-width to half-width) and lower-case."""
    return unicodedata.normalize("NFKC", text).lower()


def is_han(text: str) -> bool:
    """True when the text contains a Chinese character."""
    return _HAN.search(text) is not None


def han_count(text: str) -> int:
    """How many Chinese characters the text has (how much of a question it spells out)."""
    return sum(1 for char in text if is_han(char))


class Segmenter:
    """jieba-rs segmentation with the content pack's own words added.

    Words from the synonym list and product names are added to the dictionary so
    that ``花呗`` stays one word. ``fingerprint`` changes when the word list does,
    which is how the index knows it must be rebuilt.
    """

    def __init__(self, user_words: Iterable[str] = ()) -> None:
        words = sorted({w.strip() for w in user_words if w.strip() and is_han(w)})
        # Kept so that an index-build worker process can make an identical segmenter.
        self.user_words = tuple(words)
        # Loading the dictionary takes ~0.2 s: done on first use, which in the sidebar is
        # a search or index job, not the GUI thread that opens the knowledge base.
        self._jieba: rjieba.Jieba | None = None
        self._lock = threading.Lock()
        digest = hashlib.sha1("\n".join(words).encode("utf-8"), usedforsecurity=False)
        self.fingerprint = f"{ANALYSIS_VERSION}:{digest.hexdigest()[:12]}"

    def _dictionary(self) -> rjieba.Jieba:
        """The loaded dictionary with the user words (call with ``_lock`` held)."""
        if self._jieba is None:
            from deskmate.core.search.dictionaries import new_jieba

            jieba = new_jieba()
            for word in self.user_words:
                jieba.add_word(word, None, None)
            self._jieba = jieba
        return self._jieba

    def load(self) -> None:
        """Load the dictionary now, if not yet (it cannot be interrupted while it loads)."""
        with self._lock:
            self._dictionary()

    def words(self, text: str) -> list[str]:
        """Segment normalised text into words (search mode: long words also as parts)."""
        with self._lock:
            return [w for w, _s, _e in self._dictionary().tokenize(text, "search")]

    def plain_words(self, text: str) -> list[str]:
        """Segment without search-mode sub-words (for pinyin keys)."""
        with self._lock:
            return list(self._dictionary().cut(text, True))

    def tagged(self, text: str) -> list[tuple[str, str]]:
        """Segment with jieba's part-of-speech tags (n… nouns, v… verbs, eng, m, x…)."""
        with self._lock:
            return [(word, tag) for word, tag in self._dictionary().tag(text, True)]


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    return str(stem(word))


def _token(word: str) -> str | None:
    """Map one segmented word to an index term, or None for noise and stop words."""
    word = word.strip()
    if not word or word in STOPWORDS_ZH:
        return None
    if is_han(word):
        return word
    match = _LATIN_WORD.fullmatch(word)
    if match is None:
        # Punctuation, symbols, mixed junk: keep alphanumerics only.
        parts = _LATIN_WORD.findall(word)
        if len(parts) != 1:
            return None
        word = parts[0]
    if word in STOPWORDS_EN:
        return None
    return _stem(word) if word.isalpha() else word


def terms(segmenter: Segmenter, text: str) -> list[str]:
    """Index terms of a text, in order, stop words removed."""
    out = []
    for word in segmenter.words(normalize(text)):
        term = _token(word)
        if term is not None:
            out.append(term)
    return out


def han_bigrams(text: str) -> list[str]:
    """Overlapping character bigrams of each Chinese run (single characters kept alone).

    They are the n-gram fallback: they match where the query and the document were
    segmented differently (花呗还 vs 花呗 / 还款), or a word is missing from the dictionary.
    """
    out: list[str] = []
    for run in _HAN_RUN.findall(normalize(text)):
        if len(run) == 1:
            continue
        out.extend(run[i : i + 2] for i in range(len(run) - 1))
    return out


@dataclass(frozen=True)
class PinyinKeys:
    """Pinyin terms of a title: each word's full spellings and its initials."""

    full: list[str]
    initials: list[str]


@lru_cache(maxsize=200_000)
def _word_readings(word: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Full spellings and initials of one word, the dictionary's reading first.

    pypinyin's phrase dictionary gets some domain words wrong (还款 as "haikuan"), so
    each polyphonic character also contributes its other reading, one swap at a time
    (at most two extra variants per word: enough for the common misreadings without
    multiplying the keys).
    """
    with pinyin_module() as module:
        best = module.lazy_pinyin(word, errors="ignore")
    variants = ["".join(best)]
    for i, char in enumerate(word[: len(best)]):
        for alt in _char_readings(char):
            if alt != best[i] and len(variants) < 3:
                variants.append("".join([*best[:i], alt, *best[i + 1 :]]))
    full = tuple(dict.fromkeys(variants))
    initials = tuple(dict.fromkeys("".join(p[:1] for p in _split(v, word)) for v in full))
    return full, initials


def _split(spelling: str, word: str) -> list[str]:
    """The syllables of one spelling variant of ``word`` (recomputed from the chars)."""
    with pinyin_module() as module:
        best: list[str] = module.lazy_pinyin(word, errors="ignore")
    if spelling == "".join(best):
        return best
    out, rest = [], spelling
    for i, char in enumerate(word[: len(best)]):
        for cand in (best[i], *_char_readings(char)):
            if rest.startswith(cand):
                out.append(cand)
                rest = rest[len(cand) :]
                break
    return out


@lru_cache(maxsize=30_000)
def _char_readings(char: str) -> tuple[str, ...]:
    with pinyin_module() as module:
        found = module.pinyin(char, style=module.Style.NORMAL, heteronym=True, errors="ignore")
    return tuple(found[0][:2]) if found else ()


def pinyin_keys(segmenter: Segmenter, title: str) -> PinyinKeys:
    """Pinyin terms of the Chinese words of a title: full spellings and initials.

    Each word contributes its own terms (``huabei``/``hb``, ``huankuan``/``hk``), so
    the pinyin vocabulary is shared across documents and stays small; the query
    side splits typed letters back into words (see ``query_plan``).
    """
    full: set[str] = set()
    initials: set[str] = set()
    for word in segmenter.plain_words(normalize(title)):
        if is_han(word):
            spellings, firsts = _word_readings(word)
            full.update(spellings)
            initials.update(firsts)
    full.discard("")
    initials.discard("")
    return PinyinKeys(sorted(full), sorted(initials))


def pinyin_initials_of(text: str) -> str:
    """Pinyin initials of the Chinese characters in ``text`` (for highlighting)."""
    with pinyin_module() as module:
        spelled = module.lazy_pinyin(text, style=module.Style.NORMAL, errors="ignore")
    return "".join(p[0] for p in spelled if p)
