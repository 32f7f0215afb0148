"""Learning profiles on the desktop: the agent's cached profile and their offline outbox.

:class:`LearningStore` is the facade the sidebar uses (off the UI thread); the sync
client (:mod:`deskmate.core.sync.learning`) fetches the profile into the
:class:`ProfileCache` and sends the :class:`LearningOutbox`. See docs/learning.md for
the server's side and docs/sync-client.md for how the files stay consistent.
"""

from deskmate.core.learning.learning_store import (
    LearningSnapshot,
    LearningStore,
    ProposalDraft,
    make_proposal,
)
from deskmate.core.learning.outbox import LearningOutbox, OutboxEntry
from deskmate.core.learning.profile import (
    Assignment,
    LearningProfile,
    LevelSince,
    Notice,
    Recommendation,
    SkillStanding,
    TrendPoint,
)
from deskmate.core.learning.profile_cache import CachedProfile, ProfileCache

__all__ = [
    "Assignment",
    "CachedProfile",
    "LearningOutbox",
    "LearningProfile",
    "LearningSnapshot",
    "LearningStore",
    "LevelSince",
    "Notice",
    "OutboxEntry",
    "ProfileCache",
    "ProposalDraft",
    "Recommendation",
    "SkillStanding",
    "TrendPoint",
    "make_proposal",
]
