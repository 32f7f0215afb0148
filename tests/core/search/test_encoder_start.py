"""A typed question's encoding starts at the keystroke, beside the lexical search (#16).

The real encoder does the work; a thin wrapper records the texts it is asked for and can
hold a call back, so the order of calls is observable.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from deskmate.core import KnowledgeBase
from deskmate.core.search.encoder import FloatMatrix, TextEncoder
from deskmate.core.search.encoder_guard import EncoderGuard

from tests.encoders import WrappedEncoder, zh_faqs

QUESTION = "我要换个地方住家里的网络能跟着搬走吗"
OTHER = "宽带突然断网了应该怎么报修处理"


class _Recording(WrappedEncoder):
    """Records each call's texts; ``gate`` holds calls back when cleared."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[list[str]] = []
        self.gate = threading.Event()
        self.gate.set()
        self.entered = threading.Event()

    def encode(self, texts: Sequence[str]) -> FloatMatrix:
        self.calls.append(list(texts))
        self.entered.set()
        self.gate.wait(10)
        return self.inner.encode(texts)


@pytest.fixture
def recorded_kb(
    sample_kb: KnowledgeBase, tmp_path: Path
) -> Iterator[tuple[KnowledgeBase, _Recording, list[int]]]:
    items = zh_faqs(sample_kb)
    recording = _Recording()
    asked: list[int] = []

    def factory() -> TextEncoder:
        asked.append(1)
        return recording

    with KnowledgeBase.open(tmp_path / "kb", factory) as kb:
        kb.upsert(items)
        kb.semantic.encode_items()
        recording.calls.clear()
        asked.clear()
        yield kb, recording, asked


def test_a_started_question_is_encoded_once_for_its_fused_search(
    recorded_kb: tuple[KnowledgeBase, _Recording, list[int]],
) -> None:
    kb, recording, asked = recorded_kb
    # Before the first fused search the encoder may not be loaded: nothing starts.
    kb.semantic.start_encoding(QUESTION)
    assert asked == []
    assert recording.calls == []
    assert kb.search(OTHER, limit=5)  # a fused search: the encoder is known from now on
    assert recording.calls == [[OTHER]]
    recording.entered.clear()
    kb.semantic.start_encoding(QUESTION)  # the keystroke: returns at once
    assert recording.entered.wait(10)  # the encoder is at work before the search runs
    hits = kb.search(QUESTION, limit=5)
    assert recording.calls == [[OTHER], [QUESTION]]  # the search took the started call
    assert "faq-bb-007" in [hit.id for hit in hits]
    kb.semantic.start_encoding("退款")  # type-ahead, not a question: nothing to start
    assert recording.calls == [[OTHER], [QUESTION]]


def test_a_newer_keystroke_drops_the_started_texts_not_begun() -> None:
    recording = _Recording()
    guard = EncoderGuard(recording)
    recording.gate.clear()  # the first call holds the worker
    guard.start(["第一个问题正在编码"])
    assert recording.entered.wait(10)
    guard.start(["第二个问题被后来的取代"])
    guard.start(["第三个问题才是现在的"])
    recording.gate.set()
    vectors = guard.encode(["第三个问题才是现在的"])
    assert vectors.shape == (1, recording.dimension)
    assert recording.calls == [["第一个问题正在编码"], ["第三个问题才是现在的"]]
    # A text asked for without a start is encoded by its own call, as before.
    guard.encode(["没有提前开始的问题"])
    assert recording.calls[-1] == ["没有提前开始的问题"]
