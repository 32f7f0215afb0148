"""BackgroundSync: "Sync now" and the periodic sync, as jobs on the writer lane.

One sync at a time runs as a job of the :class:`JobRunner` (it writes the store, so on
the writer lane); its report comes back on the GUI thread and only translated strings
go on to the status line. Quitting cancels it through the job's cancel event, which
the sync checks between pages and which also stops an index rebuild the sync causes.
``deskmate.core.sync`` (requests, keyring) is imported on first use: an agent without
a server should not pay ~0.3 s of start-up for it.
"""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING

from deskmate.core import DeskmateError, KnowledgeBase
from deskmate.core.activity.consultation_log import ConsultationLog
from deskmate.desktop.error_wording import unexpected_error_text
from deskmate.desktop.jobs import Job, JobContext, JobRunner, Lane
from deskmate.desktop.sync_wording import problem_text, report_text
from PySide6.QtCore import QObject, QTimer, Signal

if TYPE_CHECKING:  # imported lazily: an agent without a server does not pay for it
    from deskmate.core.sync.client import SyncReport

log = logging.getLogger(__name__)


class NoTokenError(DeskmateError):
    """No sign-in is kept for the server (and none is given in ``DESKMATE_TOKEN``).

    Coded as a refused sign-in: the status line shows the same "sign in" state.
    """

    code = "sync.auth"


PERIOD_MS = 5 * 60 * 1000  # every five minutes, as agents expect content to be "fresh"


class BackgroundSync(QObject):
    """Runs :class:`SyncClient` now and then; reports through ``finished``.

    Args:
        kb: The knowledge base.
        record: The consultation record whose events are uploaded.
        parent: The Qt parent.
        language: The UI language (``zh_CN``/``en``): the learning profile's reasons
            and notices are asked for in it.
        jobs: The app's job runner (None: one of its own, for tests).
    """

    started = Signal()
    # Who the token belongs to, as the sync found out (a BindOutcome); before ``finished``.
    account_bound = Signal(object)
    finished = Signal(str, str)  # summary, problem ("" when none)

    def __init__(
        self,
        kb: KnowledgeBase,
        record: ConsultationLog,
        parent: QObject | None = None,
        language: str | None = None,
        jobs: JobRunner | None = None,
    ) -> None:
        super().__init__(parent)
        self._jobs = jobs if jobs is not None else JobRunner()
        self._kb = kb
        self._record = record
        self._language = language
        self._proxy_url: str | None = None
        self._ui = language or "en"
        self._server_url = ""
        # The code of the last sync's error ("" when it finished), e.g. "sync.offline";
        # written by the sync thread before ``finished`` is emitted, read after it.
        self.last_error_code = ""
        self._again = False  # asked for while a sync ran: sync once more when it ends
        self._job: Job | None = None
        self._busy = False  # from sync_now until just before ``finished`` is emitted
        self._timer = QTimer(self)
        self._timer.setInterval(PERIOD_MS)
        self._timer.timeout.connect(self.sync_now)
        self.finished.connect(self._after_run)

    def configure(self, server_url: str, proxy_url: str = "") -> None:
        """Sync with ``server_url`` from now on ("" turns syncing off).

        ``proxy_url`` is the proxy to go through ("": the system's, from the environment).
        """
        self._server_url = server_url.strip()
        self._proxy_url = proxy_url.strip() or None
        if self._server_url:
            self._timer.start()
        else:
            self._timer.stop()

    @property
    def configured(self) -> bool:
        """Whether a server is set."""
        return bool(self._server_url)

    @property
    def running(self) -> bool:
        """Whether a sync is in progress."""
        return self._busy

    def sign_in(self, token: str) -> str | None:
        """Keep ``token`` for the configured server.

        Returns:
            None, or a sentence when the token is kept only for this session.

        Raises:
            AuthError: the token cannot be a token (empty, spaces, control characters).
        """
        from deskmate.core.sync import TokenVault

        vault = TokenVault(self._server_url)
        vault.save(token)
        return vault.problem

    def sync_now(self) -> str | None:
        """Start a sync unless one runs; returns why it cannot start, or None.

        The token is looked up inside the job: the first look opens the credential store
        (keyring probes its backends over D-Bus, 0.3-0.8 s) and imports the sync client,
        which must not happen on the GUI thread. Without a token the sync ends at once
        with "Sign in to sync…" through ``finished``.
        """
        if not self._server_url:
            return self.tr("No server is configured; Deskmate is working offline.")
        if self.running:
            # What the agent just did (a rating, a proposal) may have missed this one.
            self._again = True
            return None
        self.started.emit()
        self._busy = True
        self._job = self._jobs.submit(
            "sync",
            self._run,
            lane=Lane.WRITER,
            on_done=self._on_report,
            on_error=self._on_error,
            on_bug=self._on_bug,
        )
        return None

    def _run(self, ctx: JobContext) -> SyncReport:
        from deskmate.core.sync import SyncClient, TokenVault

        vault = TokenVault(self._server_url)
        # A token IT hands over in the environment (kiosk or scripted set-ups, as for
        # ``deskmate sync``) is used when the agent has not signed in on this computer.
        token = vault.load() or os.environ.get("DESKMATE_TOKEN", "").strip()
        if not token:
            raise NoTokenError("Sign in to sync: no token is kept.", vault_problem=vault.problem)
        ctx.check_cancelled()
        with SyncClient(
            self._kb,
            self._record,
            self._server_url,
            token,
            language=self._language,
            proxy=self._proxy_url,
        ) as client:
            return client.sync_once(cancel=ctx.cancel)

    def _on_report(self, report: SyncReport) -> None:
        self._job = None
        if report.bound is not None:
            self.account_bound.emit(report.bound)
        self.last_error_code = report.error.code if report.error is not None else ""
        self._busy = False
        problem = problem_text(self.last_error_code, report.problem or "", self._ui)
        self.finished.emit(report_text(report) if report.ok else "", problem)

    def _on_error(self, error: DeskmateError) -> None:
        self._job = None
        self.last_error_code = error.code
        self._busy = False
        if isinstance(error, NoTokenError):
            # The vault's reason (an insecure or broken credential store) is English
            # detail for an English UI; every other agent gets the translated request.
            problem = self.tr("Sign in to sync: open Settings, Account, and enter your token.")
            if self._ui == "en" and error.fields.get("vault_problem"):
                problem = str(error.fields["vault_problem"])
            self.finished.emit("", problem)
            return
        self.finished.emit("", problem_text(error.code, error.message, self._ui))

    def _on_bug(self) -> None:
        # The job runner logged the traceback; the agent gets the apology, never the text.
        self._job = None
        self.last_error_code = "sync.failed"
        self._busy = False
        self.finished.emit("", unexpected_error_text())

    def _after_run(self, _summary: str, _problem: str) -> None:
        if self._again:
            self._again = False
            self.sync_now()

    def stop(self) -> None:
        """Cancel a running sync (on quit; the job runner's shutdown waits, bounded)."""
        self._timer.stop()
        self._again = False
        if self._job is not None:
            self._job.cancel()
