"""Help-seeking measures per agent and day: searches, consultations, repeats, flags.

For managers' trends (their own team only: the caller passes the team's agents) and an
agent's recent history. Nothing the agents typed is read here, only counts and the
items they opened.

* searches: ``search`` events; consultations: ``open`` events;
* repeat look-ups: opens of an item the agent had already opened in the 30 days before
  (or earlier in the period), the learning model's sign of "not yet mastered";
* flags: searches that returned nothing (``no_result``; results left unopened,
  ``nothing_opened``, are no flag), gap flags and unhelpful votes;
  a day's share answered without a flag is ``1 − flags / searches`` (at least 0);
* contacts: experts called, emailed or messaged from the card (``contact``), the help
  from people beside the knowledge base's (details in :mod:`.people_help`).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, timedelta

from deskmate.server.console.analytics import day_of, period_start
from deskmate.server.database import Database
from deskmate.server.learning.profile_inputs import item_catalogue
from deskmate.server.tables import EventRow
from sqlalchemy import Connection, func, select

REPEAT_LOOK_BACK_DAYS = 30
_COUNTED = {
    "search": "searches",
    "open": "opens",
    "gap": "flags",
    "no_result": "flags",
    "contact": "contacts",
}


@dataclass
class DayCounts:
    """One agent's (or a team's) counts on one day."""

    searches: int = 0
    opens: int = 0
    repeats: int = 0
    flags: int = 0
    contacts: int = 0  # experts called, emailed or messaged

    @property
    def active(self) -> bool:
        """Whether anything was counted."""
        return bool(self.searches or self.opens or self.flags or self.contacts)

    @property
    def answered(self) -> float | None:
        """The share of searches answered without a flag (None: no search)."""
        if not self.searches:
            return None
        return max(0.0, 1.0 - self.flags / self.searches)

    def add(self, other: DayCounts) -> None:
        """Add another day's counts to these."""
        self.searches += other.searches
        self.opens += other.opens
        self.repeats += other.repeats
        self.flags += other.flags
        self.contacts += other.contacts


Daily = dict[str, dict[str, DayCounts]]  # agent -> day -> counts


def _kinds(conn: Connection, agents: list[str], since: str, daily: Daily) -> None:
    day = day_of(EventRow.occurred_at)
    rows = conn.execute(
        select(EventRow.agent, day, EventRow.kind, func.count())
        .where(
            EventRow.agent.in_(agents),
            EventRow.occurred_at >= since,
            EventRow.kind.in_(list(_COUNTED)),
        )
        .group_by(EventRow.agent, day, EventRow.kind)
    )
    for agent, when, kind, count in rows:
        counts = daily[agent][when]
        name = _COUNTED[kind]
        setattr(counts, name, getattr(counts, name) + int(count))


def _repeats(conn: Connection, agents: list[str], since: str, look_back: str, daily: Daily) -> None:
    opens = (
        select(
            EventRow.agent,
            day_of(EventRow.occurred_at).label("day"),
            func.row_number()
            .over(partition_by=(EventRow.agent, EventRow.item_id), order_by=EventRow.occurred_at)
            .label("nth"),
        )
        .where(
            EventRow.agent.in_(agents),
            EventRow.kind == "open",
            EventRow.item_id.is_not(None),
            EventRow.occurred_at >= look_back,
        )
        .subquery()
    )
    rows = conn.execute(
        select(opens.c.agent, opens.c.day, func.count())
        .where(opens.c.nth > 1, opens.c.day >= since)
        .group_by(opens.c.agent, opens.c.day)
    )
    for agent, when, count in rows:
        daily[agent][when].repeats += int(count)


def _unhelpful(conn: Connection, agents: list[str], since: str, daily: Daily) -> None:
    rows = conn.execute(
        select(EventRow.agent, EventRow.occurred_at, EventRow.payload).where(
            EventRow.agent.in_(agents), EventRow.occurred_at >= since, EventRow.kind == "feedback"
        )
    )
    for agent, occurred, payload in rows:
        if (json.loads(payload).get("detail") or {}).get("helpful") is False:
            daily[agent][occurred[:10]].flags += 1


def daily_counts(db: Database, agents: Collection[str], start: date) -> Daily:
    """Each agent's counts per day (only days with something counted) from ``start`` on."""
    names = sorted(agents)
    daily: Daily = defaultdict(lambda: defaultdict(DayCounts))
    if not names:
        return daily
    since = start.isoformat()
    look_back = (start - timedelta(days=REPEAT_LOOK_BACK_DAYS)).isoformat()
    with db.read() as conn:
        _kinds(conn, names, since, daily)
        _repeats(conn, names, since, look_back, daily)
        _unhelpful(conn, names, since, daily)
    return daily


def days_between(start: date, end: date) -> list[str]:
    """Every ISO date from ``start`` to ``end``."""
    return [(start + timedelta(days=n)).isoformat() for n in range((end - start).days + 1)]


@dataclass
class AgentSummary:
    """One agent's measures over a period."""

    agent: str
    active_days: int
    total: DayCounts
    searches_by_day: list[float]

    def per_active_day(self, value: int) -> float:
        """A total divided by the active days (0 when there were none)."""
        return value / self.active_days if self.active_days else 0.0


@dataclass
class TeamTrends:
    """A team's measures per day and per agent over a period."""

    days: list[str]
    team: list[DayCounts]
    agents: list[AgentSummary] = field(default_factory=list)


def team_trends(
    db: Database, agents: Collection[str], days: int, today: date | None = None
) -> TeamTrends:
    """The team's totals per day and each agent's summary, over the last ``days`` days."""
    today = today or date.today()
    start = period_start(days, today)
    labels = days_between(start, today)
    daily = daily_counts(db, agents, start)
    team = {day: DayCounts() for day in labels}
    summaries = []
    for agent in sorted(agents):
        total = DayCounts()
        per_day = daily.get(agent, {})
        for day, counts in per_day.items():
            if day in team:
                team[day].add(counts)
                total.add(counts)
        active = sum(1 for day, c in per_day.items() if day in team and c.active)
        by_day = [float(per_day[d].searches) if d in per_day else 0.0 for d in labels]
        summaries.append(AgentSummary(agent, active, total, by_day))
    return TeamTrends(labels, [team[d] for d in labels], summaries)


@dataclass(frozen=True)
class HistoryDay:
    """One day of an agent's recent history: counts and the items opened (title, times)."""

    day: str
    counts: DayCounts
    items: list[tuple[str, int]]


def agent_history(db: Database, agent: str, days: int = 30) -> list[HistoryDay]:
    """The agent's consultations per day over the last ``days`` days, newest first."""
    start = period_start(days)
    daily = daily_counts(db, [agent], start).get(agent, {})
    day = day_of(EventRow.occurred_at)
    opened: dict[str, list[tuple[str, int]]] = defaultdict(list)
    with db.read() as conn:
        catalogue = item_catalogue(conn, db.display_url)
        rows = conn.execute(
            select(day, EventRow.item_id, func.count())
            .where(
                EventRow.agent == agent,
                EventRow.kind == "open",
                EventRow.occurred_at >= start.isoformat(),
                EventRow.item_id.is_not(None),
            )
            .group_by(day, EventRow.item_id)
            .order_by(func.count().desc(), EventRow.item_id)
        )
        for when, item_id, count in rows:
            info = catalogue.items.get(str(item_id))
            opened[when].append((info.title if info else str(item_id), int(count)))
    return [
        HistoryDay(d, daily[d], opened.get(d, []))
        for d in sorted(daily, reverse=True)
        if daily[d].active
    ]
