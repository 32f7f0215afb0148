"""JobRunner: the one way the sidebar does work off the GUI thread.

Modelled on Anki's ``QueryOp(...).run_in_background()`` and its single task manager:
a job is a plain function that takes a :class:`JobContext` (its cancel event and a
``progress(done, total)`` callback) and returns plain data; the result comes back on the
GUI thread through a queued signal and is handed to the caller's ``on_done``.

Two lanes, each one daemon thread working through a queue in order:

* ``WRITER``: everything that writes the store or the index (start-up preparation, the
  sample pack, a sync, the activity record). One writer at a time, as SQLite and Whoosh
  want, and in submission order.
* ``READER``: short reads (related items, the history page, home items, status counts).
  They never wait behind a long rebuild.

A job submitted with a ``key`` replaces the previous job of that key: the older one is
cancelled and, if it still finishes, its result is dropped (stale results never reach
the screen). On quit, :meth:`JobRunner.shutdown` cancels everything, waits a bounded time
and logs what it abandoned; the lanes are daemon threads, so an abandoned job never keeps
the process alive. Errors: a :class:`DeskmateError` goes to ``on_error`` (or to the
``problem`` signal, in the UI's words); anything else is a bug, logged with its traceback
and shown as a short apology (see :mod:`deskmate.desktop.error_wording`).
"""

from __future__ import annotations

import enum
import logging
import queue
import sys
import threading
import time
import traceback
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from deskmate.core.errors import DeskmateError, OperationCancelledError
from deskmate.desktop.error_wording import unexpected_error_text, wording
from PySide6.QtCore import QCoreApplication, QObject, Signal

log = logging.getLogger(__name__)
QUIT_WAIT_S = 2.0  # quit must end within 3 s; leave a margin for closing the rest


class Lane(enum.Enum):
    """Which worker thread runs a job."""

    WRITER = "writer"
    READER = "reader"


class JobContext:
    """What a running job gets: its cancel event and a progress callback."""

    def __init__(self, cancel: threading.Event, progress: Callable[[int, int], None]) -> None:
        self.cancel = cancel
        self.progress = progress

    def check_cancelled(self) -> None:
        """Raise :class:`OperationCancelledError` when the job was cancelled."""
        if self.cancel.is_set():
            raise OperationCancelledError("The operation was cancelled.")


@dataclass
class Job:
    """One submitted job (the handle the caller keeps)."""

    id: int
    kind: str
    lane: Lane
    fn: Callable[[JobContext], Any]
    key: str | None = None
    on_done: Callable[[Any], None] | None = None
    on_error: Callable[[DeskmateError], None] | None = None
    on_progress: Callable[[int, int], None] | None = None
    on_bug: Callable[[], None] | None = None
    cancel_event: threading.Event = field(default_factory=threading.Event)
    superseded: bool = False  # a newer job of the same key replaced it
    keep_on_quit: bool = False  # shutdown lets it run (an event the agent made)

    def cancel(self) -> None:
        """Ask the job to stop; its result, if any, is dropped."""
        self.cancel_event.set()


@dataclass(frozen=True)
class _Outcome:
    job: Job
    result: Any = None
    error: BaseException | None = None
    # The runner itself, so the last reference to it (and to the job's closures, which
    # may hold widgets) is dropped on the GUI thread after delivery, never on a lane
    # thread: a QObject destroyed off its own thread while its queued events are being
    # delivered crashes the process.
    runner: Any = None


class _Lane:
    """One daemon thread and its queue."""

    def __init__(self, name: str, run: Callable[[Job], None]) -> None:
        self._queue: queue.Queue[Job | None] = queue.Queue()
        # Weak: no reference cycle runner -> lane -> runner, which the cyclic garbage
        # collector could break on this thread and so destroy a QObject off its thread.
        self._run = weakref.WeakMethod(run)
        self.current: Job | None = None
        self.thread = threading.Thread(target=self._loop, name=name, daemon=True)
        self.thread.start()

    def put(self, job: Job | None) -> None:
        self._queue.put(job)

    def _loop(self) -> None:
        while True:
            job = self._queue.get()
            if job is None:
                return
            run = self._run()
            if run is None:
                return  # the runner is gone
            self.current = job
            try:
                run(job)
            finally:
                self.current = None
                # Drop the job here and now, so its closures are not kept (and later
                # freed) by this thread while it waits for the next one.
                job = None
                run = None

    def queued(self) -> list[Job]:
        with self._queue.mutex:
            return [job for job in self._queue.queue if job is not None]


class JobRunner(QObject):
    """Runs jobs on the writer or reader lane; delivers their outcome on the GUI thread.

    Create it without a Qt parent: the lanes hold it, so a lane still finishing an
    abandoned job never signals through a deleted object.

    Signals:
        problem(str): a job failed and had no ``on_error``; the sentence to show (already
            in the UI's language).
        idle(): the last pending job was delivered.
    """

    problem = Signal(str)
    idle = Signal()
    _delivered = Signal(object)
    _progressed = Signal(object, int, int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ids = 0
        self._pending = 0  # submitted and not yet delivered (GUI thread only)
        self._keyed: dict[str, Job] = {}
        self._closed = False
        self._delivered.connect(self._deliver)
        self._progressed.connect(self._report_progress)
        self._lanes = {
            Lane.WRITER: _Lane("deskmate-writer", self._execute),
            Lane.READER: _Lane("deskmate-reader", self._execute),
        }

    # -- submitting (GUI thread) ---------------------------------------------------------

    def submit(
        self,
        kind: str,
        fn: Callable[[JobContext], Any],
        *,
        lane: Lane = Lane.WRITER,
        key: str | None = None,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[DeskmateError], None] | None = None,
        on_progress: Callable[[int, int], None] | None = None,
        on_bug: Callable[[], None] | None = None,
        keep_on_quit: bool = False,
    ) -> Job:
        """Queue ``fn`` on ``lane``; returns the job (keep it to cancel it).

        Args:
            kind: What the job is, for the log ("related", "prepare-index"...).
            fn: The work; takes a :class:`JobContext`, returns plain data.
            lane: ``WRITER`` for anything that writes, ``READER`` for short reads.
            key: A newer job with the same key replaces this one (stale results dropped).
            on_done: Called on the GUI thread with the result.
            on_error: Called on the GUI thread with a :class:`DeskmateError`; without it
                the error's sentence goes to ``problem``.
            on_progress: Called on the GUI thread with (done, total).
            on_bug: Called on the GUI thread after an unexpected exception (a bug: its
                traceback is logged and the apology goes to ``problem``), to tidy up.
            keep_on_quit: :meth:`shutdown` does not cancel it: it runs before the lane
                stops, within the wait (the activity record's events).
        """
        self._ids += 1
        job = Job(self._ids, kind, lane, fn, key, on_done, on_error, on_progress, on_bug)
        job.keep_on_quit = keep_on_quit
        if self._closed:
            if keep_on_quit:  # an event made while quitting: written here and now
                self._execute(job)
            else:
                log.info("job %s submitted after shutdown; not run", kind)
            return job
        if key is not None:
            older = self._keyed.get(key)
            if older is not None:
                older.superseded = True
                older.cancel()
            self._keyed[key] = job
        self._pending += 1
        self._lanes[lane].put(job)
        return job

    # -- running (lane threads) ----------------------------------------------------------

    def _execute(self, job: Job) -> None:
        if job.cancel_event.is_set():  # cancelled before it started: it never runs
            cancelled = OperationCancelledError("The operation was cancelled.")
            self._delivered.emit(_Outcome(job, error=cancelled, runner=self))
            return
        last = [-1.0]

        def progress(done: int, total: int) -> None:
            # At most a signal every 50 ms: a 100k-item rebuild must not flood the GUI.
            now = time.monotonic()
            if job.on_progress is not None and (now - last[0] >= 0.05 or done >= total):
                last[0] = now
                self._progressed.emit(job, done, total)

        try:
            result = job.fn(JobContext(job.cancel_event, progress))
        except DeskmateError as exc:
            log.warning("job %s: %s (%s)", job.kind, exc.message, exc.code)
            self._delivered.emit(_Outcome(job, error=exc, runner=self))
        except Exception as exc:  # the job boundary: a bug, logged here with its traceback
            log.exception("job %s failed unexpectedly", job.kind)
            self._delivered.emit(_Outcome(job, error=exc, runner=self))
        else:
            self._delivered.emit(_Outcome(job, result=result, runner=self))

    # -- delivering (GUI thread) -----------------------------------------------------------

    def _report_progress(self, job: Job, done: int, total: int) -> None:
        if not job.cancel_event.is_set() and job.on_progress is not None:
            job.on_progress(done, total)

    def _deliver(self, outcome: _Outcome) -> None:
        job = outcome.job
        self._pending -= 1
        try:
            if job.key is not None and self._keyed.get(job.key) is job:
                del self._keyed[job.key]
            if self._closed:
                return
            if job.superseded or (
                job.cancel_event.is_set() and not isinstance(outcome.error, OperationCancelledError)
            ):
                return  # replaced, or cancelled: the caller no longer wants its result
            self._hand_over(job, outcome)
        finally:
            if self._pending == 0:
                self.idle.emit()

    def _hand_over(self, job: Job, outcome: _Outcome) -> None:
        error = outcome.error
        if error is None:
            if job.on_done is not None:
                job.on_done(outcome.result)
        elif isinstance(error, DeskmateError):
            if job.on_error is not None:
                job.on_error(error)
            elif not isinstance(error, OperationCancelledError):
                self.problem.emit(wording(error))
        else:
            self.problem.emit(unexpected_error_text())
            if job.on_bug is not None:
                job.on_bug()

    # -- waiting and stopping ----------------------------------------------------------------

    @property
    def busy(self) -> bool:
        """Whether a job is queued, running or waiting to be delivered."""
        return self._pending > 0

    def wait_until_idle(self, timeout: float = 10.0) -> bool:
        """Run the GUI thread's events until every job is delivered (tests; napari's idea).

        Returns:
            True when idle, False when ``timeout`` seconds passed first.
        """
        deadline = time.monotonic() + timeout
        while self._pending > 0:
            if time.monotonic() > deadline:
                return False
            QCoreApplication.processEvents()
            time.sleep(0.002)
        return True

    def shutdown(self, timeout: float = QUIT_WAIT_S) -> list[str]:
        """Cancel every job, wait at most ``timeout`` seconds, log what was abandoned.

        Returns:
            The kinds of the jobs still running or queued when the wait ended.
        """
        self._closed = True
        for lane in self._lanes.values():
            for job in lane.queued():
                if not job.keep_on_quit:
                    job.cancel()
            if lane.current is not None:
                lane.current.cancel()
            lane.put(None)
        deadline = time.monotonic() + timeout
        abandoned = []
        where = []
        for lane in self._lanes.values():
            lane.thread.join(max(0.0, deadline - time.monotonic()))
            if lane.thread.is_alive():
                running = lane.current
                abandoned += [j.kind for j in ([running] if running else []) + lane.queued()]
                where.append(_stack_of(lane.thread))
        if abandoned:
            log.warning(
                "quit: abandoned jobs still running after %.1f s: %s; the lanes were at:\n%s",
                timeout,
                ", ".join(abandoned),
                "\n".join(where),
            )
        return abandoned


def _stack_of(thread: threading.Thread, frames: int = 8) -> str:
    """The innermost ``frames`` frames of a running thread (why it did not stop)."""
    frame = sys._current_frames().get(thread.ident or -1)
    if frame is None:
        return f"{thread.name}: (no frame)"
    return f"{thread.name}:\n" + "".join(traceback.format_stack(frame)[-frames:])
