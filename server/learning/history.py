"""The memory of the learning profiles: a level per skill per week, every assessment.

Each time profiles are computed, :func:`record_levels` writes (or rewrites) the row of
the current ISO week for every skill with a level, so a week's row holds its last
computed level. Ratings and self-assessments are recorded as they arrive
(:func:`record_assessment`); scores keep their own rows in ``scores``. :func:`level_trends`
reads the last weeks back and :func:`add_trends` puts them into rendered profiles as
``trend`` and ``since`` (docs/learning.md, "History and trend").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from deskmate.core.batching import batches
from deskmate.server.tables import AssessmentHistoryRow, LevelHistoryRow
from sqlalchemy import Connection, delete, insert, select

# A quarter: the same span as the consultation window.
TREND_WEEKS = 13


def iso_week(moment: datetime) -> str:
    """The ISO week of a moment, e.g. ``2026-W44`` (weeks start on Monday)."""
    year, week, _day = moment.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass(frozen=True)
class LevelPoint:
    """A skill's computed level in one week, and when that level was computed."""

    week: str
    level: float
    computed_at: str


def record_levels(conn: Connection, now: datetime, bodies: Mapping[str, Mapping[str, Any]]) -> None:
    """Write this week's level of every skill of freshly computed profiles.

    Args:
        conn: A write transaction.
        now: The time the profiles were computed for.
        bodies: Agent → the cached (language-neutral) profile body.
    """
    week = iso_week(now)
    at = now.isoformat(timespec="seconds")
    for chunk in batches(list(bodies)):
        conn.execute(
            delete(LevelHistoryRow).where(
                LevelHistoryRow.agent.in_(chunk), LevelHistoryRow.week == week
            )
        )
        rows = [
            {
                "agent": agent,
                "week": week,
                "skill": s["code"],
                "level": s["level"],
                "computed_at": at,
            }
            for agent in chunk
            for s in bodies[agent]["skills"]
            if s["level"] is not None
        ]
        if rows:
            conn.execute(insert(LevelHistoryRow), rows)


def record_assessment(
    conn: Connection,
    agent: str,
    skill: str,
    kind: str,
    value: int,
    at: str,
    comment: str = "",
    given_by: str | None = None,
) -> None:
    """Keep a rating (``kind="rating"``) or a self-assessment (``"self"``) for good."""
    conn.execute(
        insert(AssessmentHistoryRow).values(
            agent=agent,
            skill=skill,
            kind=kind,
            value=value,
            comment=comment,
            given_by=given_by,
            recorded_at=at,
        )
    )


def level_trends(
    conn: Connection, agents: Iterable[str], now: datetime, weeks: int = TREND_WEEKS
) -> dict[str, dict[str, list[LevelPoint]]]:
    """Agent → skill → its weekly levels of the last ``weeks`` weeks, oldest first."""
    first = iso_week(now - timedelta(weeks=weeks - 1))
    trends: dict[str, dict[str, list[LevelPoint]]] = defaultdict(lambda: defaultdict(list))
    for chunk in batches(sorted(set(agents))):
        rows = conn.execute(
            select(LevelHistoryRow)
            .where(LevelHistoryRow.agent.in_(chunk), LevelHistoryRow.week >= first)
            .order_by(LevelHistoryRow.agent, LevelHistoryRow.week)
        )
        for row in rows:
            trends[row.agent][row.skill].append(LevelPoint(row.week, row.level, row.computed_at))
    return trends


def add_trends(skills: list[dict[str, Any]], points: Mapping[str, list[LevelPoint]]) -> None:
    """Give each rendered skill its ``trend`` and ``since`` (None: under two weeks known).

    ``since`` compares the first week of the trend with the level now: ``{"week",
    "date", "level", "change"}``, where ``date`` is when that first level was computed.
    """
    for skill in skills:
        trend = points.get(skill["code"], [])
        skill["trend"] = [{"week": p.week, "level": round(p.level, 1)} for p in trend]
        first = trend[0] if trend else None
        if first is None or len(trend) < 2 or skill["level"] is None:
            skill["since"] = None
            continue
        skill["since"] = {
            "week": first.week,
            "date": first.computed_at[:10],
            "level": round(first.level, 1),
            "change": round(skill["level"] - first.level, 1),
        }
