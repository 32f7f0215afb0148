"""LearningStore: the "My learning" data of one agent on this computer, for the sidebar.

It combines the cached profile (:class:`ProfileCache`) with what waits in the outbox
(:class:`LearningOutbox`), so the view shows the agent's own changes at once, before
the next sync sends them. Every method reads or writes small files in the data
directory: call them off the UI thread.

Only the agent's own profile is ever shown: the server sends nothing else, and a cached
profile of another agent name (a shared computer, a changed agent id) is not shown.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from deskmate.core.content.taxonomy import MAX_LEVEL, MIN_LEVEL
from deskmate.core.errors import ContentError
from deskmate.core.learning.outbox import LearningOutbox, OutboxEntry, new_entry
from deskmate.core.learning.profile import LearningProfile, Notice
from deskmate.core.learning.profile_cache import ProfileCache

log = logging.getLogger(__name__)

MAX_TITLE = 500
MAX_ANSWER = 20_000
MAX_SKILLS = 20
MAX_ID = 128


@dataclass(frozen=True)
class LearningSnapshot:
    """Everything the "My learning" view shows, read at one moment.

    Attributes:
        profile: The agent's cached profile, None when there is none for this agent.
        checked_at: When the server last sent or confirmed it (ISO 8601), None if never.
        server: The server it came from ("" when none).
        unsupported: The server has no learning profiles (an older server).
        pending_levels: Self-assessments not yet sent, by skill code.
        pending_done: Assignment ids marked done but not yet sent.
        pending_proposals: Proposals not yet sent.
        seen_notices: Notice ids already shown.
    """

    profile: LearningProfile | None = None
    checked_at: str | None = None
    server: str = ""
    unsupported: bool = False
    pending_levels: dict[str, int] = field(default_factory=dict)
    pending_done: frozenset[int] = frozenset()
    pending_proposals: int = 0
    seen_notices: frozenset[int] = frozenset()

    def new_notices(self) -> list[Notice]:
        """Notices of the profile not shown yet, newest first."""
        if self.profile is None:
            return []
        return [n for n in self.profile.notices if n.id not in self.seen_notices]


class LearningStore:
    """Reads the agent's learning data and records what they do offline.

    Args:
        data_dir: The data directory.
        agent_id: The agent using this sidebar (``Settings.agent_id``); entries carry it
            so that a sync with another agent's sign-in never sends them.
    """

    def __init__(self, data_dir: Path, agent_id: str | None) -> None:
        self.cache = ProfileCache(data_dir)
        self.outbox = LearningOutbox(data_dir)
        self.agent_id = agent_id or None

    def __repr__(self) -> str:
        return f"LearningStore({str(self.cache.data_dir)!r}, {self.agent_id!r})"

    def snapshot(self) -> LearningSnapshot:
        """The cached profile with the pending changes.

        Raises:
            StoreError: the outbox cannot be read.
        """
        cached = self.cache.load()
        profile = cached.profile
        if profile is not None and self.agent_id and profile.agent != self.agent_id:
            log.info("the cached learning profile is another agent's; not shown")
            profile = None
        mine = [e for e in self.outbox.pending() if e.agent in (None, self.agent_id)]
        levels = {
            str(e.body["skill"]): int(e.body["level"]) for e in mine if e.op == "self_assessment"
        }
        done = frozenset(int(e.body["assignment"]) for e in mine if e.op == "done")
        return LearningSnapshot(
            profile=profile,
            checked_at=cached.checked_at,
            server=cached.server,
            unsupported=cached.unsupported,
            pending_levels=levels,
            pending_done=done,
            pending_proposals=sum(1 for e in mine if e.op == "proposal"),
            seen_notices=cached.seen_notices,
        )

    def assess(self, skill: str, level: int) -> OutboxEntry:
        """The agent rates themselves ``level`` (1–5) in ``skill``; sent at the next sync.

        Raises:
            ContentError: the skill code is empty or the level is not 1–5.
            StoreError: the outbox cannot be written.
        """
        if (
            not isinstance(level, int)
            or isinstance(level, bool)
            or not (MIN_LEVEL <= level <= MAX_LEVEL)
        ):
            raise ContentError(f"A self-assessment is a level from {MIN_LEVEL} to {MAX_LEVEL}.")
        body = {"skill": _code(skill, "skill"), "level": level}
        return self.outbox.add(new_entry("self_assessment", self.agent_id, body))

    def mark_done(self, assignment_id: int) -> OutboxEntry:
        """The agent finished an assignment; sent at the next sync.

        Raises:
            ContentError: the id is not a positive whole number.
            StoreError: the outbox cannot be written.
        """
        if (
            not isinstance(assignment_id, int)
            or isinstance(assignment_id, bool)
            or (assignment_id < 1)
        ):
            raise ContentError("An assignment id is a positive whole number.")
        body = {"assignment": assignment_id}
        return self.outbox.add(new_entry("done", self.agent_id, body))

    def propose(self, draft: ProposalDraft) -> OutboxEntry:
        """Keep a proposal (see :func:`make_proposal`) for the editors' queue.

        Raises:
            StoreError: the outbox cannot be written.
        """
        body = {
            "title": draft.title,
            "answer": draft.answer,
            "skills": list(draft.skills),
            "item_id": draft.item_id,
        }
        return self.outbox.add(new_entry("proposal", self.agent_id, body))

    def take_new_notices(self) -> list[Notice]:
        """The notices not shown yet (newest first), remembered as shown from now on.

        Raises:
            StoreError: the cache cannot be written (the notices may then show again).
        """
        fresh = self.snapshot().new_notices()
        self.cache.mark_seen(n.id for n in fresh)
        return fresh


@dataclass(frozen=True)
class ProposalDraft:
    """A new FAQ (``item_id`` None) or an edit of ``item_id``, checked and tidied."""

    title: str
    answer: str
    skills: tuple[str, ...]
    item_id: str | None = None


def make_proposal(
    title: str, answer: str, skills: Sequence[str], item_id: str | None = None
) -> ProposalDraft:
    """Check and tidy what the agent typed (no disk: fine on the UI thread).

    Raises:
        ContentError: with ``fields["field"]`` (``title``, ``answer``, ``skills``,
            ``item_id``) and ``fields["reason"]`` (``empty``, ``too_long``,
            ``malformed``), so a UI can word it in the agent's language.
    """
    title, answer = " ".join(title.split()), answer.strip()
    if not title:
        raise _bad("Give the proposal a title: the question it answers.", "title", "empty")
    if len(title) > MAX_TITLE:
        raise _bad(f"The title is too long (at most {MAX_TITLE} characters).", "title", "too_long")
    if not answer:
        raise _bad("Write the answer you propose.", "answer", "empty")
    if len(answer) > MAX_ANSWER:
        raise _bad(
            f"The answer is too long (at most {MAX_ANSWER} characters).", "answer", "too_long"
        )
    if len(skills) > MAX_SKILLS:
        raise _bad(f"Pick at most {MAX_SKILLS} skills.", "skills", "too_long")
    codes = tuple(dict.fromkeys(_code(s, "skill") for s in skills))
    return ProposalDraft(title, answer, codes, _code(item_id, "item id") if item_id else None)


def _bad(message: str, field_name: str, reason: str) -> ContentError:
    return ContentError(message, field=field_name, reason=reason)


def _code(value: str, what: str) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_ID:
        raise _bad(
            f"A {what} must be a code of 1 to {MAX_ID} characters.",
            what.replace(" ", "_"),
            "malformed",
        )
    return value.strip()
