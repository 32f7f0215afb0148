"""A slight demotion of stale items: of two equally relevant answers, the checked one first.

An FAQ or script last verified more than :data:`STALE_AFTER_DAYS` ago (the sidebar marks
it "⚠ Not verified for N days") has its score multiplied by :data:`STALE_FACTOR`
(``final_weights``, the last step of every ranking). Items
never verified (no ``verified_at``: most imported packs) are not demoted: nothing says
they are stale, and demoting a whole pack would change nothing but its mix with others.

Measured on ATEC with 30 % of the items taken as stale (benchmarks/stale_ranking.py,
2,000 queries): without a demotion, a stale item is ranked above a fresh one of equal
relevance (scores within 2 %) in 50.5 % of such pairs; with 0.97, in none. MRR@10 over
all queries stays 0.190; queries whose answer is fresh gain (0.195 → 0.200), those whose
only answer is stale lose (0.177 → 0.166) — it is still found, a place or so lower, and
marked stale. 0.9 would cost those queries a quarter of their MRR (0.131), so 0.97.
"""

from __future__ import annotations

from datetime import UTC, datetime

from deskmate.core.content.model import Item, ItemKind

#: Days after which an FAQ or script not verified again is stale (the server's default
#: interval for both kinds; docs/console.md, "Verification").
STALE_AFTER_DAYS = 90
STALE_FACTOR = 0.97


def is_stale(item: Item, now: datetime) -> bool:
    """Whether ``item`` is an FAQ or script last verified over STALE_AFTER_DAYS ago."""
    if item.kind is ItemKind.EXPERT or item.verified_at is None:
        return False
    at = item.verified_at if item.verified_at.tzinfo else item.verified_at.replace(tzinfo=UTC)
    return (now - at).days > STALE_AFTER_DAYS
