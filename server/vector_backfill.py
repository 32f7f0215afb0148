"""VectorBackfill: ``deskmate-server serve`` encodes, in the background, the items lacking vectors.

After a model upgrade (a new model id) every item lacks a vector of the current model;
items imported while the encoder could not load lack one too. The server re-encodes
them first (issue #16: "a model change re-encodes, server-side first"), so clients get
the vectors through the feed instead of encoding 100k items each. It is the code of
``deskmate-server encode`` (:func:`deskmate.server.reencode.reencode`), on a daemon
thread, with small batches and a pause after each so requests, imports and publishes
go first: they wait for the shared encoder at most one small batch, and each batch holds
the feed lock only for its short write. Stopping (server shutdown) takes effect between
two batches; the next start resumes. Progress is logged every :data:`LOG_EVERY_S`
seconds, and the end once.

``$DESKMATE_SERVER_BACKGROUND_ENCODE=off`` switches it off (then run ``deskmate-server
encode`` at a time of your choosing); several servers on one database each run one, and
the feed lock keeps them from writing any item twice.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Mapping

from deskmate.core.errors import DeskmateError
from deskmate.core.search.encoder import shared_encoder
from deskmate.core.search.encoder_guard import guard_for
from deskmate.server.database import Database
from deskmate.server.item_vectors import EncoderFactory
from deskmate.server.reencode import EncodeProgress, ReencodeReport, reencode
from sqlalchemy.exc import SQLAlchemyError

log = logging.getLogger(__name__)

#: The environment variable switching the background encoding off ("off") or on.
BACKGROUND_ENCODE_ENV = "DESKMATE_SERVER_BACKGROUND_ENCODE"
BATCH = 8  # ~0.3 s of encoding: what a publish may wait for the shared encoder
PAUSE_S = 0.05  # after each batch: the requests' turn
LOG_EVERY_S = 30.0


def background_encode_enabled(env: Mapping[str, str] = os.environ) -> bool:
    """Whether ``serve`` encodes in the background (``$DESKMATE_SERVER_BACKGROUND_ENCODE``).

    Raises:
        DeskmateError: the variable is set to something other than on/off.
    """
    value = env.get(BACKGROUND_ENCODE_ENV, "").strip().lower()
    if value not in ("", "on", "off", "1", "0"):
        raise DeskmateError(f"{BACKGROUND_ENCODE_ENV} is 'on' or 'off', not {value!r}")
    return value not in ("off", "0")


class VectorBackfill:
    """A daemon thread that encodes the items lacking a current vector, once, then ends.

    Args:
        db_url: The server database (the thread opens its own connections).
        encoder: Gives the encoder (None: nothing to do here, said once).
        batch: Items per encoder call and transaction.
        pause: Seconds the thread yields after each batch.
    """

    def __init__(
        self,
        db_url: str,
        encoder: EncoderFactory = shared_encoder,
        batch: int = BATCH,
        pause: float = PAUSE_S,
    ) -> None:
        self._db_url = db_url
        self._encoder = encoder
        self._batch = batch
        self._pause = pause
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="vector-backfill", daemon=True)
        self._last_log = 0.0
        #: What the run did, once it ended (None: not ended, or it could not run).
        self.report: ReencodeReport | None = None
        #: Set when the thread has ended, whatever the outcome.
        self.finished = threading.Event()

    def start(self) -> None:
        """Start encoding in the background."""
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        """Stop after the current batch and wait for the thread (at most ``timeout`` s)."""
        self._stop.set()
        self._thread.join(timeout)

    def _progress(self, progress: EncodeProgress) -> None:
        now = time.monotonic()
        if now - self._last_log >= LOG_EVERY_S:
            self._last_log = now
            log.info(
                "background encoding: %d/%d items, %.1f items/s",
                progress.done,
                progress.total,
                progress.per_second,
            )

    def _run(self) -> None:
        try:
            inner = self._encoder()
            if inner is None:
                log.info("items are not encoded in the background: no sentence encoder here")
                return
            db = Database.open(self._db_url)
            try:
                report = reencode(
                    db,
                    guard_for(inner),
                    stop=self._stop,
                    progress=self._progress,
                    batch=self._batch,
                    between=lambda: self._stop.wait(self._pause),
                )
            finally:
                db.close()
            self.report = report
            if report.total:
                state = "stopped" if report.stopped else "done"
                log.info(
                    "background encoding %s: %d of %d items encoded, %d failed, %d changed or "
                    "encoded elsewhere meanwhile, in %.1f s",
                    state,
                    report.encoded,
                    report.total,
                    report.failed,
                    report.skipped,
                    report.seconds,
                )
        except (DeskmateError, SQLAlchemyError) as exc:
            # The database may be away; the next start (or `deskmate-server encode`) resumes.
            log.warning("background encoding stopped: %s", exc)
        finally:
            self.finished.set()
