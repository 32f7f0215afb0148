"""Gap clustering: which queries share a topic, incremental stability, labels, odd input."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest
from deskmate.core.search.analysis import Segmenter
from deskmate.core.search.synonyms import SynonymTable
from deskmate.server.gap_clustering import (
    DEFAULT_THRESHOLD,
    LABEL_CHARS,
    GapText,
    TopicIndex,
    cluster,
    normal_form,
    topic_label,
)


class Minter:
    """A ``new_topic`` callback that numbers topics like a database would, from 100."""

    def __init__(self) -> None:
        self.labels: dict[int, str] = {}

    def __call__(self, label: str) -> int:
        topic_id = 100 + len(self.labels)
        self.labels[topic_id] = label
        return topic_id


@pytest.fixture(scope="module")
def fresh() -> Callable[..., TopicIndex]:
    """Empty indexes sharing one segmenter (its dictionary takes a moment to load)."""
    segmenter = Segmenter()

    def make(threshold: float = DEFAULT_THRESHOLD) -> TopicIndex:
        return TopicIndex(threshold, segmenter=segmenter)

    return make


def topics_of(index: TopicIndex, texts: Sequence[str], minter: Minter | None = None) -> list[int]:
    """Cluster ``texts`` in order; their topic ids, in the same order."""
    signals = [GapText(f"k{i}", text) for i, text in enumerate(texts)]
    result = cluster(signals, index, minter or Minter())
    return [result[s.key] for s in signals]


@pytest.mark.parametrize(
    "texts",
    [
        pytest.param(["退款多久到账", "退款什么时候到账", "退款到账时间"], id="refund-timing"),
        pytest.param(
            ["退款多久到账", "请问退款啥时候到帐？", "退款 几天能到账啊"], id="noisy-timing"
        ),
        pytest.param(["花呗还款", "花呗怎么还", "花呗要怎么还款呢"], id="repay-huabei"),
        pytest.param(["refund status", "status of my refund", "Where is my refund?"], id="en"),
        pytest.param(["退款多久到账", "请问一下退款到底要多长时间才能到账呢"], id="chatty"),
        pytest.param(["宽带连不上网", "宽带一直连不上"], id="different-cut"),
        pytest.param(["eSIM 换手机后激活不了", "eSIM 换了新手机无法激活"], id="failure-words"),
        pytest.param(["收不到验证码", "验证码一直收不到"], id="word-order"),
        pytest.param(["iPhone15退货", "iphone 15 退货"], id="letters-digits"),
        pytest.param(["ＲＥＦＵＮＤ　ＳＴＡＴＵＳ！", "refund status"], id="full-width"),
        pytest.param(
            ["订单 2023110598765 没收到", "订单 2023110512345 没收到"], id="order-numbers"
        ),
        pytest.param(["how do I cancel my subscription?", "cancel subscription"], id="en-frame"),
    ],
)
def test_paraphrases_share_a_topic(fresh: Callable[..., TopicIndex], texts: list[str]) -> None:
    assert len(set(topics_of(fresh(), texts))) == 1


@pytest.mark.parametrize(
    "texts",
    [
        pytest.param(["iPhone 退货", "iPhone 维修"], id="same-product-other-intent"),
        pytest.param(["花呗还款", "花呗逾期了怎么办"], id="huabei-intents"),
        pytest.param(["花呗逾期了怎么办", "花呗怎么还"], id="short-query-after-another-intent"),
        pytest.param(["花呗分期手续费多少", "借呗分期手续费多少"], id="unknown-product-words"),
        pytest.param(["视频会员怎么取消自动续费", "音乐会员怎么取消自动续费"], id="products"),
        pytest.param(["refund status", "reset my password"], id="en"),
        pytest.param(["hbhk", "花呗还款"], id="pinyin-initials-left-alone"),
    ],
)
def test_different_gaps_stay_apart(fresh: Callable[..., TopicIndex], texts: list[str]) -> None:
    assert len(set(topics_of(fresh(), texts))) == len(texts)


def test_the_refund_and_huabei_groups_in_one_stream(fresh: Callable[..., TopicIndex]) -> None:
    texts = [
        "退款多久到账",
        "花呗还款",
        "iPhone 退货",
        "退款什么时候到账",
        "花呗怎么还",
        "iPhone 维修",
        "退款到账时间",
        "refund status",
        "status of my refund",
    ]
    ids = dict(zip(texts, topics_of(fresh(), texts), strict=True))
    assert ids["退款多久到账"] == ids["退款什么时候到账"] == ids["退款到账时间"]
    assert ids["花呗还款"] == ids["花呗怎么还"]
    assert ids["refund status"] == ids["status of my refund"]
    groups = {
        ids["退款多久到账"],
        ids["花呗还款"],
        ids["iPhone 退货"],
        ids["iPhone 维修"],
        ids["refund status"],
    }
    assert len(groups) == 5


def test_identical_normal_forms_always_join(fresh: Callable[..., TopicIndex]) -> None:
    # Even an index that would join nothing on similarity joins the same text typed again.
    index = fresh(threshold=1.01)
    ids = topics_of(index, ["花呗，怎么还？", "花呗 怎么还", "花呗怎么还！！", "花呗要怎么还款"])
    assert ids[0] == ids[1] != ids[2] != ids[3]
    assert normal_form("  花呗，怎么还？ ") == normal_form("花呗 怎么还") == "花呗 怎么还"


def test_synonyms_count_as_one_word(fresh: Callable[..., TopicIndex]) -> None:
    synonyms = SynonymTable.parse("退款, 退钱, refund\n花呗, 蚂蚁花呗\n")
    plain, with_synonyms = fresh(), TopicIndex(synonyms=synonyms)
    texts = ["退款多久到账", "退钱多久到账", "蚂蚁花呗要怎么还款", "花呗要怎么还款"]
    assert topics_of(plain, texts)[:2] == [100, 101]
    ids = topics_of(with_synonyms, texts)
    assert ids[0] == ids[1] != ids[2] == ids[3]


def test_new_signals_join_seeded_topics_and_new_ones_are_minted(
    fresh: Callable[..., TopicIndex],
) -> None:
    index = fresh()
    index.add_topic(7, ["退款多久到账", "退款到账时间"])
    index.add_topic(8, ["iPhone 维修"])
    minter = Minter()
    signals = [
        GapText("e1", "退款什么时候到账"),
        GapText("e2", "eSIM 怎么转移"),
        GapText("e3", "iPhone 维修点在哪"),
        GapText("e4", "esim怎么转移?"),
        GapText("e1", "iPhone 维修"),
    ]  # a repeated key keeps its first assignment
    assert cluster(signals, index, minter) == {"e1": 7, "e2": 100, "e3": 8, "e4": 100}
    assert minter.labels == {100: "eSIM 怎么转移"}
    assert len(index) == 3
    assert 100 in index


def test_earlier_assignments_never_move(fresh: Callable[..., TopicIndex]) -> None:
    first = ["退款多久到账", "花呗还款", "iPhone 退货", "退款什么时候到账"]
    later = ["退款", "到账", "退款到账要几天", "花呗", "iPhone", "退货退款", "花呗还款退款到账"]
    index, minter = fresh(), Minter()
    before = topics_of(index, first, minter)
    topics_of(index, later, minter)
    # Asking again, the first texts still go exactly where they went.
    assert [index.assign(text) for text in first] == before


def test_a_reseeded_index_assigns_like_the_live_one(fresh: Callable[..., TopicIndex]) -> None:
    # The server restarts between batches: topics are seeded again from the stored signals.
    batch1 = [
        "退款多久到账",
        "花呗怎么还",
        "iPhone 维修",
        "花呗还款",
        "退款到账时间",
        "refund status",
        "宽带连不上网",
        "视频会员怎么取消自动续费",
        "status of my refund",
        "宽带断网了",
    ]
    batch2 = [
        "退款什么时候到账",
        "花呗还款方式",
        "iPhone 维修要多少钱",
        "where is my refund",
        "宽带一直连不上",
        "音乐会员怎么取消自动续费",
        "宽带断网了怎么办",
    ]
    live, minter = fresh(), Minter()
    ids1 = topics_of(live, batch1, minter)
    stored: dict[int, list[str]] = {}
    for text, topic_id in zip(batch1, ids1, strict=True):
        stored.setdefault(topic_id, []).append(text)
    restarted = fresh()
    for topic_id, texts in stored.items():
        restarted.add_topic(topic_id, texts)
    assert topics_of(live, batch2, Minter()) == topics_of(restarted, batch2, Minter())


def test_best_match_reports_the_score(fresh: Callable[..., TopicIndex]) -> None:
    index = fresh()
    assert index.best_match("退款多久到账") is None
    index.add_topic(1, ["退款多久到账"])
    index.add_topic(2, ["iPhone 退货"])
    assert index.best_match("退款多久到账！") == (1, 1.0)
    topic_id, score = index.best_match("退款到账时间") or (0, 0.0)
    assert topic_id == 1
    assert score > index.threshold
    assert index.assign("花呗逾期") is None
    weak = index.best_match("iPhone 维修")
    assert weak is not None
    assert weak[1] < index.threshold


@pytest.mark.parametrize(
    ("texts", "label"),
    [
        (
            ["退款多久到账", "退款多久到账", "退款什么时候到账", "退款到帐多久啊？？"],
            "退款多久到账",
        ),
        (
            [
                "花呗要怎么还款 订单号 12345678",
                "花呗要怎么换款",
                "花呗要怎么还款",
                "花呗要怎么还款",
            ],
            "花呗要怎么还款",
        ),
        (
            ["您好，请问宽带连不上网", "宽带连不上网了", "宽带连不上网", "宽带连不上网"],
            "宽带连不上网",
        ),
        (["  花呗   怎么还？ "], "花呗 怎么还"),
        (["", "😀", "？？？", "refund status"], "refund status"),
        (["？？？", "!!!"], "？？？"),
        ([], ""),
    ],
)
def test_topic_label_is_the_most_representative_text(texts: list[str], label: str) -> None:
    assert topic_label(texts) == label


def test_empty_punctuation_and_emoji_texts_share_one_topic(
    fresh: Callable[..., TopicIndex],
) -> None:
    ids = topics_of(fresh(), ["", "？？？", "😀😀", "   ", "退款多久到账😭", "退款多久到账"])
    assert ids[0] == ids[1] == ids[2] == ids[3] != ids[4] == ids[5]


def test_texts_of_stop_words_only_join_only_themselves(fresh: Callable[..., TopicIndex]) -> None:
    ids = topics_of(fresh(), ["怎么办呢", "怎么办呢？", "怎么办啊", "the of and"])
    assert ids[0] == ids[1]
    assert len({ids[0], ids[2], ids[3]}) == 3


def test_very_long_text(fresh: Callable[..., TopicIndex]) -> None:
    pasted = "客户说：" + "我的宽带从昨天开始一直连不上网，重启路由器也没有用。" * 400
    minter = Minter()
    ids = topics_of(fresh(), [pasted, pasted + "谢谢", "宽带连不上网"], minter)
    assert ids[0] == ids[1]  # only the start counts
    label = minter.labels[ids[0]]
    assert len(label) == LABEL_CHARS
    assert label.endswith("…")
    assert len(topic_label([pasted])) == LABEL_CHARS


def test_mixed_scripts_and_symbols_do_not_break_anything(fresh: Callable[..., TopicIndex]) -> None:
    odd = [
        "5G套餐😀怎么改",
        "𠀀𠀁 生僻字",
        "ﾊﾝｶｸ カナ",
        "e-SIM ✔ 转移",
        "a" * 300,
        "12345",
        "\u200b\u3000\t\n",
        "退款\x00多久到账",
        "Ｅｍａｉｌ: test@example.com",
    ]
    ids = topics_of(fresh(), odd)
    assert len(ids) == len(odd)
    assert all(isinstance(topic_label([text]), str) for text in odd)


@pytest.mark.parametrize(
    ("topic", "typed"),
    [
        pytest.param(
            ["花呗在哪里还款", "花呗还款入口在哪", "花呗怎么还款"], "花呗还宽入口在哪", id="kuan"
        ),
        pytest.param(["借呗分期手续费多少", "借呗分期要手续费吗"], "借呗分期手续废多少", id="fei"),
    ],
)
def test_homophone_typos_join_their_topic(
    fresh: Callable[..., TopicIndex], topic: list[str], typed: str
) -> None:
    # Agents type with a pinyin input method: the commonest slip is a homophone.
    assert len(set(topics_of(fresh(), [*topic, typed]))) == 1


def test_homophones_do_not_join_other_products(fresh: Callable[..., TopicIndex]) -> None:
    assert len(set(topics_of(fresh(), ["花呗怎么还款", "借呗怎么还宽"]))) == 2


def test_the_word_naming_an_order_number_is_not_what_the_gap_is_about(
    fresh: Callable[..., TopicIndex],
) -> None:
    texts = ["花呗怎么还 订单号8281466057", "花呗怎么还 订单号7168948915", "花呗还款入口在哪"]
    texts += ["花呗还款入口在哪 运单号SF1234567890"]
    assert len(set(topics_of(fresh(), ["花呗还款入口在哪", "花呗在哪里还款", *texts]))) == 1
