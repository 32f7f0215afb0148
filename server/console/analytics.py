"""Article analytics for the console: what is consulted, flagged, voted down, never used.

Aggregate SQL over the ``events`` table that SQLite and PostgreSQL both run: days are
the first ten characters of ``occurred_at`` (the agent's local date), periods compare
that text with an ISO date. A scope of agent names (a manager's team) limits every
figure to those agents; editors see every agent (scope None). The texts agents typed
(no-result searches) are read only when the caller asks for them (editors).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from deskmate.server.database import Database
from deskmate.server.learning.profile_inputs import ItemCatalogue, item_catalogue
from deskmate.server.tables import EventRow
from sqlalchemy import ColumnElement, Connection, distinct, func, select

TOP = 15
NEVER_SHOWN = 50
QUERY_SAMPLE = 5000  # the latest no-result searches read for the frequent-query list
# "No result" is the no_result kind only: a search that returned nothing. Results left
# unopened (nothing_opened) are not counted; old clients' false no_results are stored
# as nothing_opened (deskmate.server.no_result_repair).
LOOK_KINDS = ("open", "copy")


@dataclass(frozen=True)
class ItemCount:
    """An item and how often something happened to it, by how many agents."""

    item_id: str
    title: str
    kind: str
    count: int
    agents: int


@dataclass(frozen=True)
class ItemVotes:
    """Helpful and unhelpful votes on an item."""

    item_id: str
    title: str
    helpful: int
    unhelpful: int


@dataclass(frozen=True)
class ArticleReport:
    """Everything the articles page shows."""

    days: int
    most_consulted: list[ItemCount]
    most_flagged: list[ItemCount]
    votes: list[ItemVotes]
    never_consulted: list[ItemCount]
    never_total: int
    zero_weeks: list[tuple[str, int]]  # (Monday of the week, no-result searches)
    frequent_zero_queries: list[tuple[str, int]]


def period_start(days: int, today: date | None = None) -> date:
    """The first day of a period of ``days`` days ending today."""
    return (today or date.today()) - timedelta(days=days - 1)


def day_of(column: Any) -> ColumnElement[str]:
    """The local date (YYYY-MM-DD) of an ISO 8601 timestamp column."""
    return func.substr(column, 1, 10)


def scoped(agents: Collection[str] | None, *conditions: ColumnElement[bool]) -> list[Any]:
    """``conditions``, plus "the event is one of ``agents``" unless that is None."""
    where = list(conditions)
    if agents is not None:
        where.append(EventRow.agent.in_(list(agents)))
    return where


def _item_counts(
    conn: Connection,
    catalogue: ItemCatalogue,
    where: list[Any],
) -> list[ItemCount]:
    rows = conn.execute(
        select(EventRow.item_id, func.count(), func.count(distinct(EventRow.agent)))
        .where(*where, EventRow.item_id.is_not(None))
        .group_by(EventRow.item_id)
        .order_by(func.count().desc(), EventRow.item_id)
        .limit(TOP)
    )
    return [_counted(catalogue, str(item_id), count, agents) for item_id, count, agents in rows]


def _counted(catalogue: ItemCatalogue, item_id: str, count: int, agents: int) -> ItemCount:
    info = catalogue.items.get(item_id)
    title, kind = (info.title, info.kind) if info else (item_id, "?")
    return ItemCount(item_id, title, kind, int(count), int(agents))


def _votes(conn: Connection, catalogue: ItemCatalogue, where: list[Any]) -> list[ItemVotes]:
    # The vote is inside the JSON payload; feedback events are few, so read them whole
    # rather than rely on a JSON function spelt differently by each database.
    helpful: Counter[str] = Counter()
    unhelpful: Counter[str] = Counter()
    rows = conn.execute(
        select(EventRow.item_id, EventRow.payload).where(
            *where, EventRow.kind == "feedback", EventRow.item_id.is_not(None)
        )
    )
    for item_id, payload in rows:
        vote = (json.loads(payload).get("detail") or {}).get("helpful")
        if vote is True:
            helpful[str(item_id)] += 1
        elif vote is False:
            unhelpful[str(item_id)] += 1
    ranked = sorted(unhelpful, key=lambda i: (-unhelpful[i], -helpful[i], i))[:TOP]
    return [
        ItemVotes(i, _counted(catalogue, i, 0, 0).title, helpful[i], unhelpful[i]) for i in ranked
    ]


def _never_consulted(
    conn: Connection, catalogue: ItemCatalogue, agents: Collection[str] | None, team: str | None
) -> tuple[list[ItemCount], int]:
    # One DISTINCT over the looks (events has no item index; a NOT EXISTS per item would
    # scan it once per item), then the difference with the catalogue in memory.
    used = set(
        conn.execute(
            select(EventRow.item_id)
            .where(*scoped(agents, EventRow.kind.in_(LOOK_KINDS)), EventRow.item_id.is_not(None))
            .distinct()
        ).scalars()
    )
    never = sorted(
        (
            info
            for item_id, info in catalogue.items.items()
            if item_id not in used and (agents is None or info.visible_to(team))
        ),
        key=lambda info: (info.kind, info.title, info.id),
    )
    shown = [ItemCount(i.id, i.title, i.kind, 0, 0) for i in never[:NEVER_SHOWN]]
    return shown, len(never)


def week_of(day: str) -> str:
    """The Monday (ISO date) of the week of an ISO date."""
    parsed = date.fromisoformat(day)
    return (parsed - timedelta(days=parsed.weekday())).isoformat()


def weekly(per_day: Iterable[tuple[str, int]], start: date, end: date) -> list[tuple[str, int]]:
    """Daily counts summed per week (Monday), every week from ``start`` to ``end`` listed."""
    weeks: dict[str, int] = {}
    monday = date.fromisoformat(week_of(start.isoformat()))
    while monday <= end:
        weeks[monday.isoformat()] = 0
        monday += timedelta(days=7)
    for day, count in per_day:
        try:
            key = week_of(day)
        except ValueError:  # a malformed timestamp cannot be placed in a week
            continue
        if key in weeks:
            weeks[key] += int(count)
    return list(weeks.items())


def _zero_result_weeks(
    conn: Connection, agents: Collection[str] | None, start: date, today: date
) -> list[tuple[str, int]]:
    day = day_of(EventRow.occurred_at)
    rows = conn.execute(
        select(day, func.count())
        .where(
            *scoped(agents, EventRow.kind == "no_result", EventRow.occurred_at >= start.isoformat())
        )
        .group_by(day)
    )
    return weekly(((d, c) for d, c in rows), start, today)


def _frequent_queries(
    conn: Connection, agents: Collection[str] | None, start: date
) -> list[tuple[str, int]]:
    rows = conn.execute(
        select(EventRow.payload)
        .where(
            *scoped(agents, EventRow.kind == "no_result", EventRow.occurred_at >= start.isoformat())
        )
        .order_by(EventRow.occurred_at.desc())
        .limit(QUERY_SAMPLE)
    ).scalars()
    counts: Counter[str] = Counter()
    shown: dict[str, str] = {}
    for payload in rows:
        query = " ".join(str(json.loads(payload).get("query") or "").split())
        if query:
            key = query.casefold()
            counts[key] += 1
            shown.setdefault(key, query)
    return [(shown[k], n) for k, n in counts.most_common(TOP)]


def article_report(
    db: Database,
    agents: Collection[str] | None,
    days: int,
    *,
    with_queries: bool,
    today: date | None = None,
    team: str | None = None,
) -> ArticleReport:
    """The article analytics of the last ``days`` days (never consulted: ever).

    Args:
        db: The server database.
        agents: Count only these agents' events (a manager's team); None: everyone.
        days: The period, ending today.
        with_queries: Also list the frequent no-result search texts (editors only).
        today: The period's last day (default: today).
        team: With ``agents`` (a manager), the team whose items are listed as never
            consulted: items limited to other teams are left out.
    """
    today = today or date.today()
    start = period_start(days, today)
    since = EventRow.occurred_at >= start.isoformat()
    with db.read() as conn:
        catalogue = item_catalogue(conn, db.display_url)
        consulted = _item_counts(conn, catalogue, scoped(agents, since, EventRow.kind == "open"))
        flagged = _item_counts(conn, catalogue, scoped(agents, since, EventRow.kind == "gap"))
        votes = _votes(conn, catalogue, scoped(agents, since))
        never, never_total = _never_consulted(conn, catalogue, agents, team)
        zero_weeks = _zero_result_weeks(conn, agents, start, today)
        queries = _frequent_queries(conn, agents, start) if with_queries else []
    return ArticleReport(days, consulted, flagged, votes, never, never_total, zero_weeks, queries)


def items_for_picking(
    db: Database, limit: int = 1000, *, team: str | None = None, sees_all: bool = True
) -> list[tuple[str, str]]:
    """(id, title) of up to ``limit`` items, by title, for a form's item list.

    Unless ``sees_all`` (editors), only the items ``team`` receives: a manager never
    sees the titles of items limited to other teams.
    """
    with db.read() as conn:
        catalogue = item_catalogue(conn, db.display_url)
    ranked = sorted(
        (info.title, info.id)
        for info in catalogue.items.values()
        if sees_all or info.visible_to(team)
    )
    return [(item_id, title) for title, item_id in ranked[:limit]]
