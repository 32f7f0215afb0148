"""StatusLine: online or offline, the last sync and the item counts, under the results.

The facts are read by a reader-lane job (``sidebar_reads.status_facts``); online or
offline is decided by the last sync's error code, never by its sentence. The tray's icon
follows the same verdict.
"""

from __future__ import annotations

from collections.abc import Callable

from deskmate.core import KnowledgeBase
from deskmate.desktop.error_wording import is_offline
from deskmate.desktop.jobs import JobRunner, Lane
from deskmate.desktop.local_time import local_time
from deskmate.desktop.sidebar import SidebarWindow
from deskmate.desktop.sidebar_reads import StatusFacts, status_facts
from deskmate.desktop.tray import TrayIcon
from PySide6.QtCore import QObject


class StatusLine(QObject):
    """Keeps the sidebar's status line and the tray's online mark up to date.

    Args:
        kb: The knowledge base (item counts, last sync).
        jobs: The job runner (the facts are read on the reader lane).
        window: The sidebar, which shows the line.
        tray: The tray icon, marked online or offline.
        server_url: Gives the configured server ("" when none): it can change in Settings.
    """

    def __init__(
        self,
        kb: KnowledgeBase,
        jobs: JobRunner,
        window: SidebarWindow,
        tray: TrayIcon,
        server_url: Callable[[], str],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._kb = kb
        self._jobs = jobs
        self._window = window
        self._tray = tray
        self._server_url = server_url

    def refresh(self) -> None:
        """Read the facts again (a job) and show them when read."""
        self._jobs.submit(
            "status",
            lambda _ctx: status_facts(self._kb),
            lane=Lane.READER,
            key="status",
            on_done=self.show,
        )

    def show(self, facts: StatusFacts) -> None:
        """Show ``facts`` in the status line and the tray."""
        server = bool(self._server_url())
        online = server and not is_offline(facts.error_code)
        if not server:
            mode = self.tr("Offline (no server configured)")
        elif online:
            mode = self.tr("Online")
        else:
            mode = self.tr("Offline: working from the local copy")
        last_sync = local_time(facts.last_sync) if facts.last_sync else self.tr("never")
        counts = facts.counts
        self._window.set_status(
            self.tr("%1 · last sync: %2 · %3 FAQs, %4 scripts, %5 experts")
            .replace("%1", mode)
            .replace("%2", last_sync)
            .replace("%3", str(counts.get("faq", 0)))
            .replace("%4", str(counts.get("script", 0)))
            .replace("%5", str(counts.get("expert", 0)))
        )
        self._tray.set_online(online)
