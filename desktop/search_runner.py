"""SearchRunner: knowledge-base searches as jobs on the reader lane, newest request wins.

At 100k items a search can take longer than a frame, so the sidebar never calls
``KnowledgeBase.search`` itself. Requests are numbered and submitted with one job key:
a new keystroke cancels the previous search (skipped if it has not started, its result
dropped if it has), and only the newest request's result is handed on, so a slow old
search never overwrites a fresh one.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from deskmate.core import DeskmateError, KnowledgeBase
from deskmate.core.knowledge_base import Hit
from deskmate.desktop.error_wording import wording
from deskmate.desktop.i18n import content_language
from deskmate.desktop.jobs import JobContext, JobRunner, Lane
from PySide6.QtCore import QObject, Signal

WARM_UP = -1  # request number of the start-up search; its result is never shown


@dataclass(frozen=True)
class SearchRequest:
    """What one request asked for (the refiner repeats it with the fused ranking)."""

    request: int
    text: str
    kinds: list[str] | None
    limit: int
    product: str | None = None
    channel: str | None = None
    prefer_language: str | None = None

    def search(self, kb: KnowledgeBase, *, semantic: bool) -> list[Hit]:
        """Run this request on ``kb``: lexical only, or fused with the nearest vectors."""
        return kb.search(
            self.text,
            limit=self.limit,
            kinds=self.kinds,
            product=self.product,
            channel=self.channel,
            prefer_language=self.prefer_language,
            semantic=semantic,
        )


@dataclass(frozen=True)
class SearchResult:
    """The hits of one request (or the translated problem that stopped it)."""

    request: int
    text: str
    hits: list[Hit]
    seconds: float
    problem: str | None = None
    problem_code: str | None = None


class SearchRunner(QObject):
    """Emit ``search()`` per keystroke, receive ``results`` (only the newest request's).

    The ranking is the lexical one (fast per keystroke); desktop/search_refine.py follows
    each request with the fused (encoder) ranking.

    Signals:
        results(object): the :class:`SearchResult` of the newest request.
        submitted(object): a request was queued (its :class:`SearchRequest`).
    """

    results = Signal(object)
    submitted = Signal(object)

    def __init__(self, kb: KnowledgeBase, jobs: JobRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._kb = kb
        self._jobs = jobs
        self._latest = 0

    def search(
        self,
        text: str,
        kinds: Sequence[str] | None = None,
        limit: int = 20,
        *,
        product: str | None = None,
        channel: str | None = None,
    ) -> int:
        """Queue a search (only of ``kinds``, ``product``, ``channel`` if given); its number."""
        self._latest += 1
        request = self._latest
        wanted = list(kinds) if kinds else None
        prefer = content_language()  # the agent's language first (issue #18)
        asked = SearchRequest(request, text, wanted, limit, product, channel, prefer)

        def run(_ctx: JobContext) -> SearchResult:
            start = time.perf_counter()
            hits = asked.search(self._kb, semantic=False)
            return SearchResult(request, text, hits, time.perf_counter() - start)

        def failed(exc: DeskmateError) -> None:
            self._deliver(SearchResult(request, text, [], 0.0, wording(exc), exc.code))

        self._jobs.submit(
            "search", run, lane=Lane.READER, key="search", on_done=self._deliver, on_error=failed
        )
        self.submitted.emit(asked)
        return request

    def warm_up(self, text: str = "退款 refund") -> None:
        """Run one throw-away search now, off the UI thread.

        Then the agent's first keystroke is not the one that opens the index snapshot
        and loads the field lengths (about a second at 100k items).
        """
        self._jobs.submit(
            "warm-up",
            lambda _ctx: self._kb.search(text, limit=1),
            lane=Lane.READER,
            on_error=lambda _exc: None,  # not ready yet: the first keystroke says so
        )

    def cancel_pending(self) -> None:
        """Forget queued and running requests (e.g. the box was cleared)."""
        self._latest += 1

    @property
    def latest(self) -> int:
        """The newest request number."""
        return self._latest

    def _deliver(self, result: SearchResult) -> None:
        if result.request == self._latest:
            self.results.emit(result)

    def stop(self) -> None:
        """Forget pending requests (the job runner's shutdown stops the lanes)."""
        self.cancel_pending()
