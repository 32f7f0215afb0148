"""Full index builds with the analysis pipelined in a worker process."""

from __future__ import annotations

import errno
import logging
import multiprocessing
import os
import shutil
import signal
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from deskmate.core import Item, KnowledgeBase
from deskmate.core.errors import OperationCancelledError, SearchIndexError
from deskmate.core.search import build_pipeline, index_store
from deskmate.core.search.analysis import Segmenter
from whoosh import index as whoosh_index  # the module index_store builds with

from benchmarks.corpus import build_corpus

QUERIES = [
    "花呗还款",
    "花呗还",
    "hbhk",
    "huabei",
    "退钱",
    "退款 refund",
    "refund iphone",
    "refu",
    "iPhone 退货",
    "投诉 经理",
    "账户 冻结",
    "物流",
]
GENERATED_ITEMS = 6000


def results(kb: KnowledgeBase) -> dict[str, list[tuple[str, float]]]:
    return {q: [(h.id, round(h.score, 4)) for h in kb.search(q, limit=20)] for q in QUERIES}


def no_building_folders(kb: KnowledgeBase) -> bool:
    return not [p for p in (kb.data_dir / "index").iterdir() if p.name != "current"]


@pytest.fixture(scope="module")
def _generated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory with ~6k generated items (sample pack + variants), built once."""
    root = tmp_path_factory.mktemp("generated-kb")
    items = [Item.from_dict(r) for r in build_corpus(GENERATED_ITEMS, None, seed=3)]
    with KnowledgeBase.open(root) as kb:
        kb.upsert(items)
        kb.rebuild_index(pipeline=False)
    return root


@pytest.fixture
def generated_kb(_generated_template: Path, tmp_path: Path) -> Iterator[KnowledgeBase]:
    """A private copy of the generated knowledge base (index built in-process)."""
    data = tmp_path / "generated"
    shutil.copytree(_generated_template, data)
    with KnowledgeBase.open(data) as kb:
        yield kb


def test_pipelined_build_matches_in_process_on_the_sample_pack(
    sample_kb: KnowledgeBase, caplog: pytest.LogCaptureFixture
) -> None:
    # The pack's synonyms are user words of the segmenter: the worker must have them too.
    assert sample_kb._segmenter.user_words
    sample_kb.rebuild_index(pipeline=False)
    before = results(sample_kb)
    with caplog.at_level(logging.INFO):
        sample_kb.rebuild_index(pipeline=True)
    assert "could not start" not in caplog.text
    assert results(sample_kb) == before
    assert any(before.values())


def test_pipelined_build_matches_in_process_on_6k_items(generated_kb: KnowledgeBase) -> None:
    before = results(generated_kb)
    assert generated_kb.rebuild_index() == GENERATED_ITEMS  # automatic: pipelined
    assert results(generated_kb) == before
    assert sum(map(len, before.values())) > 50
    assert not multiprocessing.active_children()


def test_cancel_mid_build_keeps_the_old_index(generated_kb: KnowledgeBase) -> None:
    before = results(generated_kb)
    state = generated_kb._index.state()
    cancel = threading.Event()

    def progress(done: int, _total: int) -> None:
        if done >= 1000:
            cancel.set()

    with pytest.raises(OperationCancelledError, match="cancelled"):
        generated_kb.rebuild_index(progress, cancel, pipeline=True)
    assert generated_kb._index.state() == state
    assert results(generated_kb) == before
    assert no_building_folders(generated_kb)
    assert not multiprocessing.active_children()


def test_killed_worker_fails_clearly_and_keeps_the_old_index(
    generated_kb: KnowledgeBase,
) -> None:
    before = results(generated_kb)
    state = generated_kb._index.state()

    def progress(done: int, _total: int) -> None:
        if done == 1000:
            for child in multiprocessing.active_children():
                assert child.pid is not None
                os.kill(child.pid, signal.SIGKILL)

    outcome: list[BaseException] = []

    def rebuild() -> None:
        try:
            generated_kb.rebuild_index(progress, pipeline=True)
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread
            outcome.append(exc)

    # In a thread, so that a hang fails the test instead of blocking the run.
    thread = threading.Thread(target=rebuild, daemon=True)
    thread.start()
    thread.join(timeout=60)
    assert not thread.is_alive(), "the build hung after its worker was killed"
    assert len(outcome) == 1
    assert isinstance(outcome[0], SearchIndexError)
    assert "analysis process stopped unexpectedly" in str(outcome[0])
    assert generated_kb._index.state() == state
    assert results(generated_kb) == before
    assert no_building_folders(generated_kb)


@pytest.mark.logs_warnings(r"index build worker could not start")
def test_worker_that_cannot_start_falls_back_to_in_process(
    sample_kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    before = results(sample_kb)

    def refuse(_config: build_pipeline.AnalysisConfig) -> None:
        raise OSError("no processes for you")

    monkeypatch.setattr(build_pipeline, "_start_worker", refuse)
    with caplog.at_level(logging.WARNING):
        count = sample_kb.rebuild_index(pipeline=True)
    assert "could not start (no processes for you); analysing in-process" in caplog.text
    assert count == sum(sample_kb.count().values())
    assert results(sample_kb) == before


def test_a_full_disk_fails_in_words_and_keeps_the_old_index(
    sample_kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = results(sample_kb)
    state = sample_kb._index.state()

    def no_space(*_args: object, **_kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    # The disk is the system edge here: a real full disk cannot be made in a test.
    monkeypatch.setattr(whoosh_index, "create_in", no_space)
    with pytest.raises(SearchIndexError, match="the disk is full") as caught:
        sample_kb.rebuild_index(pipeline=False)
    assert "previous index stays in use" in caught.value.message
    assert sample_kb._index.state() == state
    assert not list(sample_kb._index.root.glob("building-*"))
    assert results(sample_kb) == before


@pytest.mark.logs_warnings(r"index build worker could not start")
def test_worker_that_dies_while_starting_loses_no_item(
    sample_kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A worker that starts, then dies in its setup: every chunk it held is redone here."""
    before = results(sample_kb)
    real_of = build_pipeline.AnalysisConfig.of

    def mismatched(
        segmenter: Segmenter, skill_names: dict[str, str]
    ) -> build_pipeline.AnalysisConfig:
        config = real_of(segmenter, skill_names)
        # The worker refuses a configuration whose fingerprint is not its own and exits.
        return build_pipeline.AnalysisConfig(config.user_words, config.skill_names, "other")

    monkeypatch.setattr(build_pipeline.AnalysisConfig, "of", mismatched)
    monkeypatch.setattr(build_pipeline, "CHUNK_ITEMS", 16)  # many chunks in flight
    with caplog.at_level(logging.WARNING):
        count = sample_kb.rebuild_index(pipeline=True)
    assert "could not start" in caplog.text
    assert count == sum(sample_kb.count().values())
    assert sample_kb._current_snapshot().size == count
    assert results(sample_kb) == before
    assert not multiprocessing.active_children()


def test_abandoned_build_folders_are_removed_and_live_ones_kept(sample_kb: KnowledgeBase) -> None:
    """A folder whose pid now names another process (reused after a kill) is abandoned."""
    root = sample_kb._index.root
    live = root / f"building-{os.getpid()}"
    reused = root / f"building-{os.getppid()}"  # alive, but not the process that built it
    dead = root / "building-999999999"
    for folder in (live, reused, dead):
        folder.mkdir()
    index_store._write_owner(live)
    (reused / index_store.OWNER_FILE).write_text('{"pid": 1, "started": "0"}', "utf-8")
    assert sample_kb._index.state() is not None  # reading the state sweeps
    assert live.is_dir()
    assert not reused.exists()
    assert not dead.exists()
    shutil.rmtree(live)
