"""StartupPreparation: what the sidebar does after its window is up, as jobs.

First the search index is opened, caught up or rebuilt (the ``prepare-index`` job, with
"Preparing the search index… 40%" and Cancel); then the first-run sample pack and this
agent's usage signals (the ``prepare`` job). A cancelled preparation keeps the index on
disk as it was and searches it; without one, search waits for the next start.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from deskmate.core import DeskmateError, KnowledgeBase
from deskmate.core.activity.consultation_log import ConsultationLog, ItemUsage
from deskmate.core.activity.events import EventKind
from deskmate.core.errors import OperationCancelledError
from deskmate.desktop.error_wording import wording
from deskmate.desktop.jobs import Job, JobContext, JobRunner, Lane
from deskmate.desktop.sidebar import SidebarWindow
from deskmate.indexer.sample_pack import load_sample_pack_if_empty
from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)
Usage = tuple[list[str], list[str]]  # recently opened ids, most consulted ids


class StartupPreparation(QObject):
    """See the module docstring.

    Args:
        kb: The knowledge base, opened with ``prepare_index=False``.
        record: The consultation record (usage signals).
        jobs: The app's job runner.
        window: The sidebar (its progress row, status line and search).
        load_sample: Load the sample pack into an empty knowledge base (no server set).

    Signals:
        prepared(object): the ``Usage`` lists; the sidebar is fully ready.
    """

    prepared = Signal(object)

    def __init__(
        self,
        kb: KnowledgeBase,
        record: ConsultationLog,
        jobs: JobRunner,
        window: SidebarWindow,
        load_sample: bool,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._kb = kb
        self._record = record
        self._jobs = jobs
        self._window = window
        self._load_sample = load_sample
        self._index_job: Job | None = None
        window.index_progress.cancel_requested.connect(self.cancel)

    def start(self) -> None:
        """Start preparing the index (show the window first)."""
        self._window.index_progress.start()
        self._index_job = self._jobs.submit(
            "prepare-index",
            lambda ctx: self._kb.prepare_index(ctx.progress, ctx.cancel),
            on_progress=self._window.index_progress.set_progress,
            on_done=lambda _none: self._index_prepared(),
            on_error=self._index_failed,
        )

    def cancel(self) -> None:
        """Stop preparing the index (the Cancel button)."""
        if self._index_job is not None:
            self._index_job.cancel()

    def _index_prepared(self) -> None:
        self._index_job = None
        self._window.index_prepared()
        self._window.runner.warm_up()
        self._jobs.submit(
            "prepare",
            self._prepare,
            on_progress=self._on_sample_loading,
            on_done=self.prepared.emit,
        )

    def _index_failed(self, error: DeskmateError) -> None:
        """The index could not be prepared, or the agent cancelled: say so in their words."""
        self._index_job = None
        self._window.index_progress.hide()
        # The index on disk stays as it was and is searched, if there is one.
        if isinstance(error, OperationCancelledError):
            after = self._after_cancel
        else:
            self._window.toast(wording(error))
            after = self._after_failure
        self._jobs.submit(
            "keep-index",
            lambda _ctx: self._kb.keep_existing_index(),
            lane=Lane.READER,
            on_done=after,
        )

    def _after_failure(self, kept: bool) -> None:
        if kept:  # the failure's sentence is on show; carry on with the previous index
            self._index_prepared()

    def _after_cancel(self, kept: bool) -> None:
        if kept:
            self._window.toast(
                self.tr(
                    "The search index was not rebuilt; Deskmate searches "
                    "the previous one until the next start."
                )
            )
            self._index_prepared()
        else:
            self._window.toast(
                self.tr("The search index was not prepared; search works after Deskmate restarts.")
            )

    def _on_sample_loading(self, _done: int, _total: int) -> None:
        self._window.set_status(self.tr("Loading the sample knowledge pack…"))

    def _prepare(self, ctx: JobContext) -> Usage:
        """A job: the first-run sample pack, then this agent's usage signals."""
        if self._load_sample and not sum(self._kb.count().values()):
            ctx.progress(0, 1)
            log.info("first run: loading the sample pack")  # quit tests wait for this line
            load_sample_pack_if_empty(self._kb)
        ctx.check_cancelled()
        counts = self._record.usage_counts()
        feed_usage(self._kb, counts)
        opened = (e for e in self._record.recent(60) if e.kind == EventKind.OPEN)
        recent = [e.item_id for e in opened if e.item_id]
        frequent = sorted(counts, key=lambda item_id: -counts[item_id].consulted)[:5]
        return recent, frequent


def feed_usage(kb: KnowledgeBase, counts: Mapping[str, ItemUsage]) -> int:
    """Give the knowledge base the consultation counts (items agents use rise a little).

    Returns:
        The number of items whose usage was passed on.
    """
    for item_id, usage in counts.items():
        kb.record_usage(item_id, usage.consulted, usage.helpful, usage.unhelpful)
    return len(counts)
