"""LearningSync: the agent's learning profile down, their offline learning actions up.

Part of every sync (``SyncClient.sync_once``), after the consultation events:

1. ``GET /api/v1/me/profile?lang=…`` with the cached ETag (sent only when the cache is
   of the same server and language). A 304 confirms the cached profile; a 200 replaces
   it. A 404 means a server older than learning profiles: the cache records it, the
   outbox waits, and the rest of the sync goes on.
2. The outbox entries of the signed-in agent (the profile's ``agent``; entries of
   another agent wait): ``PUT /me/self-assessment``, ``POST /me/assignments/{id}/done``,
   ``POST /proposals`` (with the entry id as ``client_id``), each settled as soon as the
   server confirms it. Only the last self-assessment of a skill is sent.
3. When anything was sent, the profile is fetched once more, so it reflects it.

A refusal that cannot change by retrying (400/422 invalid, 404 on an assignment that
is not the agent's) settles the entry as refused (kept in the refused file) and becomes
a warning. Being offline or a refused token stops the sync as usual; any other server
failure leaves the entries pending for the next sync and becomes a warning.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field, replace
from typing import Any

from deskmate.core.activity.events import local_now
from deskmate.core.errors import ContentError, OperationCancelledError
from deskmate.core.learning.outbox import LearningOutbox, OutboxEntry, latest_per_skill
from deskmate.core.learning.profile import LearningProfile
from deskmate.core.learning.profile_cache import CachedProfile, ProfileCache
from deskmate.core.sync.errors import (
    AuthError,
    OfflineError,
    ProtocolError,
    RejectedUpload,
    SyncError,
)
from deskmate.core.sync.transport import SyncSession

log = logging.getLogger(__name__)

PROFILE_CAP = 4 * 1024 * 1024  # a profile with hundreds of skills is well under 1 MB


@dataclass
class LearningResult:
    """What the learning step did.

    Attributes:
        profile_updated: A new profile was stored (200), not just confirmed (304).
        not_modified: The server confirmed the cached profile (304).
        unsupported: The server has no learning profiles (404: an older server).
        sent: Outbox entries the server confirmed.
        refused: Outbox entries the server refused for good (kept in the refused file).
        held_back: Outbox entries of another agent than the signed-in one.
        problems: Plain sentences for the report's warnings.
    """

    profile_updated: bool = False
    not_modified: bool = False
    unsupported: bool = False
    sent: int = 0
    refused: int = 0
    held_back: int = 0
    problems: list[str] = field(default_factory=list)


def api_language(language: str | None) -> str | None:
    """``zh`` or ``en`` for the profile's ``lang`` parameter (``zh_CN`` → ``zh``)."""
    if not language:
        return None
    base = language.split("_")[0].split("-")[0].lower()
    return base if base in ("zh", "en") else None


class LearningSync:
    """Fetches the profile and sends the outbox. See the module docstring.

    Args:
        session: The HTTP session to the server.
        cache: Where the profile is kept.
        outbox: What waits to be sent.
        language: The language of the reasons and notices (``zh``/``en``; None: the
            server's default).
    """

    def __init__(
        self,
        session: SyncSession,
        cache: ProfileCache,
        outbox: LearningOutbox,
        language: str | None = None,
    ) -> None:
        self.session = session
        self.cache = cache
        self.outbox = outbox
        self.language = api_language(language)
        self.result = LearningResult()

    def run(self, cancel: threading.Event | None = None) -> LearningResult:
        """Fetch the profile, send the outbox, fetch again if anything was sent.

        Raises:
            OfflineError: the server cannot be reached.
            AuthError: the server refused the token.
            SyncError: the profile could not be fetched (the cached one is kept).
            StoreError: the cache or the outbox cannot be written.
            OperationCancelledError: ``cancel`` was set.
        """
        result = self.result = LearningResult()
        _check(cancel)
        cached = self.cache.load()
        profile = self._fetch(cached)
        if profile is None:
            return result
        _check(cancel)
        if self._send(profile.agent, cancel):
            self._fetch(self.cache.load(), conditional=False)
        return result

    def _fetch(self, cached: CachedProfile, conditional: bool = True) -> LearningProfile | None:
        """Fetch and store the profile; the current profile, or None when unsupported."""
        same = cached.server == self.session.server_url and cached.language == self.language
        etag = cached.etag if conditional and same and cached.profile is not None else None
        params = {"lang": self.language} if self.language else None
        try:
            answer = self.session.call_json(
                "GET", "/me/profile", params=params, etag=etag, cap=PROFILE_CAP
            )
        except ProtocolError as exc:
            if exc.fields.get("status") != 404:
                raise
            log.warning("the server at %s has no learning profiles", self.session.host)
            self.result.unsupported = True
            self.cache.update(
                lambda c: replace(c, server=self.session.server_url, unsupported=True)
            )
            return None
        now = local_now().isoformat(timespec="seconds")
        if answer.data is None:
            self.result.not_modified = True
            stored = self.cache.update(lambda c: replace(c, checked_at=now, unsupported=False))
            return stored.profile
        raw, profile = answer.data, self._read_profile(answer.data)
        self.cache.update(
            lambda c: CachedProfile(
                server=self.session.server_url,
                language=self.language,
                etag=answer.etag,
                checked_at=now,
                raw=raw,
                profile=profile,
                seen_notices=c.seen_notices,
            )
        )
        self.result.profile_updated = True
        self.result.not_modified = False
        return profile

    def _read_profile(self, data: dict[str, Any]) -> LearningProfile:
        try:
            return LearningProfile.from_dict(data)
        except ContentError as exc:
            raise ProtocolError(
                f"The server at {self.session.host} sent a learning profile Deskmate cannot "
                f"use ({exc.message}); the last one is kept.",
                host=self.session.host,
            ) from None

    def _send(self, agent: str, cancel: threading.Event | None) -> int:
        """Send the agent's pending entries; how many the server confirmed."""
        pending = self.outbox.pending()
        mine = [e for e in pending if e.agent in (None, agent)]
        self.result.held_back = len(pending) - len(mine)
        if self.result.held_back:
            self.result.problems.append(
                f"{self.result.held_back} learning changes made as another agent wait on this "
                f"computer; they are sent when that agent syncs."
            )
        to_send, superseded = latest_per_skill(mine)
        self.outbox.settle(superseded, "superseded")
        for entry in to_send:
            _check(cancel)
            try:
                self._deliver(entry)
            except (OfflineError, AuthError):
                raise
            except SyncError as exc:
                if not _refused_for_good(exc):
                    # Server trouble: the rest waits for the next sync, in order.
                    log.warning("learning changes not sent: %s", exc)
                    self.result.problems.append(
                        f"Your learning changes wait on this computer ({exc.message})"
                    )
                    break
                log.warning("learning %s %s refused by the server: %s", entry.op, entry.id, exc)
                self.outbox.settle([entry], "refused", exc.message)
                self.result.refused += 1
                self.result.problems.append(_refusal(entry, exc))
                continue
            self.outbox.settle([entry], "sent")
            self.result.sent += 1
        return self.result.sent

    def _deliver(self, entry: OutboxEntry) -> None:
        body = entry.body
        if entry.op == "self_assessment":
            payload = {"skill": body["skill"], "level": body["level"]}
            self.session.call_json("PUT", "/me/self-assessment", payload=payload)
        elif entry.op == "done":
            self.session.call_json("POST", f"/me/assignments/{int(body['assignment'])}/done")
        else:
            payload = {
                "title": body["title"],
                "answer": body["answer"],
                "skills": body.get("skills", []),
                "item_id": body.get("item_id"),
                "client_id": entry.id,
            }
            self.session.call_json("POST", "/proposals", payload=payload)


def _refused_for_good(exc: SyncError) -> bool:
    """Invalid (400/422) or not the agent's (404): sending it again cannot help."""
    return isinstance(exc, RejectedUpload) or exc.fields.get("status") in (400, 404)


def _refusal(entry: OutboxEntry, exc: SyncError) -> str:
    what = {
        "self_assessment": f"Your self-assessment of {entry.body.get('skill')}",
        "done": f"Marking assignment {entry.body.get('assignment')} done",
        "proposal": f"Your proposal “{entry.body.get('title')}”",
    }.get(entry.op, "A learning change")
    why = exc.fields.get("detail") or exc.message
    return f"{what} was refused by the server ({why}); it is kept aside, not applied."


def _check(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise OperationCancelledError("The sync was cancelled; it continues next time.")
