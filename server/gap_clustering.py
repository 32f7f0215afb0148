"""Group knowledge-gap signals into topics by similar query text (pure: no database, no web).

A signal (gap flag, zero-result or nothing-opened search, unhelpful vote) has a text: the
query typed or, for an item flag without one, the item title. Clustering is incremental
and assignments never move, so topic ids stay stable for the editors: seed a
:class:`TopicIndex` with the stored topics (after a merge, the merged topic's texts under
the surviving id), then :func:`cluster` new signals in the order they occurred::

    index = TopicIndex(synonyms=table)                    # the packs' synonyms: optional
    index.add_topic(7, ["退款多久到账", "退款到账时间"])
    cluster([GapText("e1", "退款什么时候到账")], index, new_topic)   # {"e1": 7}
    topic_label(["退款多久到账", "退款多久到账", "退款到账时间"])     # "退款多久到账"

Similarity: a text is a set of weighted features — content words (jieba's precise cut via
``deskmate.core.search.analysis``, unknown single characters joined up, Porter stems, a
synonym group as one word; question frames such as 多久/什么时候 at a fifth of the weight),
the character bigrams and characters of its Chinese content run together, and letter
trigrams of English words (robust to segmentation differences and typos). Its score for a
topic is the cosine with the topic's centroid (the sum of its texts' vectors), halved when
each side has a content word the other lacks (iPhone 退货 / iPhone 维修, 花呗 / 借呗); it
joins the best topic scoring at least ``threshold``, and always one with its normal form.

Meaning (optional): a text given with its sentence vector (``GapText.vector``) that words
alone did not place is scored half by words, half by the sentence cosine with the topics'
mean vectors, without the conflict rule for mere wording but with one for things and for
what is asked (see :meth:`TopicIndex.meaning_match`); failing that, the same score with
each of the nearest single forms of the topics (:meth:`TopicIndex.member_match`): a new
phrasing close to one phrasing of a topic that gathered several. benchmarks/README.md has
the design and the measurements. Without vectors the clustering is the lexical one above.

Speed: an inverted index from feature to topics; only topics sharing one of the text's
rarer features are scored, with a bound that misses no match (see ``_dot_products``).
A TopicIndex is not thread-safe: one job at a time.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from deskmate.core.search import analysis
from deskmate.core.search.synonyms import SynonymTable
from deskmate.server.gap_centroids import Centroids, Vector
from deskmate.server.gap_features import (
    ASK_KINDS,
    CONFLICT_FACTOR,
    LABEL_CHARS,
    TextAnalyser,
    TextVector,
    display_form,
    normal_form,
    present_in,
)
from deskmate.server.gap_labels import topic_label
from deskmate.server.gap_members import Members

__all__ = [
    "DEFAULT_THRESHOLD",
    "LABEL_CHARS",
    "MEMBER_FLOOR",
    "VECTOR_FLOOR",
    "VECTOR_WEIGHT",
    "GapText",
    "TopicIndex",
    "cluster",
    "display_form",
    "normal_form",
    "topic_label",
]

#: The similarity a text needs to join a topic, chosen on benchmarks/gap_clustering.py.
#: Editors can merge two topics but cannot split one, so it leans towards splitting.
DEFAULT_THRESHOLD = 0.65
#: The share of the lexical cosine in the score by words and meaning (the rest: meaning).
VECTOR_WEIGHT = 0.5
#: The sentence cosine that counts as no meaning in common (e5's cosines of unrelated
#: short Chinese texts are ~0.8); chosen on benchmarks/gap_clustering.py, on a flat stretch.
VECTOR_FLOOR = 0.84
#: The share of a topic's texts that name a thing (or ask for a kind of answer) for it
#: to conflict with a text that names another.
THING_SHARE = 0.25
#: The sentence cosine that counts as no meaning in common with one form of a topic (see
#: :meth:`TopicIndex.member_match`): higher than ``VECTOR_FLOOR``, as the nearest of many
#: forms is near by chance more often than a mean is; chosen on a flat stretch (0.89-0.92).
MEMBER_FLOOR = 0.91
#: How many of the nearest forms (by sentence vector) :meth:`TopicIndex.member_match` scores.
MEMBER_K = 8
#: Longer texts (a pasted chat log, say) are analysed and labelled by their start only.


@dataclass(frozen=True)
class GapText:
    """One signal's text to cluster.

    Attributes:
        key: The signal id.
        text: The query the agent typed or, for an item flag with no query, the item title.
    """

    key: str
    text: str
    vector: Vector | None = field(default=None, compare=False)


@dataclass
class _Topic:
    """A topic's size, its centroid's squared length and its content words, counted."""

    size: int = 0
    norm2: float = 0.0
    words: dict[str, int] = field(default_factory=dict)
    things: dict[str, int] = field(default_factory=dict)


class TopicIndex:
    """Topics known so far, for incremental assignment.

    Each topic is held as a centroid (for every feature, how many of its texts have it)
    and its size. A text has a word conflict with a topic when it has a content word that
    fewer than a quarter of the topic's texts have, while the topic has one that at
    least half of its texts have and the text lacks (a word counts as there when its
    feature or all of its characters are: 连不上网 has both 连不上 and 上网; a character
    standing alone, like 还 in 花呗怎么还, counts as a word).

    Args:
        threshold: The similarity a text needs to join a topic.
        synonyms: The packs' synonym table: its words stay whole in segmentation and the
            one-word members of a group count as one word (退钱 = 退款 = refund).
        segmenter: A segmenter to use instead (with the synonym words, and product names
            if you have them, as its user words).
    """

    def __init__(
        self,
        threshold: float = DEFAULT_THRESHOLD,
        *,
        synonyms: SynonymTable | None = None,
        segmenter: analysis.Segmenter | None = None,
        vector_weight: float = VECTOR_WEIGHT,
        vector_floor: float = VECTOR_FLOOR,
        thing_share: float = THING_SHARE,
        member_floor: float = MEMBER_FLOOR,
    ) -> None:
        self.threshold = threshold
        self.vector_weight = vector_weight
        self.vector_floor = vector_floor
        self.thing_share = thing_share
        self.member_floor = member_floor
        self._centroids = Centroids()
        self._members = Members()
        self._analyser = TextAnalyser(segmenter, synonyms)
        # feature -> {topic id: how many of the topic's texts have the feature}
        self._postings: dict[str, dict[int, int]] = {}
        self._topics: dict[int, _Topic] = {}
        self._norms: dict[int, float] = {}  # each topic's centroid length
        self._exact: dict[str, int] = {}  # normal form -> the first topic that had it

    def __len__(self) -> int:
        return len(self._topics)

    def __contains__(self, topic_id: object) -> bool:
        return topic_id in self._topics

    def add_topic(
        self, topic_id: int, texts: Iterable[str], vectors: Iterable[Vector | None] = ()
    ) -> None:
        """Seed a stored topic with its signals' texts (adds to it if already known).

        ``vectors``, if given, are the texts' sentence vectors in the same order (None
        for a text without one).
        """
        self._topics.setdefault(topic_id, _Topic())
        for text, vector in itertools.zip_longest(texts, vectors):
            if text is not None:
                self.add_text(topic_id, text, vector)

    def add_text(self, topic_id: int, text: str, vector: Vector | None = None) -> None:
        """Record that ``text`` belongs to ``topic_id`` (after :meth:`assign` or a new topic).

        ``vector`` is the text's unit sentence vector, if it has one.
        """
        key = normal_form(text)
        self._exact.setdefault(key, topic_id)
        features = self._analyser.vector(key)
        if vector is not None:
            self._centroids.add(topic_id, vector)
            if features.norm:
                self._members.add(topic_id, key, features, vector)
        topic = self._topics.setdefault(topic_id, _Topic())
        topic.size += 1
        for feature, weight2 in features.squared.items():
            topics = self._postings.setdefault(feature, {})
            count = topics.get(topic_id, 0)
            topics[topic_id] = count + 1
            topic.norm2 += weight2 * (2 * count + 1)  # (n+1)²w² − n²w²
        self._norms[topic_id] = math.sqrt(topic.norm2)
        for word in features.words:
            topic.words[word] = topic.words.get(word, 0) + 1
        for word in features.things:
            topic.things[word] = topic.things.get(word, 0) + 1

    def assign(self, text: str, vector: Vector | None = None) -> int | None:
        """The best existing topic for ``text`` if it is similar enough, else None.

        Lexical similarity first; failing that, with the text's sentence ``vector``, the
        best topic by words and meaning together (:meth:`meaning_match`).
        """
        match = self.best_match(text, at_least=self.threshold)
        if match is None and vector is not None:
            match = self.meaning_match(text, vector) or self.member_match(text, vector)
        return match[0] if match is not None else None

    def member_match(self, text: str, vector: Vector) -> tuple[int, float] | None:
        """The topic of the best of the nearest forms to ``text``, and the score; or None.

        The same score as :meth:`meaning_match`, with one form of a topic instead of the
        topic as a whole, for the ``MEMBER_K`` forms nearest by sentence vector; a form
        that names a thing the text does not while the text names one it does not, or
        asks for another kind of answer, does not count.
        """
        features = self._analyser.vector(normal_form(text))
        if not features.norm:
            return None
        return self._members.best(
            features,
            vector,
            weight=self.vector_weight,
            floor=self.member_floor,
            threshold=self.threshold,
            k=MEMBER_K,
            excluded=lambda topic_id: self._asks_other(features, topic_id),
        )

    def meaning_match(self, text: str, vector: Vector) -> tuple[int, float] | None:
        """The best topic for ``text`` by words and meaning together, and its score; or None.

        The score with a topic that has sentence vectors mixes the lexical cosine (no
        conflict rule) with how far the sentence cosine with the topic's mean vector is
        above ``vector_floor``: ``w·lexical + (1 − w)·(cos − floor) / (1 − floor)``.
        Sentence vectors see the same question about two products as near paraphrases
        (iPhone 15退款多久到账 / 小米14退款多久到账: 0.92), so the score is halved when
        the text names a thing (a noun, name, English word in Chinese text, number) that
        fewer than a quarter of the topic's texts have while at least ``thing_share`` of
        them name one the text lacks: a different thing, not a different wording.
        """
        features = self._analyser.vector(normal_form(text))
        if not features.norm:
            return None
        weight, floor = self.vector_weight, self.vector_floor
        # A score needs this much lexical cosine even with a perfect sentence cosine.
        least = max(0.0, (self.threshold - (1 - weight)) / weight)
        dots = self._dot_products(features, least)
        cosines = self._centroids.cosines(list(dots), vector)
        ranked = []
        for topic_id, cosine in cosines.items():
            lexical = dots[topic_id] / (features.norm * self._norms[topic_id])
            meaning = max(0.0, (cosine - floor) / (1 - floor))
            score = weight * lexical + (1 - weight) * meaning
            if score >= self.threshold:
                ranked.append((-score, topic_id))
        ranked.sort()
        best: tuple[int, float] | None = None
        for negative, topic_id in ranked:
            if best is not None and -negative <= best[1]:
                break
            conflict = self._conflicts(features, topic_id, things=True)
            score = -negative * (CONFLICT_FACTOR if conflict else 1.0)
            if score >= self.threshold and (best is None or score > best[1]):
                best = topic_id, score
        return best

    def best_match(self, text: str, at_least: float = 0.0) -> tuple[int, float] | None:
        """The most similar topic scoring at least ``at_least``, and its score; or None.

        Lexical similarity only. Ties go to the lower topic id. A topic that already
        holds the same normal form is returned with similarity 1.0.
        """
        key = normal_form(text)
        exact = self._exact.get(key)
        if exact is not None:
            return exact, 1.0
        vector = self._analyser.vector(key)
        if not vector.norm:
            return None
        ranked = []
        for topic_id, dot in self._dot_products(vector, at_least).items():
            cosine = dot / (vector.norm * self._norms[topic_id])
            if cosine >= at_least:
                ranked.append((-cosine, topic_id))
        ranked.sort()
        best: tuple[int, float] | None = None
        for negative, topic_id in ranked:
            if best is not None and -negative <= best[1]:
                break  # a conflict only lowers a score: nothing further down can win
            score = -negative * (CONFLICT_FACTOR if self._conflicts(vector, topic_id) else 1.0)
            if score >= at_least and (best is None or score > best[1]):
                best = topic_id, score
        return best

    def _dot_products(self, vector: TextVector, at_least: float) -> dict[int, float]:
        """Dot products of ``vector`` with the centroids of the topics that may score ``at_least``.

        The text's features are taken rarest first (in the fewest topics) until the ones
        left could not reach ``at_least`` on their own: by Cauchy-Schwarz they add at most
        |those features| / |text| to a cosine. Topics found through the taken features are
        the candidates; those that cannot reach ``at_least`` even with that addition are
        dropped, and the common features left are added to the others.
        """
        shared = sorted(
            (
                (len(topics), weight2, topics)
                for feature, weight2 in vector.squared.items()
                if (topics := self._postings.get(feature))
            ),
            key=lambda item: item[0],
        )
        untaken, limit = sum(item[1] for item in shared), (at_least * vector.norm) ** 2
        dots: dict[int, float] = {}
        get, taken = dots.get, 0  # (the hot path: local names are faster)
        while taken < len(shared) and (untaken >= limit or not limit):
            _df, weight2, topics = shared[taken]
            for topic_id, count in topics.items():
                dots[topic_id] = get(topic_id, 0.0) + weight2 * count
            untaken -= weight2
            taken += 1
        if taken < len(shared):
            floor, norms = at_least * vector.norm - math.sqrt(max(untaken, 0.0)), self._norms
            dots = {t: dot for t, dot in dots.items() if dot >= floor * norms[t]}
        for _df, weight2, topics in shared[taken:]:
            count_of = topics.get
            for topic_id in dots:
                dots[topic_id] += weight2 * count_of(topic_id, 0)
        return dots

    def _asks_other(self, vector: TextVector, topic_id: int) -> bool:
        """Whether the text asks for a place, an amount or a time, and the topic for another.

        That is: none of the kinds the text asks for is asked by a quarter of the topic's
        texts, while another kind is asked by at least ``thing_share`` of them.
        """
        size = self._topics[topic_id].size
        asked = [kind for kind in ASK_KINDS if kind in vector.squared]
        if not asked:
            return False
        counts = {kind: self._postings.get(kind, {}).get(topic_id, 0) for kind in ASK_KINDS}
        share = self.thing_share * size
        if any(4 * counts[kind] >= size for kind in asked):
            return False
        return any(n >= share for kind, n in counts.items() if kind not in asked)

    def _conflicts(self, vector: TextVector, topic_id: int, *, things: bool = False) -> bool:
        """Whether each side has a content word (``things``: a thing word) the other lacks.

        With ``things``, also whether the text asks for a place, an amount or a time
        while at least ``thing_share`` of the topic's texts ask for another one only.
        """
        topic = self._topics[topic_id]

        def count(feature: str) -> int:
            return self._postings.get(feature, {}).get(topic_id, 0)

        def common(feature: str) -> bool:
            return 4 * count(feature) >= topic.size

        share = self.thing_share * topic.size
        if things and self._asks_other(vector, topic_id):
            return True
        if all(present_in(w, common) for w in (vector.things if things else vector.words)):
            return False
        has = vector.squared.__contains__
        if things:
            return any(n >= share and not present_in(w, has) for w, n in topic.things.items())
        return any(2 * n >= topic.size and not present_in(w, has) for w, n in topic.words.items())


def cluster(
    texts: Sequence[GapText], index: TopicIndex, new_topic: Callable[[str], int]
) -> dict[str, int]:
    """Assign new signals to topics, in order, updating ``index`` as it goes.

    Each text joins the best existing topic (including topics made earlier in this call),
    or ``new_topic(label)`` mints a topic id for it, ``label`` being the text as shown to
    editors (:func:`display_form`). A key that appears twice keeps its first assignment.

    Returns:
        Signal key → topic id, for the keys of ``texts``.
    """
    assigned: dict[str, int] = {}
    for signal in texts:
        if signal.key in assigned:
            continue
        topic_id = index.assign(signal.text, signal.vector)
        if topic_id is None:
            topic_id = new_topic(display_form(signal.text))
        index.add_text(topic_id, signal.text, signal.vector)
        assigned[signal.key] = topic_id
    return assigned
