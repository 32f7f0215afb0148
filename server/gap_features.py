"""Features of gap texts for clustering: normal forms, weighted word and character features.

:class:`TextAnalyser` turns a text (in :func:`normal_form`) into a :class:`TextVector`:
content words (jieba's precise cut via ``deskmate.core.search.analysis``, unknown single
characters joined up, Porter stems, a synonym group as one word; question frames such as
多久/什么时候 at a fifth of the weight), the character bigrams and characters of its
Chinese content run together, and letter trigrams of English words. The clustering that
compares these vectors is :mod:`deskmate.server.gap_clustering`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from deskmate.core.search import analysis
from deskmate.core.search.dictionaries import pinyin_module
from deskmate.core.search.synonyms import SynonymTable

MAX_CHARS = 200
LABEL_CHARS = 120

# Feature weights. Content words carry the meaning; bigrams of the Chinese content catch
# segmentation differences (到账 vs 到/账) and word order, characters catch typos and
# single-character verbs (花呗怎么还 ~ 花呗还款); question frames say how the agent asked,
# not what about.
WORD_WEIGHT = 1.0
FRAME_WEIGHT = 0.2
BIGRAM_WEIGHT = 0.7
CHAR_WEIGHT = 0.5
TRIGRAM_WEIGHT = 0.35
#: Each reading of each Chinese character: agents type with a pinyin input method, so the
#: commonest slip is a homophone (还款 → 还宽, 维修 → 维休, 手续费 → 手续废).
PINYIN_WEIGHT = 0.3
#: Applied when the text and the topic each have a content word the other lacks.
CONFLICT_FACTOR = 0.5


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# How a question is asked, and that something failed: 退款多久到账, 退款什么时候到账 and
# 退款到账时间 are one gap; so are eSIM 换机后无法激活 and eSIM 换新手机激活失败.
FRAME_WORDS_ZH = _word_set(
    "多久 多长时间 多长 几天 多少天 什么时候 啥时候 何时 时间 几点 能不能 不能 能否 是否 可不可以 "
    "怎么回事 回事 咋回事 为啥 啥 一直 老是 总是 到底 问题 情况 客服 客户 用户 顾客 帮忙 帮 "
    "麻烦 急 谢谢 请问 问 说 怎么弄 弄 办法 方法 流程 步骤 操作 反馈 才能 才 能够 今天 昨天 "
    "明天 刚才 刚刚 马上 无法 失败 不了 不行 后 前"
)
FRAME_WORDS_EN = _word_set(
    "long take get help need want know ask still yet problem issue customer thank thanks "
    "ok okay any some just now time"
)
# What a question asks for: a place, an amount, a time. Two texts asking for different ones
# are different questions however alike their sentence vectors (去哪里维修 / 维修要多少钱);
# each kind is a feature of negligible weight, counted per topic. 哪些/哪个 ask "which".
ASK_KINDS = {
    "?where": re.compile(r"哪(?![些个种样])|何处"),
    "?amount": re.compile(r"多少|几块|钱"),
    "?time": re.compile(r"多久|多长时间|什么时候|啥时候|何时|几天|几点"),
}
#: The (negligible) weight of an asked-for kind as a feature: there to be counted per topic.
ASK_WEIGHT = 0.01
# Stop words that name the problem here, so they stay in the character features:
# 花呗怎么还 is about repaying (还); 用不了 and 没到账 about something not working.
_KEPT_STOPWORDS = frozenset(["还", "不", "没", "没有"])
_DROPPED = (analysis.STOPWORDS_ZH - _KEPT_STOPWORDS) | FRAME_WORDS_ZH
# Variant characters agents type interchangeably (到帐 / 到账, 帐号 / 账号).
_VARIANTS = str.maketrans({"帐": "账"})
_NON_WORD = re.compile(r"[\W_]+")
_LETTER_DIGIT = re.compile(r"(?<=[a-z])(?=[0-9])|(?<=[0-9])(?=[a-z])")
_HAN_ONLY = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_ID_LIKE = re.compile(r"(?=.*\d)[a-z0-9]{8,}|\d{5,}")


@dataclass(frozen=True)
class TextVector:
    """A text's features with their squared weights, its length and its content words.

    ``things`` are the content words that name a thing (see :meth:`TextAnalyser.is_thing`):
    two texts that each name a thing the other does not are about different things,
    however alike their sentence vectors.
    """

    squared: dict[str, float]
    norm: float
    words: frozenset[str]
    things: frozenset[str] = frozenset()


def normal_form(text: str) -> str:
    """The form in which texts count as identical: NFKC, lower case, words single-spaced.

    Punctuation, symbols and emoji are dropped, letters and digits split (iPhone15 =
    iphone 15), 帐 is read as 账, and only the first ``MAX_CHARS`` characters count.
    """
    folded = analysis.normalize(text[: MAX_CHARS * 2]).translate(_VARIANTS)
    return _LETTER_DIGIT.sub(" ", _NON_WORD.sub(" ", folded)).strip()[:MAX_CHARS]


def display_form(text: str) -> str:
    """A text as a label: spacing collapsed, no punctuation at the ends, cut to LABEL_CHARS."""
    shown = " ".join(text.split())
    shown = re.sub(r"^[\W_]+|[\W_]+$", "", shown) or shown
    return shown if len(shown) <= LABEL_CHARS else shown[: LABEL_CHARS - 1] + "…"


class TextAnalyser:
    """Text in normal form → feature vector, cached (gap queries repeat a lot)."""

    def __init__(self, segmenter: analysis.Segmenter | None, synonyms: SynonymTable | None) -> None:
        groups = synonyms.groups if synonyms is not None else []
        self._segmenter = segmenter or analysis.Segmenter(w for g in groups for w in g)
        self.vector = lru_cache(maxsize=100_000)(self._vector)
        self._latin_terms = lru_cache(maxsize=20_000)(self._terms)
        self.is_thing = lru_cache(maxsize=50_000)(self._is_thing)
        self._frame_en = {t for w in FRAME_WORDS_EN for t in self._terms(w)}
        # Each one-word member of a synonym group counts as the group's first word.
        self._canonical: dict[str, str] = {}
        for group in groups:
            for word in group:
                word = analysis.normalize(word).strip()
                if analysis.is_han(word):
                    pieces = self._segmenter.plain_words(word)
                else:
                    pieces = list(self._terms(word))
                if len(pieces) == 1:
                    self._canonical.setdefault(pieces[0], group[0])

    def _terms(self, word: str) -> tuple[str, ...]:
        """Index terms of a non-Chinese word: stemmed, stop words dropped."""
        return tuple(analysis.terms(self._segmenter, word))

    def _is_thing(self, word: str) -> bool:
        """Whether a Chinese content word names a thing rather than says how or what is done.

        A noun (jieba's n… tags: 视频, 路由器, 日本, 华为), a word jieba does not know
        (a product name such as 借呗, joined from single characters, or a pack's own
        word) names a thing; verbs, adverbs, numbers and question words do not
        (退货/想退货, 多少钱/价格 differ in wording only on one side).
        """
        tagged = self._segmenter.tagged(word)
        if len(tagged) != 1:
            return True
        tag = tagged[0][1]
        return not tag or tag.startswith("n") or tag == "eng"

    def _vector(self, key: str) -> TextVector:
        squared: dict[str, float] = {}
        words: set[str] = set()
        things: set[str] = set()
        content = self._scan(key, squared, words)
        # In a Chinese text, a Latin or numeric word is a name (iPhone 15, eSIM, PLUS);
        # in an English one only numbers are (refund status ~ where is my refund).
        latin_names = any(analysis.is_han(part) for part in content if part.strip())
        things.update(w for w in words if w[2:].isdigit() or latin_names)
        for word in _content_words(content):
            if len(word) == 1:  # a lone character: its character feature stands for it
                words.add("c:" + word)
                continue
            feature = "w:" + self._canonical.get(word, word)
            squared[feature] = WORD_WEIGHT**2
            words.add(feature)
            if self.is_thing(word):
                things.add(feature)
        # Function and frame words are left out so the bigrams run across them:
        # 退款什么时候到账 and 退款到账时间 both read 退款到账.
        run = "".join(content)
        for bigram in analysis.han_bigrams(run):
            squared["b:" + bigram] = BIGRAM_WEIGHT**2
        for char in run.replace(" ", ""):
            squared["c:" + char] = CHAR_WEIGHT**2
            for reading in _readings(char):
                squared[reading] = PINYIN_WEIGHT**2
        for kind, pattern in ASK_KINDS.items():
            if pattern.search(key):
                squared[kind] = ASK_WEIGHT**2
        norm = math.sqrt(sum(squared.values()))
        return TextVector(squared, norm, frozenset(words), frozenset(things))

    def _scan(self, key: str, squared: dict[str, float], words: set[str]) -> list[str]:
        """Add the features of Latin terms and frames; the Chinese content words, in order.

        In the list, " " stands for a Latin word (a break) and "" for a space.
        """
        content: list[str] = []
        for word in self._segmenter.plain_words(key):
            if word.isspace():
                content.append("")  # bigrams run on (花呗 还款 = 花呗还款), joined words do not
            elif not analysis.is_han(word):
                terms = self._latin_terms(word)
                if any(_ID_LIKE.fullmatch(t) for t in terms):
                    _drop_label(content, squared)
                content.append(" ")
                for term in terms:
                    self._add_term(squared, words, term)
            elif word in FRAME_WORDS_ZH:
                squared["w:" + word] = FRAME_WEIGHT**2
            elif word not in _DROPPED:  # a synonym reads as its group's word throughout
                synonym = self._canonical.get(word, word)
                content.append(synonym if _HAN_ONLY.fullmatch(synonym) else word)
        return content

    def _add_term(self, squared: dict[str, float], words: set[str], term: str) -> None:
        """Add the features of one Latin or numeric index term."""
        if _ID_LIKE.fullmatch(term):
            term = "#"  # an order or phone number: not what the gap is about either
        if term == "#" or term in self._frame_en:
            squared["w:" + term] = FRAME_WEIGHT**2
            return
        if term.isalpha() and len(term) >= 4:
            padded = f"<{term}>"
            for i in range(len(padded) - 2):
                squared["t:" + padded[i : i + 3]] = TRIGRAM_WEIGHT**2
        feature = "w:" + self._canonical.get(term, term)
        squared[feature] = WORD_WEIGHT**2
        words.add(feature)


def _content_words(content: list[str]) -> list[str]:
    """The content words, with runs of single characters joined up (花/呗 → 花呗).

    jieba leaves words it does not know, like the product names 花呗 and 借呗, as single
    characters; joined, they tell one product from another. A character standing alone
    (还, 不, 用) is returned as itself.
    """
    out: list[str] = []
    pending = ""
    for word in [*content, " "]:
        if len(word) == 1 and analysis.is_han(word) and word not in _KEPT_STOPWORDS:
            pending += word
            continue
        out.extend(w for w in (pending, word) if w.strip())
        pending = ""
    return out


def _drop_label(content: list[str], squared: dict[str, float]) -> None:
    """Make the Chinese word just before an order or phone number a frame word.

    It names the number (订单号 8281466057, 手机号 138…), not what the gap is about.
    """
    while content and content[-1] == "":
        content.pop()
    if content and content[-1].strip():
        label = content.pop()
        squared["w:" + label] = FRAME_WEIGHT**2


@lru_cache(maxsize=20_000)
def _readings(char: str) -> tuple[str, ...]:
    """The pinyin features of a Chinese character: one per reading (还: hai, huan, fu).

    Through ``pinyin_module`` like every pypinyin use: a process that released pypinyin's
    tables (core/search/dictionaries.py) would otherwise read them emptied, and cache
    characters without readings.
    """
    with pinyin_module() as module:
        found = module.pinyin(char, style=module.Style.NORMAL, heteronym=True, errors="ignore")
    return tuple(dict.fromkeys("y:" + r for r in found[0])) if found else ()


@lru_cache(maxsize=50_000)
def _word_chars(feature: str) -> tuple[tuple[str, ...], ...]:
    """Per character of a Chinese word feature, its features: itself, then its readings."""
    word = feature[2:]
    if not analysis.is_han(word):
        return ()
    return tuple(("c:" + char, *_readings(char)) for char in word)


def present_in(word: str, has: Callable[[str], bool]) -> bool:
    """Whether a content word is there: its feature, or all its characters (another cut).

    A character also counts as there when one of its readings is: a homophone typed
    instead (还宽 has 还款; 花呗 and 借呗 stay apart).
    """
    chars = _word_chars(word)
    return has(word) or (bool(chars) and all(any(map(has, alts)) for alts in chars))
