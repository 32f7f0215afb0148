"""LearningController: connects "My learning", the notices and proposals to the LearningStore.

Every :class:`LearningStore` call (small files in the data directory) runs as a job on
the job runner's writer lane, in order, and its result comes back on the GUI thread. After
each sync the view is refreshed and the notices not shown yet are shown once: in the
sidebar's banner and as a tray message; clicking one opens its item. What the agent does
(a self-assessment, "mark done", a proposal) goes to the outbox and a sync is started.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from deskmate.core.learning import LearningSnapshot, LearningStore, Notice
from deskmate.desktop.background_sync import BackgroundSync
from deskmate.desktop.error_wording import wording
from deskmate.desktop.jobs import Lane
from deskmate.desktop.learning_view import Connection
from deskmate.desktop.proposal_dialog import ProposalDialog
from deskmate.desktop.sidebar import SidebarWindow
from deskmate.desktop.tray import TrayIcon
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QDialog

_CONNECTIONS = {
    "": Connection.ONLINE,
    "sync.offline": Connection.OFFLINE,
    "sync.auth": Connection.SIGNED_OUT,
}


class LearningController(QObject):
    """See the module docstring.

    Args:
        store: The agent's learning data.
        window: The sidebar (its learning view, banner and proposal entry points).
        sync: The background sync (None: no syncing, e.g. in tests).
        tray: The tray icon (None: no tray messages).

    Signals:
        snapshot_shown(object): the view now shows this :class:`LearningSnapshot`.
        notices_shown(list): these new notices were just shown.
        summon_requested: bring the sidebar forward (a tray message or entry was clicked).
    """

    snapshot_shown = Signal(object)
    notices_shown = Signal(list)
    summon_requested = Signal()

    def __init__(
        self,
        store: LearningStore,
        window: SidebarWindow,
        sync: BackgroundSync | None = None,
        tray: TrayIcon | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.window = window
        self.sync = sync
        self.tray = tray
        self.last_notice: Notice | None = None
        self.dialog: ProposalDialog | None = None
        self._jobs = window.jobs  # the app's runner (the window's own in widget tests)
        self._closed = False
        view = window.learning
        view.assess_requested.connect(self.assess)
        view.done_requested.connect(self.mark_done)
        view.propose_requested.connect(lambda: self.propose("", ""))
        view.sync_requested.connect(self._sync_now)
        window.learning_shown.connect(self.refresh)
        window.propose_requested.connect(self.propose)
        if sync is not None:
            sync.finished.connect(self.after_sync)
        if tray is not None:
            tray.learning_requested.connect(self._show_learning)
            tray.message_clicked.connect(self._open_last_notice)

    # -- the worker ----------------------------------------------------------------------

    def _submit(
        self,
        call: Callable[[], Any],
        done: Callable[[Any], None] | None = None,
        *,
        write: bool = False,
    ) -> None:
        """Run ``call`` on the writer lane; ``done`` gets its result on the GUI thread.

        A known error is shown in the agent's words; a bug is logged with its traceback
        and shown as the apology (by the job runner). Writes are kept on quit.
        """
        if self._closed:
            return  # a queued signal after quitting: nothing more is read or written
        self._jobs.submit(
            "learning",
            lambda _ctx: call(),
            lane=Lane.WRITER,
            on_done=done,
            on_error=lambda exc: self.window.toast(wording(exc)),
            keep_on_quit=write,
        )

    def refresh(self) -> None:
        """Read the cached profile and the outbox again, then show them."""
        self._submit(self.store.snapshot, self._show_snapshot)

    def check_notices(self) -> None:
        """Show the notices not shown yet, once."""
        self._submit(self.store.take_new_notices, self._show_notices)

    def load(self) -> None:
        """Show the cached profile and the notices not shown yet (at start, after a sync)."""
        self.refresh()
        self.check_notices()

    def after_sync(self, _summary: str = "", _problem: str = "") -> None:
        """A sync ended: the profile and notices may be new."""
        self.load()

    def wait_until_idle(self) -> None:
        """Wait for the queued jobs and their results (tests)."""
        self._jobs.wait_until_idle()

    def shutdown(self) -> None:
        """Take no more jobs (on quit; queued writes finish with the job runner's lanes)."""
        self._closed = True
        if self.dialog is not None:
            self.dialog.reject()

    # -- showing -------------------------------------------------------------------------

    def connection(self) -> Connection:
        """How the last sync went, for the view."""
        if self.sync is None or not self.sync.configured:
            return Connection.NO_SERVER
        return _CONNECTIONS.get(self.sync.last_error_code, Connection.FAILED)

    def _show_snapshot(self, snapshot: LearningSnapshot) -> None:
        self.window.learning.show_snapshot(snapshot, self.connection())
        self.snapshot_shown.emit(snapshot)

    def _show_notices(self, notices: list[Notice]) -> None:
        if not notices:
            return
        self.last_notice = notices[0]
        self.window.notice_banner.show_notices(notices)
        if self.tray is not None:
            more = len(notices) - 1
            extra = " " + self.tr("(%n more in My learning)", "", more) if more else ""
            self.tray.notify(notices[0].text + extra)
        self.notices_shown.emit(notices)

    def _show_learning(self) -> None:
        self.summon_requested.emit()
        self.window.show_learning()

    def _open_last_notice(self) -> None:
        notice = self.last_notice
        self.summon_requested.emit()
        if notice is not None and notice.item_id:
            self.window.open_item(notice.item_id)
        else:
            self.window.show_learning()
        self.window.notice_banner.hide()

    # -- what the agent does ---------------------------------------------------------------

    def assess(self, skill: str, level: int) -> None:
        """The agent rated themselves: to the outbox, then sync."""
        self._submit(
            lambda: self.store.assess(skill, level),
            lambda _e: self._on_saved(
                self.tr("Your rating is saved; it is sent with the next sync.")
            ),
            write=True,
        )

    def mark_done(self, assignment_id: int) -> None:
        """The agent finished an assignment: to the outbox, then sync."""
        self._submit(
            lambda: self.store.mark_done(assignment_id),
            lambda _e: self._on_saved(
                self.tr("Marked done; your manager sees it after the next sync.")
            ),
            write=True,
        )

    def propose(self, title: str, item_id: str) -> None:
        """Open the proposal dialog (a new FAQ, or an edit of ``item_id``)."""
        if self.dialog is not None:
            self.dialog.raise_()
            self.dialog.activateWindow()
            return
        item = self.window.item_view.item
        item = item if item is not None and item_id and item.id == item_id else None
        dialog = ProposalDialog(
            title or (item.title if item else ""),
            self.window.kb.skill_names,
            item_id=item_id or None,
            item_title=item.title if item else None,
            answer=item.body if item else "",
            skills=item.skills if item else (),
        )
        dialog.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, True)
        dialog.finished.connect(lambda result: self._proposal_done(dialog, result))
        self.dialog = dialog
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()

    def _proposal_done(self, dialog: ProposalDialog, result: int) -> None:
        self.dialog = None
        draft = dialog.draft
        if result == QDialog.DialogCode.Accepted and draft is not None:
            self._submit(
                lambda: self.store.propose(draft),
                lambda _e: self._on_saved(
                    self.tr(
                        "Thank you: your proposal goes to the knowledge editors with the next sync."
                    )
                ),
                write=True,
            )
        dialog.deleteLater()

    def _on_saved(self, message: str) -> None:
        self.window.toast(message)
        self.refresh()
        if self.sync is not None and self.sync.configured:
            self.sync.sync_now()

    def _sync_now(self) -> None:
        if self.sync is None:
            return
        problem = self.sync.sync_now()
        if problem:
            self.window.toast(problem)
        self.refresh()
