"""Semantic search under bad input (issue #16): a text the encoder crashes or hangs on,
NaN vectors, damaged stored vectors, an English-only pack.

The real encoder does the work; a thin wrapper makes it fail on one chosen text.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest
from deskmate.core import KnowledgeBase
from deskmate.core.content.model import Item
from deskmate.core.search.encoder import FloatMatrix, clip_text
from deskmate.core.search.encoder_guard import EncoderBusyError, EncoderGuard
from deskmate.core.semantic.vector_job import item_text, text_digest
from deskmate.core.store.vector_store import StoredVector

from tests.encoders import WrappedEncoder, real_encoder, zh_faqs


class _Flaky(WrappedEncoder):
    """The real encoder, except on ``bad``: raise, give NaN, or hang until released."""

    def __init__(self, bad: str, how: str) -> None:
        super().__init__()
        self.bad = clip_text(bad)
        self.how = how
        self.release = threading.Event()

    def encode(self, texts: Sequence[str]) -> FloatMatrix:
        vectors = self.inner.encode(texts)
        if self.bad in [clip_text(t) for t in texts]:
            if self.how == "crash":
                raise RuntimeError("engine failed")
            if self.how == "nan":
                vectors[[clip_text(t) for t in texts].index(self.bad)] = np.nan
            if self.how == "hang":
                self.release.wait(30)
        return vectors


@pytest.fixture
def items(sample_kb: KnowledgeBase) -> list[Item]:
    return zh_faqs(sample_kb)


@pytest.fixture
def flaky_kb(
    request: pytest.FixtureRequest, items: list[Item], tmp_path: Path
) -> Iterator[tuple[KnowledgeBase, _Flaky, Item]]:
    bad = items[5]
    flaky = _Flaky(item_text(bad), request.param)
    with KnowledgeBase.open(tmp_path / "kb", lambda: flaky) as kb:
        kb.upsert(items)
        yield kb, flaky, bad
        flaky.release.set()


def _stored(kb: KnowledgeBase) -> set[str]:
    return set(kb.semantic.vectors.digests(real_encoder().model_id))


@pytest.mark.parametrize(
    "flaky_kb",
    [
        pytest.param(
            "crash",
            marks=pytest.mark.logs_warnings(
                r"^the sentence encoder failed: RuntimeError\('engine failed'\)$",
                r"^item faq-acct-005 could not be encoded; it stays lexical$",
            ),
        ),
        pytest.param(
            "nan",
            marks=pytest.mark.logs_warnings(
                r"^item faq-acct-005 got an invalid vector; it stays lexical$"
            ),
        ),
    ],
    indirect=True,
)
def test_a_text_the_encoder_fails_on_costs_only_its_item(
    flaky_kb: tuple[KnowledgeBase, _Flaky, Item],
) -> None:
    kb, _flaky, bad = flaky_kb
    report = kb.semantic.encode_items()
    assert (report.encoded, report.failed) == (23, 1)
    assert bad.id not in _stored(kb)
    assert kb.search(bad.title, 3)[0].id == bad.id  # still found lexically
    # Retried on the next run (and still refused), never stored broken.
    assert kb.semantic.encode_items().failed == 1


@pytest.mark.parametrize("flaky_kb", ["hang"], indirect=True)
@pytest.mark.logs_warnings(
    r"^the sentence encoder did not answer within [\d.]+ s on \d+ text\(s\); search stays",
    r"^encoding items .* timed out; skipped, tried again later$",
)
def test_a_text_the_encoder_hangs_on_is_skipped_and_retried_later(
    flaky_kb: tuple[KnowledgeBase, _Flaky, Item], caplog: pytest.LogCaptureFixture
) -> None:
    kb, flaky, bad = flaky_kb
    guard = kb.semantic.encoder()
    assert isinstance(guard, EncoderGuard)
    guard.base_seconds, guard.seconds_per_text = 0.3, 0.1
    with caplog.at_level(logging.WARNING), pytest.raises(EncoderBusyError):
        kb.semantic.encode_slice(kb.semantic.plan_encoding())
    assert any("did not answer" in r.getMessage() for r in caplog.records)
    # Nothing else stalls: a question searched while the encoder is stuck is answered
    # at once, lexically.
    started = time.perf_counter()
    hits = kb.search("搬家了宽带能移过去吗怎么办", 5)
    assert time.perf_counter() - started < 0.25
    assert hits
    # The stuck call ends; the text still hangs the next time. The next run encodes
    # everything else first, then the suspects one by one, and skips the bad one.
    flaky.release.set()
    deadline = time.monotonic() + 10
    while guard.busy and time.monotonic() < deadline:
        time.sleep(0.01)
    flaky.release = threading.Event()
    with pytest.raises(EncoderBusyError):
        kb.semantic.encode_slice(kb.semantic.plan_encoding())
    stored = _stored(kb)
    assert bad.id not in stored
    assert len(stored) >= 21  # at most the bad item and the suspects after it wait
    # Later, when it answers again, the item is encoded like the others.
    flaky.release.set()
    while guard.busy and time.monotonic() < deadline + 10:
        time.sleep(0.01)
    kb.semantic.encode_slice(kb.semantic.plan_encoding())
    assert bad.id in _stored(kb)
    assert len(_stored(kb)) == 24


@pytest.mark.logs_warnings(r"^1 stored vectors are damaged and left out$")
def test_damaged_stored_vectors_are_left_out_and_encoded_again(
    items: list[Item], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    encoder = real_encoder()
    with KnowledgeBase.open(tmp_path / "kb", lambda: encoder) as kb:
        kb.upsert(items)
        assert kb.semantic.encode_items().encoded == 24
        victim = items[3]
        digest = text_digest(item_text(victim))
        kb.semantic.vectors.put(encoder.model_id, [StoredVector(victim.id, digest, 0.01, b"\x01")])
        with caplog.at_level(logging.WARNING):
            hits = kb.search(victim.title + "怎么回事呢", 5)
        assert victim.id in [h.id for h in hits]  # lexically
        assert any("damaged" in r.getMessage() for r in caplog.records)
        assert not kb.semantic.has_vector(victim.id)
        again = kb.semantic.encode_items()
        assert (again.encoded, again.kept) == (1, 23)
        kb.search(victim.title + "怎么回事呢", 5)
        assert kb.semantic.has_vector(victim.id)


def test_an_english_only_pack_works(tmp_path: Path) -> None:
    faqs = [
        ("en-1", "How do I reset my voicemail PIN?", "Dial 121 and choose option 4."),
        (
            "en-2",
            "Why is my broadband slow in the evening?",
            "Peak-time congestion; restart the router.",
        ),
        ("en-3", "Can I take my phone number to another network?", "Yes, ask for a PAC code."),
    ]
    records = [
        Item.from_dict(
            {
                "id": i,
                "kind": "faq",
                "title": title,
                "body": body,
                "language": "en",
                "updated_at": "2026-11-01T00:00:00+00:00",
                "version": 1,
            }
        )
        for i, title, body in faqs
    ]
    with KnowledgeBase.open(tmp_path / "kb", lambda: real_encoder()) as kb:
        kb.upsert(records)
        report = kb.semantic.encode_items()
        assert (report.encoded, report.failed) == (3, 0)
        assert kb.search("voicemail pin", 3)[0].id == "en-1"
        assert kb.search("broadband slow", 3)[0].id == "en-2"
        # Related items work on English vectors too.
        assert {h.id for h in kb.related("en-3", 2)} == {"en-1", "en-2"}
