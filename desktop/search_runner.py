"""SearchRunner: runs knowledge-base searches off the UI thread, newest request wins.

At 100k items a search can take longer than a frame, so the sidebar never calls
``KnowledgeBase.search`` itself. Requests are numbered; the worker skips a request
that a newer keystroke has already replaced, and the runner drops any result that
is not for the newest request, so a slow old search never overwrites a fresh one.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass

from deskmate.core import DeskmateError, KnowledgeBase
from deskmate.core.knowledge_base import Hit
from PySide6.QtCore import QObject, QThread, Signal, Slot

log = logging.getLogger(__name__)
WARM_UP = -1  # request number of the start-up search; its result is never shown


@dataclass(frozen=True)
class SearchResult:
    """The hits of one request (or the plain-language problem that stopped it)."""

    request: int
    text: str
    hits: list[Hit]
    seconds: float
    problem: str | None = None


class _SearchWorker(QObject):
    # Only the request number crosses threads; the result waits in `finished`, so a burst
    # of superseded searches never queues their hit lists in the UI thread's event queue.
    done = Signal(int)

    def __init__(self, kb: KnowledgeBase, latest: list[int], lock: threading.Lock) -> None:
        super().__init__()
        self._kb = kb
        self._latest = latest
        self._lock = lock
        self.finished: dict[int, SearchResult] = {}

    @Slot(int, str, str, int)
    def run(self, request: int, text: str, kinds: str, limit: int) -> None:
        with self._lock:
            if request not in (self._latest[0], WARM_UP):
                return  # a newer keystroke already replaced this one
        start = time.perf_counter()
        try:
            hits = self._kb.search(text, limit=limit, kinds=kinds.split(",") if kinds else None)
            problem = None
        except DeskmateError as exc:
            hits, problem = [], exc.message
            log.warning("search failed: %s", exc.message)
        result = SearchResult(request, text, hits, time.perf_counter() - start, problem)
        with self._lock:
            self.finished = {request: result}  # older unread results are stale anyway
        self.done.emit(request)


class SearchRunner(QObject):
    """Owns the search thread; emit ``search()`` per keystroke, receive ``results``."""

    results = Signal(object)  # SearchResult, only for the newest request
    # Kinds travel as "faq,script": plain Qt types only across threads.
    _request = Signal(int, str, str, int)

    def __init__(self, kb: KnowledgeBase, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._latest = [0]
        self._lock = threading.Lock()
        self._thread = QThread()
        self._thread.setObjectName("deskmate-search")
        self._worker = _SearchWorker(kb, self._latest, self._lock)
        self._worker.moveToThread(self._thread)
        self._request.connect(self._worker.run)
        self._worker.done.connect(self._deliver)
        self._thread.start()

    def search(self, text: str, kinds: Sequence[str] | None = None, limit: int = 20) -> int:
        """Queue a search; returns its request number."""
        with self._lock:
            self._latest[0] += 1
            request = self._latest[0]
        self._request.emit(request, text, ",".join(kinds or ()), limit)
        return request

    def warm_up(self, text: str = "退款 refund") -> None:
        """Run one throw-away search now, off the UI thread.

        Then the agent's first keystroke is not the one that opens the index snapshot
        and loads the field lengths (about a second at 100k items).
        """
        self._request.emit(WARM_UP, text, "", 1)

    def cancel_pending(self) -> None:
        """Forget queued and running requests (e.g. the box was cleared)."""
        with self._lock:
            self._latest[0] += 1

    @property
    def latest(self) -> int:
        """The newest request number."""
        return self._latest[0]

    @Slot(int)
    def _deliver(self, request: int) -> None:
        with self._lock:
            result = self._worker.finished.pop(request, None)
            newest = request == self._latest[0]
        if result is not None and newest:
            self.results.emit(result)

    def stop(self) -> None:
        """Finish the running search and stop the thread (call before closing the KB)."""
        self.cancel_pending()
        self._thread.quit()
        self._thread.wait(5000)
