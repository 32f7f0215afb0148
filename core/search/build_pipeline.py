"""Full index builds with the analysis in a worker process, overlapped with Whoosh's writing.

A full build has two CPU-bound halves: analysing each item (segmentation, stems, pinyin:
``to_document``) and Whoosh adding the terms to its posting pool and writing segments.
In one process they add up; here a worker process analyses chunks of items while the
calling process writes the previous chunks, so on two cores they overlap.

The worker is started with the ``spawn`` method: a fork of a process that may run other
threads (the GUI's, SQLAlchemy's) can inherit a lock held by one of them and deadlock.
It gets the analysis configuration (user words, skill names) as plain data, builds its own
:class:`Segmenter` and checks that its fingerprint is the caller's, so both sides index
exactly the same terms.

At most ``MAX_IN_FLIGHT`` chunks are queued or being analysed, so memory stays flat
whatever the size of the store; results are yielded in the items' order.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import sys
import threading
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import wait as wait_futures
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from itertools import islice

from deskmate.core.batching import batches
from deskmate.core.closing import ClosesOnExit
from deskmate.core.content.model import Item
from deskmate.core.errors import OperationCancelledError, SearchIndexError
from deskmate.core.search.analysis import Segmenter
from deskmate.core.search.documents import to_document

log = logging.getLogger(__name__)

#: Below this many items a build stays in one process: starting the worker (a fresh
#: interpreter importing Whoosh, rjieba and pypinyin) costs ~0.3-0.5 s, more than the
#: overlap gains on a few thousand items.
PIPELINE_MIN_ITEMS = 5000
#: Items per chunk: large enough that pickling and queueing are noise (~50 ms of analysis
#: each), small enough that cancelling waits for little.
CHUNK_ITEMS = 512
#: Chunks submitted and not yet consumed; bounds the memory the pipeline holds.
MAX_IN_FLIGHT = 4
#: How often a wait for the worker looks at the cancel flag (seconds).
_POLL_SECONDS = 0.1

Document = dict[str, str]


@dataclass(frozen=True)
class AnalysisConfig:
    """Everything a worker needs to analyse items exactly like the calling process."""

    user_words: tuple[str, ...]
    skill_names: Mapping[str, str]
    segmenter_fingerprint: str

    @classmethod
    def of(cls, segmenter: Segmenter, skill_names: Mapping[str, str]) -> AnalysisConfig:
        """The configuration of an existing segmenter and skill-name table."""
        return cls(segmenter.user_words, dict(skill_names), segmenter.fingerprint)


_frozen_workers_allowed = False


def allow_frozen_workers() -> None:
    """Let a frozen app (PyInstaller) use the worker process.

    Call it from the frozen entry point after ``multiprocessing.freeze_support()``: without
    that call a spawned child would run the app's own entry point again.
    """
    global _frozen_workers_allowed
    _frozen_workers_allowed = True


def pipeline_available() -> bool:
    """Whether a worker process may be used at all on this machine and interpreter.

    One core gains nothing from a second process. A frozen app uses one only when its entry
    point said it may (:func:`allow_frozen_workers`).
    """
    frozen = getattr(sys, "frozen", False)
    return (os.cpu_count() or 1) >= 2 and (not frozen or _frozen_workers_allowed)


# -- the worker side -----------------------------------------------------------------------

_worker: tuple[Segmenter, Mapping[str, str]] | None = None


def _init_worker(config: AnalysisConfig) -> None:
    """Build the worker's segmenter once (runs in the worker process)."""
    # One analysis setup per worker process, made once by the pool initializer.
    global _worker
    segmenter = Segmenter(config.user_words)
    if segmenter.fingerprint != config.segmenter_fingerprint:
        # Different rjieba/analysis code in the worker would silently index other terms.
        raise RuntimeError(
            f"worker analysis {segmenter.fingerprint} != caller's {config.segmenter_fingerprint}"
        )
    _worker = (segmenter, config.skill_names)


def _analyse_chunk(items: list[Item]) -> list[Document]:
    """The Whoosh documents of a chunk of items (runs in the worker process)."""
    if _worker is None:  # pragma: no cover - the initializer always runs first
        raise RuntimeError("analysis worker used before its initializer ran")
    segmenter, skill_names = _worker
    return [to_document(item, segmenter, skill_names) for item in items]


# -- the calling side ----------------------------------------------------------------------


def _make_executor(config: AnalysisConfig) -> ProcessPoolExecutor:
    """One spawned worker process with the analysis configuration."""
    return ProcessPoolExecutor(
        max_workers=1,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_init_worker,
        initargs=(config,),
    )


class DocumentPipeline(ClosesOnExit):
    """Analyses items in a worker process and yields their documents, in order.

    Use as a context manager around the index build: leaving it stops the worker,
    whether the build finished, failed or was cancelled::

        with DocumentPipeline(config, cancel) as pipeline:
            index.build(pipeline.documents(items), total, seq, progress, cancel)

    If the worker cannot be started, the items are analysed in this process (logged).
    """

    def __init__(self, config: AnalysisConfig, cancel: threading.Event | None = None) -> None:
        self._config = config
        self._cancel = cancel
        self._executor: ProcessPoolExecutor | None = None
        self.used_worker = False  # True once a chunk came back from the worker

    def close(self) -> None:
        """Stop the worker; queued chunks are dropped, a running one is waited for (~50 ms)."""
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def documents(self, items: Iterable[Item]) -> Iterator[Document]:
        """The document of each item, in order.

        Raises:
            OperationCancelledError: the cancel event was set.
            SearchIndexError: the worker process died (killed, out of memory) mid-build.
        """
        chunks = batches(items, CHUNK_ITEMS)
        pending: deque[tuple[list[Item], Future[list[Document]]]] = deque()
        # A chunk taken from ``chunks`` whose submission may fail (a broken pool raises
        # there); it must not be lost when falling back.
        submitting: list[Item] = []
        try:
            self._executor = _make_executor(self._config)
            while True:
                for chunk in islice(chunks, MAX_IN_FLIGHT - len(pending)):
                    submitting = chunk
                    pending.append((chunk, self._executor.submit(_analyse_chunk, chunk)))
                    submitting = []
                if not pending:
                    return
                # Popped only once its result is in: a chunk whose worker died is redone.
                docs = self._result(pending[0][1])
                pending.popleft()
                self.used_worker = True
                yield from docs
        except (OSError, BrokenProcessPool) as exc:
            if self.used_worker:
                raise SearchIndexError(
                    "The search index could not be rebuilt: its analysis process stopped "
                    f"unexpectedly ({exc or type(exc).__name__}). The previous index is still "
                    "in use; try the rebuild again, and if it fails again see the log.",
                ) from exc
            # Never started (no process can be spawned here, or its setup failed): nothing
            # has been yielded yet, so the same items can be analysed in this process.
            log.warning("index build worker could not start (%s); analysing in-process", exc)
            self.close()
            rest = [item for chunk, _future in pending for item in chunk] + submitting
            yield from self._in_process(rest, chunks)

    def _result(self, future: Future[list[Document]]) -> list[Document]:
        """Wait for a chunk, looking at the cancel flag and the worker while waiting."""
        while not wait_futures([future], timeout=_POLL_SECONDS).done:
            _check_cancel(self._cancel)
            if self._worker_died():
                self._unblock_result_reader()
        return future.result()

    def _worker_died(self) -> bool:
        processes = getattr(self._executor, "_processes", None) or {}
        return any(process.exitcode is not None for process in list(processes.values()))

    def _unblock_result_reader(self) -> None:
        """Let the executor notice a worker that died while sending its result.

        The executor's manager thread then sits in ``recv()`` on a half-written message,
        forever: this process holds the other write end of the result pipe, so no end of
        file comes (seen on CPython 3.11 when the worker is killed mid-build). Closing that
        write end delivers it; the manager marks the pool broken and every wait on it ends.
        (Private attributes of ProcessPoolExecutor; if they change, this does nothing.)
        """
        queue = getattr(self._executor, "_result_queue", None)
        writer = getattr(queue, "_writer", None)
        if writer is not None and not writer.closed:
            log.warning("index build worker died; closing its result pipe")
            writer.close()

    def _in_process(self, first: list[Item], chunks: Iterator[list[Item]]) -> Iterator[Document]:
        segmenter = Segmenter(self._config.user_words)
        skill_names = self._config.skill_names
        for item in first:
            yield to_document(item, segmenter, skill_names)
        for chunk in chunks:
            for item in chunk:
                yield to_document(item, segmenter, skill_names)


def _check_cancel(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise OperationCancelledError("The index rebuild was cancelled.")
