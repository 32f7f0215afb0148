"""Gap clustering: speed and purity of ``deskmate.server.gap_clustering`` on generated gap texts.

Run from the repository root::

    python -m benchmarks.gap_clustering
    python -m benchmarks.gap_clustering --signals 20000 --seed 7 --threshold 0.6

The gap texts are generated (seeded) from the intents below: each intent has a few ways
agents phrase it, most of them with a product slot, and each (intent, product) pair is one
ground-truth topic. Texts get greetings, trailing particles and punctuation, full-width
letters, stray spaces, typos (homophones, dropped, doubled or swapped characters) and
order numbers; intents are drawn Zipf-like, so a few gaps are frequent and many are rare.
Target (issue): 20k gap events clustered in ≤ 30 s on the 2-core machine.

If the ATEC eval set is present, its queries and their labelled FAQ questions are also
clustered together (read at run time, nothing copied): pair recall = the share of
(query, relevant FAQ) pairs that share a topic; random-pair rate = the same share for
random (query, other FAQ) pairs, the false-join rate to compare it with.
"""

from __future__ import annotations

import argparse
import random
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.corpus import load_atec_faqs, load_atec_queries, resolve_eval_dir
from benchmarks.semantic import DEFAULT_CACHE, cached_encoder
from benchmarks.system import (
    REPO_ROOT,
    machine_line,
    peak_rss_mib,
    print_table,
    setup_logging,
    summary_ms,
)

SAMPLE_SYNONYMS = REPO_ROOT / "resources" / "sample_pack" / "synonyms.txt"
PHONES = ["iPhone 15", "华为Mate60", "小米14", "荣耀X50"]
DEVICES = [*PHONES, "小米电视", "路由器"]
CREDIT = ["花呗", "信用卡", "借呗"]
PLANS = ["5G套餐", "宽带", "流量包", "亲情号"]
MEMBERSHIPS = ["视频会员", "音乐会员", "星桥PLUS"]

# intent -> ("phrasing | phrasing | ...", products); "{p}" is the product slot, no slot =
# no product. Each intent is one question an editor would answer with one item.
# fmt: off
_SPEC: dict[str, tuple[str, list[str]]] = {
    "refund_time": ("{p}退款多久到账 | {p}退款什么时候到账 | {p}退款几天能到账 | {p}退款到账时间 | {p}的退款怎么还没到账", [*PHONES, "宽带", "视频会员"]),
    "return_how": ("{p}怎么退货 | {p}退货流程 | {p}想退货怎么操作 | {p}退货怎么申请", DEVICES),
    "return_7day": ("{p}可以七天无理由退货吗 | {p}支持7天无理由吗 | {p}七天无理由退货", DEVICES),
    "repair_where": ("{p}坏了去哪修 | {p}售后维修点在哪 | {p}维修网点在哪里 | {p}去哪里维修", DEVICES),
    "repair_cost": ("{p}维修要多少钱 | {p}维修费用 | {p}修一下多少钱", DEVICES),
    "warranty": ("{p}保修怎么申请 | {p}保修期多久 | {p}还在保修期吗", DEVICES),
    "instalment_fee": ("{p}分期手续费多少 | {p}分期要手续费吗 | {p}分期的手续费怎么算 | {p}分期费率是多少", CREDIT),
    "repay_how": ("{p}怎么还款 | {p}怎么还 | {p}还款方式有哪些 | {p}在哪里还款 | {p}还款入口在哪", CREDIT),
    "early_repay": ("{p}能提前还款吗 | {p}提前还款怎么操作 | {p}可以提前还清吗", CREDIT),
    "overdue": ("{p}逾期了怎么办 | {p}逾期有什么影响 | {p}逾期会怎样 | {p}逾期几天有事吗", CREDIT),
    "credit_report": ("{p}逾期会上征信吗 | {p}会影响征信吗 | {p}上不上征信", CREDIT),
    "cant_use": ("{p}用不了 | {p}为什么不能用 | {p}突然用不了了 | {p}无法使用是什么原因", ["花呗", "信用卡", "优惠券", "星桥余额"]),
    "broadband_down": ("宽带连不上网 | 宽带断网了 | 家里宽带没网了 | 宽带突然上不了网", []),
    "broadband_slow": ("宽带网速特别慢 | 宽带网速慢怎么办 | 家里网速太慢了", []),
    "invoice_how": ("怎么开发票 | 发票在哪里开 | 发票怎么申请 | 开发票的流程", []),
    "invoice_vat": ("能开增值税专用发票吗 | 专票怎么开 | 可以开专用发票吗", []),
    "esim_transfer": ("eSIM怎么转到新手机 | 换手机了eSIM怎么迁移 | eSIM转移到新手机", []),
    "port_number": ("携号转网怎么办理 | 携号转网怎么办 | 怎么携号转网到星桥 | 携号转网的流程", []),
    "plan_change": ("{p}怎么改套餐 | {p}套餐变更 | {p}能降档吗 | {p}怎么换成便宜的套餐", PLANS),
    "plan_cancel": ("{p}怎么退订 | {p}取消办理 | {p}不想要了怎么退订", PLANS),
    "delivery_late": ("{p}快递怎么还没到 | {p}怎么还没收到 | {p}物流一直不更新", [*PHONES, "小米电视", "订单"]),
    "address_change": ("怎么改收货地址 | 收货地址填错了怎么改 | 下单后能改地址吗 | 修改收货地址", []),
    "points_redeem": ("积分怎么兑换 | 积分兑换在哪里 | 积分能换什么", []),
    "points_expiry": ("积分过期了吗 | 积分有效期多久 | 积分什么时候过期", []),
    "sms_code": ("收不到验证码 | 验证码一直没收到 | 短信验证码收不到怎么回事 | 验证码发不过来", []),
    "password_reset": ("忘记密码怎么办 | 怎么重置登录密码 | 登录密码找回 | 密码忘了", []),
    "auto_renew": ("{p}怎么取消自动续费 | {p}自动续费怎么关 | 取消{p}连续包月 | 关闭{p}自动续费", MEMBERSHIPS),
    "double_charge": ("扣了两次钱 | 重复扣款怎么退 | 为什么扣了我两次 | 同一笔订单扣款两次", []),
    "roaming_on": ("出国漫游怎么开通 | 国际漫游怎么开 | 开通国际漫游", []),
    "roaming_fee": ("国际漫游资费 | 漫游怎么收费 | 境外流量怎么收费", []),
    "refund_status_en": ("refund status | status of my refund | where is my refund | refund not received yet | when will I get my refund", []),
    "esim_en": ("how to transfer esim | esim transfer to new phone | move my esim to another phone | transfer my eSIM", []),
    "cancel_en": ("cancel subscription | how do I cancel my subscription | cancel my subscription please", []),
    "invoice_en": ("how to get an invoice | invoice request | request an invoice | where can I get my invoice", []),
    "password_en": ("forgot password | reset my password | I forgot my password", []),
}
# One-off gaps: a question each, no paraphrases (the long tail of a real queue).
RARE = [
    "屏幕出现绿线", "充电口松动", "开机一直重启", "蓝牙连不上耳机", "发票抬头写错了", "积分兑换的礼品没收到", "快递员态度差", "包装破损了", "赠品没有发",
    "价格保护怎么申请", "以旧换新怎么估价", "能不能开两张发票", "副卡怎么办理", "亲情号码怎么删除", "国际长途资费", "来电不显示号码", "WiFi密码忘了",
    "光猫指示灯变红", "宽带移机", "上门安装收费吗", "合约机能退吗", "停机保号", "过户需要什么材料", "实名认证失败", "人脸识别不通过", "换绑手机号",
    "怎么注销账号", "支付密码被锁", "银行卡解绑", "红包过期了", "优惠券能叠加吗", "满减规则", "预售定金能退吗", "尾款怎么付", "发错货了", "少发了配件",
    "序列号在哪查", "激活日期查询", "can I change my delivery date", "how to unlink my bank card",
]
GREETINGS = ["", "", "", "", "您好，", "请问", "客户问：", "用户反馈", "急！", "你好 "]
ENDINGS = ["", "", "", "？", "?", "吗", "呢", "啊", "，急", "。谢谢", "！！"]
HOMOPHONES = {"账": "帐", "的": "得", "么": "麽", "还": "换", "款": "宽", "修": "休", "码": "吗",
              "续": "需", "费": "废", "号": "好", "网": "往", "货": "或"}
# fmt: on
INTENTS: dict[str, tuple[list[str], list[str]]] = {
    intent: ([p.strip() for p in phrasings.split("|")], products)
    for intent, (phrasings, products) in _SPEC.items()
}
INTENTS.update({f"rare{i:02d}": ([text], []) for i, text in enumerate(RARE)})


def _typo(text: str, rng: random.Random) -> str:
    """One realistic slip: a homophone, a dropped, doubled or swapped character."""
    if len(text) < 4:
        return text
    i = rng.randrange(1, len(text) - 1)
    kind = rng.random()
    if kind < 0.4:
        spots = [j for j, ch in enumerate(text) if ch in HOMOPHONES]
        if spots:
            j = rng.choice(spots)
            return text[:j] + HOMOPHONES[text[j]] + text[j + 1 :]
    if kind < 0.6:
        return text[:i] + text[i + 1 :]
    if kind < 0.8:
        return text[:i] + text[i] + text[i:]
    return text[: i - 1] + text[i] + text[i - 1] + text[i + 1 :]


def _full_width(text: str) -> str:
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


def generate(n: int, seed: int) -> list[tuple[str, str, str]]:
    """``n`` gap texts with their true topic (intent/product) and clean phrasing, reproducibly."""
    rng = random.Random(seed)
    topics = [
        (intent, product)
        for intent, (_t, products) in INTENTS.items()
        for product in (products or [""])
        if not intent.startswith("rare")
    ]
    rng.shuffle(topics)
    topics += [(f"rare{i:02d}", "") for i in range(len(RARE))]  # the tail of the ranking
    weights = [1.0 / (rank + 1) ** 0.8 for rank in range(len(topics))]  # Zipf-like
    out = []
    for intent, product in rng.choices(topics, weights, k=n):
        text = phrasing = rng.choice(INTENTS[intent][0]).replace("{p}", product)
        if rng.random() < 0.15:
            text = _typo(text, rng)
        if not intent.endswith("_en"):
            text = rng.choice(GREETINGS) + text + rng.choice(ENDINGS)
        if rng.random() < 0.05:
            text += f" 订单号{rng.randrange(10**9, 10**10)}"
        if rng.random() < 0.05:
            text = _full_width(text)
        if rng.random() < 0.05:
            text = text.upper()
        if rng.random() < 0.05:  # a stray space
            i = rng.randrange(len(text))
            text = text[:i] + " " + text[i:]
        out.append((text, f"{intent}/{product}" if product else intent, phrasing))
    return out


def purity(assigned: Sequence[int], truth: Sequence[str]) -> tuple[float, float]:
    """(purity, inverse purity): how unmixed the topics are, and how unsplit the intents are."""
    by_topic: dict[int, Counter[str]] = defaultdict(Counter)
    by_truth: dict[str, Counter[int]] = defaultdict(Counter)
    for topic, label in zip(assigned, truth, strict=True):
        by_topic[topic][label] += 1
        by_truth[label][topic] += 1
    n = len(truth)
    pure = sum(c.most_common(1)[0][1] for c in by_topic.values()) / n
    whole = sum(c.most_common(1)[0][1] for c in by_truth.values()) / n
    return pure, whole


def encode_texts(encoder: Any, texts: Sequence[str]) -> tuple[dict[str, Any], float]:
    """Vectors of the texts' distinct normal forms (as the server stores them); texts/s.

    The rate counts only the texts actually encoded (not answered from the cache); 0
    when all were cached.
    """
    from deskmate.server.gap_clustering import normal_form

    forms = [f for f in dict.fromkeys(normal_form(t) for t in texts) if f]
    before, start = encoder.encoded, time.perf_counter()
    vectors: dict[str, Any] = {}
    for i in range(0, len(forms), 64):
        chunk = forms[i : i + 64]
        vectors.update(zip(chunk, encoder.encode(chunk), strict=True))
    encoder.save()
    fresh = encoder.encoded - before
    return vectors, fresh / (time.perf_counter() - start) if fresh else 0.0


def gap_texts(texts: Sequence[str], vectors: dict[str, Any] | None, prefix: str = "s") -> list[Any]:
    """The texts as GapTexts keyed ``prefix`` + position, with their vectors if given."""
    from deskmate.server.gap_clustering import GapText, normal_form

    return [
        GapText(f"{prefix}{i}", text, vectors.get(normal_form(text)) if vectors else None)
        for i, text in enumerate(texts)
    ]


def measure(
    data: list[tuple[str, str, str]],
    threshold: float,
    synonyms: Any,
    vectors: dict[str, Any] | None = None,
    vector_floor: float = 0.84,
) -> dict[str, Any]:
    """Cluster ``data`` with a fresh index; time it, then time each assignment in a second pass."""
    from deskmate.server.gap_clustering import TopicIndex, cluster, topic_label

    texts = gap_texts([text for text, _label, _phrasing in data], vectors)

    def fresh_index() -> TopicIndex:
        return TopicIndex(threshold, synonyms=synonyms, vector_floor=vector_floor)

    start = time.perf_counter()
    index = fresh_index()
    made = time.perf_counter() - start
    counter = iter(range(1, 10**9))
    start = time.perf_counter()
    result = cluster(texts, index, lambda _label: next(counter))
    total = time.perf_counter() - start

    timed = fresh_index()
    assign_s, add_s, next_id = [], [], 1
    for signal in texts:
        t0 = time.perf_counter()
        topic = timed.assign(signal.text, signal.vector)
        t1 = time.perf_counter()
        if topic is None:
            topic, next_id = next_id, next_id + 1
        timed.add_text(topic, signal.text, signal.vector)
        assign_s.append(t1 - t0)
        add_s.append(time.perf_counter() - t1)

    members: dict[int, list[str]] = defaultdict(list)
    member_vectors: dict[int, list[Any]] = defaultdict(list)
    for signal in texts:
        members[result[signal.key]].append(signal.text)
        member_vectors[result[signal.key]].append(signal.vector)
    start = time.perf_counter()  # a server restart: every stored topic seeded again
    reseeded = fresh_index()
    for topic, topic_texts in members.items():
        reseeded.add_topic(topic, topic_texts, member_vectors[topic])
    reseed = time.perf_counter() - start
    start = time.perf_counter()
    labels = {topic: topic_label(topic_texts, index) for topic, topic_texts in members.items()}
    label_s = time.perf_counter() - start
    assigned = [result[s.key] for s in texts]
    pure, whole = purity(assigned, [label for _text, label, _phrasing in data])
    _pure, variants = purity(assigned, [phrasing for _text, _label, phrasing in data])
    return {
        "variants": variants,
        "init": made,
        "total": total,
        "assign": assign_s,
        "add": add_s,
        "members": members,
        "reseed": reseed,
        "labels": labels,
        "label_s": label_s,
        "purity": pure,
        "inverse": whole,
    }


def run(
    signals: int,
    seed: int,
    threshold: float,
    synonyms_file: Path,
    encoder: Any,
    vector_floors: Sequence[float],
) -> None:
    from deskmate.core.search.synonyms import SynonymTable

    data = generate(signals, seed)
    true_topics = len({label for _text, label, _phrasing in data})
    table = SynonymTable.load(synonyms_file)
    configs: list[tuple[str, Any, dict[str, Any] | None, float]] = [
        ("none", None, None, 0.0),
        (synonyms_file.name, table, None, 0.0),
    ]
    if encoder is not None:
        vectors, rate = encode_texts(encoder, [text for text, _label, _phrasing in data])
        shown = f"{rate:.0f} texts/s" if rate else "all from the cache"
        print(f"encoded {len(vectors)} distinct normal forms ({shown}; not in cluster s)")
        configs += [
            (f"{synonyms_file.name} + vectors, floor {t:.2f}", table, vectors, t)
            for t in vector_floors
        ]
    runs = [
        (name, measure(data, threshold, vocab, vectors, floor))
        for name, vocab, vectors, floor in configs
    ]
    print_table(
        [
            "vocabulary",
            "init s",
            "cluster s",
            "signals/s",
            "topics",
            "true topics",
            "purity",
            "inv. purity",
            "variants kept",
            "reseed s",
            "labels s",
        ],
        [
            [
                name,
                r["init"],
                r["total"],
                signals / r["total"],
                len(r["members"]),
                true_topics,
                r["purity"],
                r["inverse"],
                r["variants"],
                r["reseed"],
                r["label_s"],
            ]
            for name, r in runs
        ],
        digits=3,
        title=f"clustering {signals} generated gap texts (seed {seed}, threshold {threshold})",
    )
    rows = [
        [name, step, *summary_ms(r[key])]
        for name, r in runs
        for step, key in (("assign", "assign"), ("add_text", "add"))
        if name in (runs[0][0], runs[-1][0])
    ]
    print_table(
        ["vocabulary", "call", "p50 ms", "p95 ms", "max ms", "mean ms"],
        rows,
        digits=3,
        title="per signal (a second pass with each call timed)",
    )
    print(
        "\nquality: purity = share of signals in their topic's majority intent (wrong joins "
        "lower it);\ninverse purity = share of signals in their intent's largest topic "
        "(splits lower it; editors can merge);\nvariants kept = the same for each clean "
        "phrasing: how well typos, greetings, punctuation and width/case changes stay with it"
    )
    members, labels = runs[0][1]["members"], runs[0][1]["labels"]
    biggest = sorted(members, key=lambda t: -len(members[t]))[:8]
    print_table(
        ["topic", "signals", "label"],
        [[t, len(members[t]), labels[t]] for t in biggest],
        title="largest topics (no vocabulary)",
    )


def run_atec(
    eval_dir: Path, threshold: float, seed: int, encoder: Any, vector_floors: Sequence[float]
) -> None:
    from deskmate.server.gap_clustering import GapText, TopicIndex, cluster

    faqs = {f["id"]: f["question"] for f in load_atec_faqs(eval_dir)}
    queries = load_atec_queries(eval_dir)
    pairs = [(q["query"], faqs[q["relevant"][0]]) for q in queries if q["relevant"]]
    flat = [text for pair in pairs for text in pair]
    configs: list[tuple[str, dict[str, Any] | None, float]] = [("lexical", None, 0.0)]
    if encoder is not None:
        atec_vectors, _rate = encode_texts(encoder, flat)
        configs += [(f"vectors, floor {t:.2f}", atec_vectors, t) for t in vector_floors]
    rng = random.Random(seed)
    others = [rng.randrange(len(pairs)) for _ in pairs]
    counter = iter(range(1, 10**9))
    rows: list[list[Any]] = []
    for name, vectors, vector_floor in configs:
        texts = gap_texts(flat, vectors)  # s{2i} = query i, s{2i+1} = its FAQ question
        start = time.perf_counter()
        index = TopicIndex(threshold, vector_floor=vector_floor)
        result = cluster(texts, index, lambda _label: next(counter))
        total = time.perf_counter() - start
        together = sum(result[f"s{2 * i}"] == result[f"s{2 * i + 1}"] for i in range(len(pairs)))
        random_joins = sum(
            result[f"s{2 * i}"] == result[f"s{2 * j + 1}"] for i, j in enumerate(others) if i != j
        )
        rows.append(
            [
                f"{name}: {len(texts)} (query/FAQ pairs)",
                total,
                len(set(result.values())),
                together / len(pairs),
                random_joins / len(pairs),
            ]
        )
    # The hard case for speed: every text distinct, all about the same two products.
    every = [*faqs.values(), *(q["query"] for q in queries)]
    start = time.perf_counter()
    spread = cluster(
        [GapText(str(i), t) for i, t in enumerate(every)],
        TopicIndex(threshold),
        lambda _label: next(counter),
    )
    every_s = time.perf_counter() - start
    rows.append(
        [f"lexical: {len(every)} (all, distinct)", every_s, len(set(spread.values())), "", ""]
    )
    print_table(
        ["texts", "cluster s", "topics", "pair recall", "random-pair rate"],
        rows,
        digits=3,
        title="ATEC queries + their FAQ questions (labels are sparse: recall is a lower bound)",
    )


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--signals", type=int, default=20_000, help="gap texts to generate")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--threshold", type=float, default=None, help="similarity threshold (default: the module's)"
    )
    parser.add_argument(
        "--synonyms",
        type=Path,
        default=SAMPLE_SYNONYMS,
        help="synonym file for the second run (default: the sample pack's)",
    )
    parser.add_argument(
        "--eval-dir",
        type=Path,
        default=None,
        help="ATEC eval directory (default ../shared/eval/atec from the repo)",
    )
    parser.add_argument(
        "--vector-floors",
        default="0.8,0.84,0.88",
        help="sentence-cosine floors to try with the bundled encoder (comma-separated)",
    )
    parser.add_argument(
        "--no-vectors", action="store_true", help="lexical only (no encoder, nothing encoded)"
    )
    parser.add_argument(
        "--vector-cache",
        type=Path,
        default=DEFAULT_CACHE,
        help="where encoded vectors are kept between runs (vectors only, never texts)",
    )
    args = parser.parse_args(argv)
    setup_logging()
    from deskmate.server.gap_clustering import DEFAULT_THRESHOLD

    threshold = DEFAULT_THRESHOLD if args.threshold is None else args.threshold
    print(machine_line())
    encoder = None
    if not args.no_vectors:
        from deskmate.core.search.encoder import EncoderUnavailableError

        try:
            encoder = cached_encoder(args.vector_cache)
        except EncoderUnavailableError as exc:
            print(f"note: no sentence encoder ({exc.message}); lexical rows only")
    cuts = [float(t) for t in args.vector_floors.split(",") if t.strip()]
    run(args.signals, args.seed, threshold, args.synonyms, encoder, cuts)
    eval_dir = resolve_eval_dir(args.eval_dir)
    if eval_dir is None:
        print("\nnote: ATEC eval data not found (pass --eval-dir); skipped the ATEC pairs")
    else:
        run_atec(eval_dir, threshold, args.seed, encoder, cuts)
    print(f"\npeak RSS {peak_rss_mib():.0f} MiB")


if __name__ == "__main__":
    main()
