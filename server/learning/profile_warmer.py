"""ProfileWarmer: keeps the cached learning profiles current in the background.

Profiles are recomputed lazily when asked for and stale; without this, the first
console view of a day (every profile turns stale at midnight, as recency weights move)
would compute a whole team while the manager waits. ``deskmate-server serve`` runs one
warmer beside its workers: every few minutes it refreshes what changed (a few aggregate
queries when nothing did). Several servers on one PostgreSQL database each run one; the
work is idempotent, so that only costs repeated stamp queries.
"""

from __future__ import annotations

import logging
import threading

from deskmate.core.errors import DeskmateError
from deskmate.server.database import Database
from deskmate.server.learning.profiles import refresh_profiles
from sqlalchemy.exc import SQLAlchemyError

log = logging.getLogger(__name__)

INTERVAL_S = 300.0


class ProfileWarmer:
    """A daemon thread refreshing stale profiles every ``interval`` seconds."""

    def __init__(self, db_url: str, interval: float = INTERVAL_S) -> None:
        self._db_url = db_url
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="profile-warmer", daemon=True)
        self.runs = 0

    def start(self) -> None:
        """Start refreshing (the first pass at once)."""
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the thread to stop and wait for it (a pass in progress finishes first)."""
        self._stop.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        try:
            db = Database.open(self._db_url)
        except DeskmateError as exc:
            log.warning("profile warmer not started: %s", exc.message)
            return
        try:
            while not self._stop.is_set():
                try:
                    report = refresh_profiles(db)
                    self.runs += 1
                    if report.computed:
                        log.info(
                            "profiles refreshed: %d computed, %d unchanged, %.1f s",
                            report.computed,
                            report.reused,
                            report.seconds,
                        )
                except (DeskmateError, SQLAlchemyError) as exc:
                    # The database may be away for a moment; the next pass tries again.
                    log.warning("profile refresh failed, retrying later: %s", exc)
                self._stop.wait(self._interval)
        finally:
            db.close()
