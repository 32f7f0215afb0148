"""ItemEncoding: items lacking a vector are encoded in the background, as short jobs.

A first run, a local pack or vectors the server could not give leave items without a
vector; they stay searchable lexically and are encoded here, after start-up (the agent's
first searches come first). The work runs on the job runner's writer lane in slices of
:data:`SLICE` items, each its own job: a sync or an activity event waits at most one slice,
never the whole run. Progress goes to the status line; quitting (or :meth:`cancel`)
stops after the current batch, and the next start resumes with what is still missing.
When the encoder is stuck on a text (see core/search/encoder_guard.py), the run stops
and is tried again after :data:`RETRY_MS`.
"""

from __future__ import annotations

import logging

from deskmate.core import DeskmateError, KnowledgeBase
from deskmate.core.errors import OperationCancelledError
from deskmate.core.search.encoder_guard import EncoderBusyError
from deskmate.core.semantic.vector_job import EncodeTask
from deskmate.desktop.jobs import Job, JobRunner
from PySide6.QtCore import QObject, QTimer, Signal

log = logging.getLogger(__name__)

START_DELAY_MS = 30_000  # after start-up: the agent's first searches come first
RETRY_MS = 5 * 60_000  # after the encoder was stuck on a text
SLICE = 64  # items per job (about two seconds here)


class ItemEncoding(QObject):
    """See the module docstring.

    Signals:
        progressed(int): percent of the run done, each tenth of the way (status line).
        finished(int, int): items encoded and failed (failed ones are tried next run).
    """

    progressed = Signal(int)
    finished = Signal(int, int)

    def __init__(self, kb: KnowledgeBase, jobs: JobRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._kb = kb
        self._jobs = jobs
        self._job: Job | None = None
        self._todo: list[EncodeTask] = []
        self._total = self._encoded = self._failed = self._shown = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.run_now)

    @property
    def running(self) -> bool:
        """Whether a run is planned or under way."""
        return self._job is not None

    def start(self, delay_ms: int = START_DELAY_MS) -> None:
        """Run after ``delay_ms`` (again later if a run is under way then)."""
        self._timer.start(delay_ms)

    def run_now(self) -> None:
        """Find what lacks a vector and encode it, unless a run is under way."""
        if self._job is not None:
            return
        self._encoded = self._failed = self._shown = 0
        self._job = self._jobs.submit(
            "encode-plan",
            lambda _ctx: self._kb.semantic.plan_encoding(),
            on_done=self._planned,
            on_error=self._stopped,
        )

    def cancel(self) -> None:
        """Stop after the current batch (the rest is encoded next time)."""
        self._timer.stop()
        if self._job is not None:
            self._job.cancel()
        self._job = None
        self._todo = []

    def _planned(self, todo: list[EncodeTask]) -> None:
        self._todo = todo
        self._total = len(todo)
        if todo:
            log.info("encoding %d items lacking a vector", len(todo))
        self._next()

    def _next(self) -> None:
        if not self._todo:
            self._job = None
            if self._total:
                log.info("item vectors: %d encoded, %d failed", self._encoded, self._failed)
            self.finished.emit(self._encoded, self._failed)
            return
        part, self._todo = self._todo[:SLICE], self._todo[SLICE:]
        percent = 100 * (self._total - len(self._todo) - len(part)) // self._total
        if percent // 10 > self._shown // 10:
            self._shown = percent
            self.progressed.emit(percent)
        self._job = self._jobs.submit(
            "encode-items",
            lambda ctx: self._kb.semantic.encode_slice(part, ctx.cancel),
            on_done=self._sliced,
            on_error=self._stopped,
        )

    def _sliced(self, counts: tuple[int, int]) -> None:
        self._encoded += counts[0]
        self._failed += counts[1]
        self._next()

    def _stopped(self, error: DeskmateError) -> None:
        self._job = None
        self._todo = []
        if isinstance(error, OperationCancelledError):
            return
        if isinstance(error, EncoderBusyError):
            self._timer.start(RETRY_MS)
        # Said once in the log (the encoder slot, the guard); search stays lexical.
        log.info("item encoding stopped: %s", error.message)
        self.finished.emit(self._encoded, self._failed)
