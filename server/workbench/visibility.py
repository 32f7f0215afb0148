"""Team-limited items in the change feed: who receives an item, and who is told it went.

An item with ``teams`` is sent only to agents (and managers) of those teams; editors
receive everything. The server keeps, per item, the teams that receive it now
(``items.teams``) and every team that ever could (``items.seen_by``): a team that could
but no longer can is sent the item's id as a deletion at the item's change, so its
copy goes; a team that never could is sent nothing, not even the id. NULL means every
team in both columns.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, false, not_, or_, true
from sqlalchemy.orm import InstrumentedAttribute

SEP = "\x1f"  # the schema forbids control characters in team names


def encode_teams(teams: Iterable[str]) -> str | None:
    """The stored form of a set of teams (None: no limit, every team)."""
    names = sorted({t for t in teams if t})
    return SEP + SEP.join(names) + SEP if names else None


def decode_teams(stored: str | None) -> list[str]:
    """The team names of a stored set (empty: every team)."""
    return [t for t in (stored or "").split(SEP) if t]


def widen(seen_by: str | None, teams: str | None, *, existed: bool) -> str | None:
    """The new ``seen_by`` after an item becomes visible to ``teams``.

    Args:
        seen_by: The stored value (meaningless when the item did not exist).
        teams: The item's new ``teams``.
        existed: Whether the item was already in the feed.
    """
    if not existed:
        return teams
    if seen_by is None or teams is None:
        return None
    return encode_teams(decode_teams(seen_by) + decode_teams(teams))


@dataclass(frozen=True)
class Viewer:
    """Whose copy a feed page is for: every item (editors) or one team's."""

    sees_all: bool
    team: str | None

    @property
    def etag_key(self) -> str:
        """What distinguishes this viewer's pages (part of the ETag)."""
        return "*" if self.sees_all else f"team:{self.team or ''}"

    def member(self, column: InstrumentedAttribute[str | None]) -> ColumnElement[bool]:
        """SQL: the stored team set in ``column`` includes this viewer (NULL: everyone)."""
        if self.sees_all:
            return true()
        if not self.team:
            return column.is_(None)
        inside = column.contains(SEP + self.team + SEP, autoescape=True)
        return or_(column.is_(None), inside)

    def told_of_removal(
        self,
        teams: InstrumentedAttribute[str | None],
        seen_by: InstrumentedAttribute[str | None],
    ) -> ColumnElement[bool]:
        """SQL: an item this viewer may hold but may no longer receive (send a deletion)."""
        if self.sees_all:
            return false()
        return and_(not_(self.member(teams)), self.member(seen_by))
