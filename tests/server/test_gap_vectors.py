"""Gap topics by meaning: signal texts encoded once (real encoder), paraphrases joined."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from deskmate.core.activity.events import EventKind
from deskmate.core.search.encoder import FloatMatrix, TextEncoder, shared_encoder
from deskmate.server.gap_clustering import TopicIndex, normal_form
from deskmate.server.learning.gap_queue import collect_signals
from deskmate.server.tables import GapSignalRow, GapTextVectorRow
from sqlalchemy import func, select

from tests.server.conftest import RunningServer
from tests.server.helpers import event
from tests.server.learning_fixtures import add_team, import_learning_pack

# Lexical similarity keeps these apart (0.39: 多少钱 / 价格); they ask one thing.
PARAPHRASES = ("日本漫游流量包多少钱", "日本 漫游 流量包 价格")
# Sentence vectors call these near paraphrases (0.95); they are about two products.
PRODUCTS = ("iPhone 15退款多久到账", "小米14退款多久到账")


class CountingEncoder:
    """The real encoder, counting the texts it is given (and optionally another model id)."""

    def __init__(self, inner: TextEncoder, model_id: str | None = None) -> None:
        self.inner = inner
        self.texts: list[str] = []
        self._model_id = model_id or inner.model_id

    @property
    def model_id(self) -> str:
        return self._model_id

    @property
    def dimension(self) -> int:
        return self.inner.dimension

    def encode(self, texts: Sequence[str]) -> FloatMatrix:
        self.texts.extend(texts)
        return self.inner.encode(texts)


@pytest.fixture
def encoder() -> TextEncoder:
    found = shared_encoder()
    if found is None:
        pytest.skip(f"no sentence encoder here: {shared_encoder.problem}")
    return found


@pytest.fixture
def tokens(server: RunningServer, tmp_path: Path) -> dict[str, str]:
    import_learning_pack(server, tmp_path / "pack")
    return add_team(server)


def _post(server: RunningServer, token: str, agent: str, queries: Sequence[str]) -> None:
    events: list[dict[str, Any]] = [
        event(agent, EventKind.NO_RESULT, query=q, result_count=0) for q in queries
    ]
    with server.client(token) as client:
        assert client.post("/api/v1/events", json={"events": events}).status_code == 200


def _topic_of(server: RunningServer) -> dict[str, int]:
    with server.db.read() as conn:
        rows = conn.execute(select(GapSignalRow.query, GapSignalRow.topic_id)).all()
    return {query: topic_id for query, topic_id in rows}


def test_paraphrases_share_a_topic_and_products_stay_apart(
    server: RunningServer, tokens: dict[str, str], encoder: TextEncoder
) -> None:
    counting = CountingEncoder(encoder)
    _post(server, tokens["li.na"], "li.na", [PARAPHRASES[0], PRODUCTS[0]])
    _post(server, tokens["zhao.lei"], "zhao.lei", [PARAPHRASES[1], PRODUCTS[1]])
    assert collect_signals(server.db, encoder=lambda: counting) == 4
    topic = _topic_of(server)
    assert topic[PARAPHRASES[0]] == topic[PARAPHRASES[1]]
    assert topic[PRODUCTS[0]] != topic[PRODUCTS[1]]
    assert len(counting.texts) == 4
    with server.db.read() as conn:
        stored = conn.execute(select(func.count()).select_from(GapTextVectorRow)).scalar()
    assert stored == 4
    # The same question again (another way of typing it) is not encoded again, and the
    # topics' stored vectors are read back, not re-encoded: it joins the topic by meaning.
    _post(server, tokens["li.na"], "li.na", ["日本漫游流量包多少钱？", "日本漫游流量包价格"])
    assert collect_signals(server.db, encoder=lambda: counting) == 2
    assert counting.texts[4:] == ["日本漫游流量包价格"]
    topic = _topic_of(server)
    assert topic["日本漫游流量包价格"] == topic[PARAPHRASES[0]]


@pytest.mark.logs_warnings("gap clustering stays lexical")
def test_without_an_encoder_clustering_is_lexical(
    server: RunningServer, tokens: dict[str, str]
) -> None:
    _post(server, tokens["li.na"], "li.na", [PARAPHRASES[0], PARAPHRASES[1]])
    assert collect_signals(server.db, encoder=lambda: None) == 2
    topic = _topic_of(server)
    assert topic[PARAPHRASES[0]] != topic[PARAPHRASES[1]]
    with server.db.read() as conn:
        assert conn.execute(select(func.count()).select_from(GapTextVectorRow)).scalar() == 0


def test_a_new_model_encodes_the_topics_again(
    server: RunningServer, tokens: dict[str, str], encoder: TextEncoder
) -> None:
    old = CountingEncoder(encoder)
    _post(server, tokens["li.na"], "li.na", [PARAPHRASES[0]])
    assert collect_signals(server.db, encoder=lambda: old) == 1
    assert old.texts == [PARAPHRASES[0]]
    # The old model's vector is not compared with the new one's: the topic's text is
    # encoded again with the new model, and then the paraphrase joins it.
    new = CountingEncoder(encoder, model_id="another-model")
    _post(server, tokens["zhao.lei"], "zhao.lei", [PARAPHRASES[1]])
    assert collect_signals(server.db, encoder=lambda: new) == 1
    assert sorted(new.texts) == sorted(PARAPHRASES)
    topic = _topic_of(server)
    assert topic[PARAPHRASES[0]] == topic[PARAPHRASES[1]]
    with server.db.read() as conn:
        models = conn.execute(select(GapTextVectorRow.model_id)).scalars().all()
    assert sorted(models) == sorted([encoder.model_id, "another-model", "another-model"])


@pytest.mark.logs_warnings("gap clustering stays lexical")
def test_topics_from_before_vectors_get_them(
    server: RunningServer, tokens: dict[str, str], encoder: TextEncoder
) -> None:
    _post(server, tokens["li.na"], "li.na", [PARAPHRASES[0]])
    assert collect_signals(server.db, encoder=lambda: None) == 1  # a server without one
    _post(server, tokens["zhao.lei"], "zhao.lei", [PARAPHRASES[1]])
    assert collect_signals(server.db, encoder=lambda: encoder) == 1
    topic = _topic_of(server)
    assert topic[PARAPHRASES[0]] == topic[PARAPHRASES[1]]


@pytest.mark.parametrize(
    ("first", "second", "together"),
    [
        (*PARAPHRASES, True),
        (*PRODUCTS, False),  # two products (sentence cosine 0.95)
        ("花呗怎么还", "借呗怎么还", False),  # 0.97
        ("iPhone 15去哪里维修", "iPhone 15维修要多少钱", False),  # a place vs an amount
    ],
)
def test_meaning_joins_wordings_not_things(
    encoder: TextEncoder, first: str, second: str, together: bool
) -> None:
    one, two = encoder.encode([normal_form(first), normal_form(second)])
    index = TopicIndex()
    index.add_text(1, first, one)
    assert index.assign(second) is None  # words alone keep every pair apart
    assert (index.assign(second, two) == 1) is together


def test_words_and_their_readings_join_a_close_wording(encoder: TextEncoder) -> None:
    # 忘 / 忘记 and 密码 in both: with the characters' readings, words alone suffice now.
    one, two = encoder.encode([normal_form("忘记密码怎么办"), normal_form("密码忘了")])
    index = TopicIndex()
    index.add_text(1, "忘记密码怎么办", one)
    assert index.assign("密码忘了") == 1
    assert index.assign("密码忘了", two) == 1


# A topic that gathered several phrasings (and a typo, an order number): its centroid is
# far from each of them, so a new phrasing close to one of them needs its nearest form.
GATHERED = ["花呗在哪里还款", "花呗还款入口在哪", "花呗怎么还", "花呗怎么还款"] * 3 + [
    "花呗还宽入口在哪",
    "花呗怎么还 订单号8281466057",
]
REPAIR = ["荣耀X50坏了去哪修", "荣耀X50去哪里维修"]


@pytest.mark.parametrize(
    ("topic", "text", "together"),
    [
        (GATHERED, "花呗还款方式有哪些", True),  # a detail on one side only: wording
        (GATHERED, "借呗还款方式有哪些", False),  # another product
        (REPAIR, "荣耀X50维修网点在哪里", True),
        (REPAIR, "荣耀X50售后维修点在哪", True),
        (REPAIR, "荣耀X50维修要多少钱", False),  # an amount, not a place
        (REPAIR, "小米14维修网点在哪里", False),  # another product
    ],
)
def test_a_new_phrasing_joins_by_its_nearest_form(
    encoder: TextEncoder, topic: list[str], text: str, together: bool
) -> None:
    vectors = encoder.encode([normal_form(t) for t in [*topic, text]])
    index = TopicIndex()
    index.add_topic(1, topic, list(vectors[:-1]))
    assert index.assign(text) is None  # words alone do not place it
    assert index.meaning_match(text, vectors[-1]) is None  # nor the topic's mean vector
    assert (index.assign(text, vectors[-1]) == 1) is together
