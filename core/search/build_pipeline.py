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

The worker is a plain :class:`multiprocessing.Process` with one :class:`Pipe` that this
module owns (no executor, no queues, no semaphores), and it dies with its parent: on
Linux the kernel kills it when the parent dies (``PR_SET_PDEATHSIG``); everywhere, it
exits as soon as the parent's end of the pipe closes (which the parent's death does) or
its parent process changes. So a killed ``deskmate import`` leaves no process behind.
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import os
import queue
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import islice
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

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
#: How often the worker checks that its parent is still the process that started it.
_PARENT_CHECK_SECONDS = 0.5
_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>

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


def _die_with_parent(parent_pid: int) -> None:
    """Make this worker exit when its parent dies, however it dies (runs in the worker)."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # pragma: no cover - a libc without prctl
            pass
    if os.getppid() != parent_pid:
        os._exit(1)  # the parent died before the line above took effect

    def watch() -> None:
        # Other systems (and a belt to the braces above): orphans are re-parented.
        while os.getppid() == parent_pid:
            time.sleep(_PARENT_CHECK_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _worker_main(conn: Connection, config: AnalysisConfig, parent_pid: int) -> None:
    """The worker process: analyse each chunk received, send back its documents, in order.

    A reader thread takes every chunk off the pipe at once, so the parent's sends never
    wait for the analysis (and the two sides can never block each other's sends). When the
    parent's end closes (it finished, or died) the worker exits at once.
    """
    _die_with_parent(parent_pid)
    try:
        segmenter = Segmenter(config.user_words)
    except Exception as exc:  # noqa: BLE001 - reported; the parent analyses in-process
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
        return
    if segmenter.fingerprint != config.segmenter_fingerprint:
        # Different rjieba/analysis code in the worker would silently index other terms.
        conn.send(
            (
                "error",
                f"worker analysis {segmenter.fingerprint} != caller's "
                f"{config.segmenter_fingerprint}",
            )
        )
        return
    chunks: queue.SimpleQueue[list[Item]] = queue.SimpleQueue()

    def read() -> None:
        while True:
            try:
                chunks.put(conn.recv())
            except (EOFError, OSError):
                os._exit(0)  # the parent is done with us, or gone

    threading.Thread(target=read, name="chunk-reader", daemon=True).start()
    while True:
        chunk = chunks.get()
        try:
            docs = [to_document(item, segmenter, config.skill_names) for item in chunk]
        except Exception as exc:  # noqa: BLE001 - reported to the parent, which fails the build
            conn.send(("error", f"{type(exc).__name__}: {exc}"))
            return
        try:
            conn.send(("docs", docs))
        except OSError:
            os._exit(0)


# -- the calling side ----------------------------------------------------------------------


class _WorkerStopped(Exception):  # noqa: N818 - internal signal, never leaves this module
    """The worker reported an error or died; ``str()`` says which."""


def _start_worker(config: AnalysisConfig) -> tuple[BaseProcess, Connection]:
    """One spawned worker process with the analysis configuration, and our end of its pipe."""
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe(duplex=True)
    process = context.Process(
        target=_worker_main,
        args=(theirs, config, os.getpid()),
        name="deskmate-index-analysis",
        daemon=True,
    )
    try:
        process.start()
    finally:
        # Only the worker holds its end now: its death reads here as the end of the pipe.
        theirs.close()
    return process, ours


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
        self._process: BaseProcess | None = None
        self._conn: Connection | None = None
        self.used_worker = False  # True once a chunk came back from the worker

    def close(self) -> None:
        """Stop the worker: it exits as soon as its pipe closes; killed if it lingers."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if self._process is not None:
            self._process.join(5)
            if self._process.exitcode is None:  # pragma: no cover - a stuck worker
                self._process.kill()
                self._process.join(5)
            self._process.close()
            self._process = None

    def documents(self, items: Iterable[Item]) -> Iterator[Document]:
        """The document of each item, in order.

        Raises:
            OperationCancelledError: the cancel event was set.
            SearchIndexError: the worker process died (killed, out of memory) mid-build.
        """
        chunks = batches(items, CHUNK_ITEMS)
        # Chunks sent (or being sent) whose documents have not come back: popped only
        # once their documents are in, so a worker that fails to start loses none.
        pending: deque[list[Item]] = deque()
        try:
            self._process, self._conn = _start_worker(self._config)
            while True:
                for chunk in islice(chunks, MAX_IN_FLIGHT - len(pending)):
                    pending.append(chunk)
                    self._conn.send(chunk)
                if not pending:
                    return
                docs = self._receive()
                pending.popleft()
                self.used_worker = True
                yield from docs
        except (OSError, EOFError, _WorkerStopped) as exc:
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
            rest = [item for chunk in pending for item in chunk]
            yield from self._in_process(rest, chunks)

    def _receive(self) -> list[Document]:
        """The next chunk's documents, looking at the cancel flag and the worker meanwhile."""
        if self._conn is None or self._process is None:
            raise _WorkerStopped("no worker")
        while not self._conn.poll(_POLL_SECONDS):
            _check_cancel(self._cancel)
            if self._process.exitcode is not None and not self._conn.poll():
                raise _WorkerStopped(f"exit code {self._process.exitcode}")
        # A worker killed mid-message closes its end: recv() then raises EOFError.
        kind, payload = self._conn.recv()
        if kind != "docs":
            raise _WorkerStopped(str(payload))
        docs: list[Document] = payload
        return docs

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
