"""SyncClient: one sync of this machine with the server, as the sidebar and the CLI run it.

A sync first uploads the consultation events waiting on this machine (small, and the
agent's own work), then brings the agent's learning profile down and sends their offline
learning actions (:mod:`.learning`), then fetches the vocabulary (synonyms and skill
names), then pulls the content changes. The vocabulary comes before the content because
a new one rebuilds the search index: the items that arrive after it are indexed once,
with it, instead of being indexed and then rebuilt. Being offline, a refused token or a
failing server never raises out of :meth:`SyncClient.sync_once`: the report carries a
plain ``problem`` sentence, the local copy keeps every page applied before the failure
and nothing of the failed step, and the agent keeps working from the local copy.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from deskmate.core.activity.account import BindOutcome, SignedInAccount
from deskmate.core.activity.consultation_log import ConsultationLog
from deskmate.core.activity.events import local_now
from deskmate.core.closing import ClosesOnExit
from deskmate.core.errors import ContentError, DeskmateError, OperationCancelledError, StoreError
from deskmate.core.knowledge_base import KnowledgeBase
from deskmate.core.learning.outbox import LearningOutbox
from deskmate.core.learning.profile_cache import ProfileCache
from deskmate.core.store.sync_status_keys import (
    LAST_ERROR_CODE_KEY,
    LAST_PROBLEM_KEY,
    LAST_SYNC_KEY,
)
from deskmate.core.sync.deadline import DEFAULT_DEADLINE
from deskmate.core.sync.errors import AuthError, OfflineError, SyncError
from deskmate.core.sync.learning import LearningResult, LearningSync
from deskmate.core.sync.pull import PAGE_LIMIT, ContentPull, Progress, PullResult
from deskmate.core.sync.push import BATCH_SIZE, EventPush, PushResult
from deskmate.core.sync.retry import RetryPolicy
from deskmate.core.sync.transport import SyncSession
from deskmate.core.sync.vocabulary import VocabularyPull, VocabularyResult

log = logging.getLogger(__name__)

_STOPPING = (OfflineError, AuthError, OperationCancelledError, StoreError)


@dataclass(frozen=True)
class SyncReport:
    """What one sync did.

    Attributes:
        added: Items new to the local copy.
        updated: Items replaced by a newer version.
        deleted: Items deleted (listed as deleted by the server, or swept after a full pass).
        pushed: Consultation events the server confirmed.
        duration_s: Wall-clock seconds the sync took.
        problem: Why the sync stopped early, in a plain sentence; None when it finished.
        warnings: Non-fatal problems (e.g. events the server refused, kept for later).
        full_pass: The whole server content was fetched (first sync or resync).
        not_modified: The server said nothing had changed (HTTP 304).
        vocabulary_updated: The server's synonyms or skill names changed the local ones
            (the search index was rebuilt with them).
        profile_updated: A new learning profile was stored in the profile cache.
        learning_sent: Outbox entries (self-assessments, done-marks, proposals) the
            server confirmed.
        bound: Who the token belongs to and what binding the record to them changed
            (None when the sync did not get that far or has no consultation record).
        error: The exception behind ``problem`` (e.g. :class:`AuthError`), for callers
            that act on the kind of failure.
    """

    added: int = 0
    updated: int = 0
    deleted: int = 0
    pushed: int = 0
    duration_s: float = 0.0
    problem: str | None = None
    warnings: tuple[str, ...] = ()
    full_pass: bool = False
    not_modified: bool = False
    vocabulary_updated: bool = False
    profile_updated: bool = False
    learning_sent: int = 0
    bound: BindOutcome | None = field(default=None, compare=False)
    error: DeskmateError | None = field(default=None, compare=False, repr=False)

    @property
    def pulled(self) -> int:
        """Items received that changed the local copy (new + updated)."""
        return self.added + self.updated

    @property
    def account(self) -> str:
        """The account whose activity this sync uploaded ("" when not known)."""
        return self.bound.account.name if self.bound is not None else ""

    @property
    def account_notice(self) -> str | None:
        """A one-line notice when the record changed hands, in English (see BindOutcome)."""
        return self.bound.notice() if self.bound is not None else None

    @property
    def ok(self) -> bool:
        """The sync finished."""
        return self.problem is None

    def summary(self) -> str:
        """One line, e.g. ``pulled 253 items (253 new, 0 updated), 0 deleted; pushed 12 ...``."""
        learning = f"; sent {self.learning_sent} learning changes" if self.learning_sent else ""
        return (
            f"pulled {self.pulled} items ({self.added} new, {self.updated} updated), "
            f"{self.deleted} deleted; pushed {self.pushed} events{learning}; "
            f"{self.duration_s:.1f} s"
        )


class SyncClient(ClosesOnExit):
    """Synchronises a knowledge base and a consultation record with one server.

    Args:
        kb: The local knowledge base.
        consultation_log: The consultation record whose events are uploaded (None: only
            pull content).
        server_url: The server's base address.
        token: The agent's API token.
        timeout: (connect, read) timeouts in seconds per attempt.
        deadline: Seconds one whole request may take (connect, headers and a body of
            up to 1 MB, retries included; larger bodies get more at 32 KiB/s). A server
            that trickles its answer cannot hold the sync longer.
        retry: The retry policy (default :class:`RetryPolicy`).
        ca_bundle: A CA bundle to trust (default ``$DESKMATE_CA_BUNDLE``).
        proxy: An HTTP(S) proxy address (None: the environment's, as requests finds it).
        page_limit: Changes per page (at most 1000).
        batch_size: Events per upload (at most 1000).
        language: The language of the learning profile's reasons and notices (``zh``,
            ``en``, ``zh_CN``; None: the server's default).
    """

    def __init__(
        self,
        kb: KnowledgeBase,
        consultation_log: ConsultationLog | None,
        server_url: str,
        token: str,
        *,
        timeout: tuple[float, float] = (5.0, 30.0),
        retry: RetryPolicy | None = None,
        ca_bundle: Path | str | None = None,
        proxy: str | None = None,
        page_limit: int = PAGE_LIMIT,
        batch_size: int = BATCH_SIZE,
        language: str | None = None,
        deadline: float = DEFAULT_DEADLINE,
    ) -> None:
        self.kb = kb
        self.consultation_log = consultation_log
        self.session = SyncSession(
            server_url,
            token,
            timeout=timeout,
            retry=retry,
            ca_bundle=ca_bundle,
            proxy=proxy,
            deadline=deadline,
        )
        self.page_limit = page_limit
        self.batch_size = batch_size
        self.language = language
        self._lock = threading.Lock()
        self.bound: BindOutcome | None = None  # the last binding (see bind_account)

    def __repr__(self) -> str:
        return f"SyncClient({self.session.server_url!r})"

    def close(self) -> None:
        """Close the HTTP connections (the knowledge base and record stay open)."""
        self.session.close()

    def whoami(self) -> dict[str, Any]:
        """Who the token belongs to (``name``, ``role``, ``team``): a cheap sign-in check.

        Raises:
            AuthError: the server refused the token.
            SyncError: the server cannot be reached or failed.
        """
        return self.session.me()

    def sync_once(
        self, progress: Progress | None = None, cancel: threading.Event | None = None
    ) -> SyncReport:
        """Upload events, sync learning, fetch the vocabulary, pull content. Never raises.

        One sync runs at a time per client; a second caller waits for the first.

        Args:
            progress: Called as ``progress(changes_applied, 0)`` after each page.
            cancel: Set it to stop between pages or batches.

        Returns:
            The report; ``problem`` says why the sync stopped early, if it did.
        """
        with self._lock:
            return self._sync(progress, cancel)

    def bind_account(self) -> BindOutcome | None:
        """Ask the server who the token belongs to and record as that account from now on.

        The first account on this machine profile also takes over the activity recorded
        before it and the learning changes waiting in the outbox. See
        :mod:`deskmate.core.activity.account`.

        Returns:
            What changed; None when this client has no consultation record.

        Raises:
            AuthError: the server refused the token (nothing changed).
            SyncError: the server cannot be reached or failed (nothing changed).
            ContentError: the server's answer names no usable account.
            StoreError: the record cannot be written.
        """
        if self.consultation_log is None:
            return None
        account = SignedInAccount.from_whoami(self.session.me(), self.session.server_url)
        outcome = self.consultation_log.bind_account(account)
        if outcome.first:
            LearningOutbox(self.kb.data_dir).hand_over(account.name)
        self.bound = outcome
        return outcome

    def _sync(self, progress: Progress | None, cancel: threading.Event | None) -> SyncReport:
        started = time.monotonic()
        try:
            bound = self.bind_account()
        except (SyncError, StoreError, ContentError) as exc:
            # Without knowing whose token this is nothing can be uploaded or fetched for
            # the agent; the local copy stays as it is.
            report = SyncReport(
                duration_s=time.monotonic() - started, problem=exc.message, error=exc
            )
            self._record(report)
            return report
        push = (
            EventPush(
                self.consultation_log,
                self.session,
                self.batch_size,
                agent_id=bound.account.name if bound is not None else None,
            )
            if self.consultation_log is not None
            else None
        )
        learning = LearningSync(
            self.session,
            ProfileCache(self.kb.data_dir),
            LearningOutbox(self.kb.data_dir),
            self.language,
        )
        vocabulary = VocabularyPull(self.kb, self.session)
        pull = ContentPull(self.kb, self.session, self.page_limit)
        failure: DeskmateError | None = None
        try:
            if push is not None:
                try:
                    push.run(cancel)
                except _STOPPING:
                    raise
                except SyncError as exc:
                    # The events wait for the next sync; content can still come down.
                    log.warning("event upload failed: %s", exc)
                    push.result.problems.append(exc.message)
            _learn(learning, cancel)
            # A bad vocabulary stops the sync like a bad page: nothing of it is applied.
            vocabulary.run(cancel)
            pull.run(progress, cancel)
        except (SyncError, StoreError, OperationCancelledError) as exc:
            failure = exc
        pushed = push.result if push else PushResult()
        report = self._report(pull.result, pushed, vocabulary.result, failure, started)
        report = self._with_learning(report, learning.result)
        if bound is not None:
            report = dataclasses.replace(report, bound=bound)
        self._record(report)
        return report

    def _report(
        self,
        pulled: PullResult,
        pushed: PushResult,
        vocabulary: VocabularyResult,
        failure: DeskmateError | None,
        started: float,
    ) -> SyncReport:
        warnings = list(pushed.problems)
        if vocabulary.unsupported:
            warnings.append(
                f"The server at {self.session.host} does not send synonyms and skill names "
                "(an older server); searches use the ones this copy already has."
            )
        return SyncReport(
            added=pulled.added,
            updated=pulled.updated,
            deleted=pulled.deleted + pulled.swept,
            pushed=pushed.pushed,
            duration_s=time.monotonic() - started,
            problem=failure.message if failure is not None else None,
            warnings=tuple(warnings),
            full_pass=pulled.full_pass,
            not_modified=pulled.not_modified,
            vocabulary_updated=vocabulary.changed,
            error=failure,
        )

    def _with_learning(self, report: SyncReport, learned: LearningResult) -> SyncReport:
        warnings = list(learned.problems)
        if learned.unsupported:
            warnings.append(
                f"The server at {self.session.host} has no learning profiles (an older "
                "server); your learning changes wait on this computer."
            )
        return dataclasses.replace(
            report,
            warnings=(*report.warnings, *warnings),
            profile_updated=learned.profile_updated,
            learning_sent=learned.sent,
        )

    def _record(self, report: SyncReport) -> None:
        """Remember the outcome for the sidebar's status line."""
        # INFO either way: the caller shows ``report.problem``; a warning would say it twice.
        if report.problem is None:
            log.info("sync with %s: %s", self.session.host, report.summary())
        else:
            log.info("sync with %s stopped: %s", self.session.host, report.problem)
        try:
            if report.problem is None:
                self.kb.set_meta(LAST_SYNC_KEY, local_now().isoformat(timespec="seconds"))
            self.kb.set_meta(LAST_PROBLEM_KEY, report.problem or "")
            self.kb.set_meta(LAST_ERROR_CODE_KEY, report.error.code if report.error else "")
        except StoreError as exc:
            # The sync itself is done; only its bookkeeping is lost.
            log.warning("cannot record the sync time: %s", exc)


def _learn(learning: LearningSync, cancel: threading.Event | None) -> None:
    """The learning step: its failures are warnings, except those that stop any sync."""
    try:
        learning.run(cancel)
    except (OfflineError, AuthError, OperationCancelledError):
        raise
    except (SyncError, StoreError) as exc:
        # The cached profile and the outbox stay as they were; content can still come down.
        log.warning("learning profile not synced: %s", exc)
        learning.result.problems.append(exc.message)
    except Exception as exc:  # a profile problem is only ever a warning
        # An answer the profile code did not foresee (a field of an odd type, a parser
        # limit): the learning step is an extra, so the content sync must still run.
        log.warning("learning profile not synced", exc_info=True)
        learning.result.problems.append(
            "Your learning profile could not be updated (the server's answer could not be "
            f"read: {type(exc).__name__}); the last one is kept."
        )
