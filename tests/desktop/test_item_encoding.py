"""The sidebar's background encoding (issue #16): slices of items as writer-lane jobs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from deskmate.core import KnowledgeBase
from deskmate.core.search.encoder import shared_encoder
from deskmate.desktop import item_encoding
from deskmate.desktop.item_encoding import ItemEncoding
from deskmate.desktop.jobs import JobRunner
from pytestqt.qtbot import QtBot


@pytest.fixture
def jobs() -> Iterator[JobRunner]:
    runner = JobRunner()
    yield runner
    runner.shutdown()


@pytest.fixture
def kb24(sample_kb: KnowledgeBase, tmp_path: Path) -> Iterator[KnowledgeBase]:
    """24 FAQs, none encoded yet, with the real encoder."""
    faqs = [i for i in sample_kb._store.iter_items() if i.kind.value == "faq"][:24]
    with KnowledgeBase.open(tmp_path / "kb", shared_encoder) as kb:
        kb.upsert(faqs)
        yield kb


def _count(kb: KnowledgeBase) -> int:
    encoder = shared_encoder()
    assert encoder is not None, shared_encoder.problem
    return kb.semantic.vectors.count(encoder.model_id)


def test_slices_leave_the_writer_lane_to_others_between_them(
    qtbot: QtBot, kb24: KnowledgeBase, jobs: JobRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(item_encoding, "SLICE", 8)
    encoding = ItemEncoding(kb24, jobs)
    seen_by_probe: list[int] = []
    percents: list[int] = []

    def probe(percent: int) -> None:
        percents.append(percent)
        if len(percents) == 1:  # another writer job, queued while the run is under way
            jobs.submit("probe", lambda _ctx: seen_by_probe.append(_count(kb24)))

    encoding.progressed.connect(probe)
    with qtbot.waitSignal(encoding.finished, timeout=60_000) as finished:
        encoding.run_now()
    assert finished.args == [24, 0]
    assert _count(kb24) == 24
    assert percents == [33, 66]
    assert len(seen_by_probe) == 1
    assert seen_by_probe[0] < 24  # it ran between slices, not after them all
    assert not encoding.running


def test_a_cancelled_run_resumes_where_it_stopped(
    qtbot: QtBot, kb24: KnowledgeBase, jobs: JobRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(item_encoding, "SLICE", 8)
    encoding = ItemEncoding(kb24, jobs)
    encoding.progressed.connect(lambda _p: encoding.cancel())
    encoding.run_now()
    assert jobs.wait_until_idle(60)
    done = _count(kb24)
    assert 0 < done < 24
    assert not encoding.running
    encoding.progressed.disconnect()
    with qtbot.waitSignal(encoding.finished, timeout=60_000) as finished:
        encoding.run_now()
    assert finished.args == [24 - done, 0]  # nothing encoded twice
    assert _count(kb24) == 24


def test_without_an_encoder_nothing_runs(
    qtbot: QtBot, sample_kb: KnowledgeBase, jobs: JobRunner, tmp_path: Path
) -> None:
    with KnowledgeBase.open(tmp_path / "kb", lambda: None) as kb:
        kb.upsert(list(sample_kb._store.iter_items())[:5])
        encoding = ItemEncoding(kb, jobs)
        with qtbot.waitSignal(encoding.finished, timeout=10_000) as finished:
            encoding.run_now()
        assert finished.args == [0, 0]
