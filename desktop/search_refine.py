"""SearchRefiner: the lexical results are painted per keystroke, then refined by meaning.

The sidebar's :class:`~deskmate.desktop.search_runner.SearchRunner` answers each keystroke
with the lexical ranking (milliseconds). For a question-like text (see
``core/semantic/search.py``) this refiner queues, right behind it on the reader lane, the
fused ranking, which needs the sentence encoder (tens of milliseconds), and puts it on
screen when it arrives:

- **stale answers are dropped**: only the answer to the request whose lexical results are
  on screen is applied (a newer keystroke, an opened item or a cleared box wins);
- **the list does not jump under the agent's cursor**: if the agent has moved the
  selection since the results were painted, the rows down to the selected one stay
  where they are (the selected item stays selected, on its row) and only the rows below
  take the fused order; if not, the fused ranking replaces the list, best first;
- an answer that changes nothing (no encoder here, the same order) repaints nothing.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from deskmate.core import DeskmateError, KnowledgeBase
from deskmate.core.knowledge_base import Hit
from deskmate.core.semantic.search import is_question_like
from deskmate.desktop.jobs import Job, JobContext, JobRunner, Lane
from deskmate.desktop.results_page import ResultsPage
from deskmate.desktop.search_runner import SearchRequest, SearchResult, SearchRunner
from PySide6.QtCore import QModelIndex, QObject, Signal


def refined_rows(
    shown: Sequence[Hit], fused: Sequence[Hit], current: int, moved: bool
) -> tuple[list[Hit], int]:
    """The rows to show once the fused ranking arrived, and the row to select.

    Args:
        shown: The rows on screen (the lexical ranking).
        fused: The fused ranking of the same request.
        current: The selected row (-1: none).
        moved: Whether the agent moved the selection since the rows were painted.
    """
    if not moved or not 0 <= current < len(shown):
        return list(fused), 0 if fused else -1
    kept = list(shown[: current + 1])
    ids = {hit.id for hit in kept}
    below = [hit for hit in fused if hit.id not in ids]
    return [*kept, *below][: max(len(fused), len(kept))], current


class SearchRefiner(QObject):
    """See the module docstring.

    Args:
        kb: The knowledge base searched.
        jobs: The app's job runner (the refinement runs on its reader lane).
        runner: The sidebar's search runner (its requests are followed).
        page: The results page whose list is refined.

    Signals:
        answered(object): a fused :class:`SearchResult` arrived; the sidebar checks it is
            still wanted (:meth:`is_current`) and calls :meth:`apply`.
        applied(int): the request whose fused ranking is now on screen (benchmarks, tests).
    """

    answered = Signal(object)
    applied = Signal(int)

    def __init__(
        self,
        kb: KnowledgeBase,
        jobs: JobRunner,
        runner: SearchRunner,
        page: ResultsPage,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._kb = kb
        self._jobs = jobs
        self._runner = runner
        self._page = page
        self._painted = 0  # the request whose lexical rows are on screen
        self._moved = False
        self._painting = False
        self._job: Job | None = None
        runner.submitted.connect(self._follow)
        # Connected after the sidebar's own slot: called once the lexical rows are painted.
        runner.results.connect(self._lexical_painted)
        selection = page.results.selectionModel()
        selection.currentChanged.connect(self._current_changed)

    def _follow(self, asked: SearchRequest) -> None:
        if self._job is not None:
            self._job.cancel()  # an older text's answer is no longer wanted
            self._job = None
        if not is_question_like(asked.text):
            return
        # The encoder starts now, beside the lexical search queued before the refinement.
        self._kb.semantic.start_encoding(asked.text)

        def run(_ctx: JobContext) -> SearchResult:
            start = time.perf_counter()
            hits = asked.search(self._kb, semantic=True)
            return SearchResult(asked.request, asked.text, hits, time.perf_counter() - start)

        self._job = self._jobs.submit(
            "refine",
            run,
            lane=Lane.READER,
            key="refine",
            on_done=self.answered.emit,
            on_error=self._failed,
        )

    def _failed(self, _error: DeskmateError) -> None:
        pass  # the lexical results stay (the index or the encoder is not ready)

    def _lexical_painted(self, result: SearchResult) -> None:
        self._painted = result.request
        self._moved = False

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not self._painting and current.row() > 0:
            self._moved = True

    def is_current(self, result: SearchResult) -> bool:
        """Whether ``result`` answers the request whose lexical rows are on screen."""
        return result.request == self._painted == self._runner.latest

    def apply(self, result: SearchResult, why_empty: str) -> int:
        """Put the fused ranking on screen (see the module doc); returns the rows shown."""
        model, view = self._page.model, self._page.results
        shown = [hit for row in range(model.rowCount()) if (hit := model.hit(row)) is not None]
        rows, select = refined_rows(shown, result.hits, view.currentIndex().row(), self._moved)
        if [h.id for h in rows] == [h.id for h in shown]:
            return len(shown)  # nothing changed: no repaint, no flicker
        self._painting = True
        try:
            if not shown:
                self._page.show_hits(rows, why_empty)
            else:
                scroll = view.verticalScrollBar().value()
                model.set_hits(rows)
                view.setCurrentIndex(model.index(select))
                view.verticalScrollBar().setValue(scroll)
                view.viewport().repaint()
        finally:
            self._painting = False
        self.applied.emit(result.request)
        return len(rows)
