"""Gathering the inputs of learning profiles from the server database.

One aggregate query per source for a whole set of agents (a team, or everyone), so
computing 1,000 profiles costs a handful of statements, not thousands. The item
catalogue (titles, kinds, skills) is parsed once per content change and remembered.
"""

from __future__ import annotations

import json
import threading
from collections import defaultdict
from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any, TypeVar

from deskmate.core.batching import batches
from deskmate.server.learning.profile_model import (
    HALF_LIFE_DAYS,
    WINDOW_DAYS,
    AgentInputs,
    DoneAssignment,
    ItemInfo,
    ItemLooks,
    Rating,
)
from deskmate.server.tables import (
    AssignmentRow,
    EventRow,
    ItemRow,
    ManagerRatingRow,
    ScoreRow,
    SelfAssessmentRow,
    ServerMetaRow,
    UserRow,
)
from deskmate.server.workbench.visibility import decode_teams
from sqlalchemy import (
    ColumnElement,
    Connection,
    Float,
    Select,
    case,
    cast,
    func,
    literal,
    select,
)
from sqlalchemy.dialects import postgresql

_Q = TypeVar("_Q", bound=Select[*tuple[Any, ...]])
# Contacts with experts (``contact``) are left out on purpose: an expert carries several
# skills and the event does not say which one the question was about, and opening the
# expert's card before calling is already an ``open`` of an item with those skills.
LOOK_KINDS = ("open", "copy")


class ItemCatalogue:
    """Item id → :class:`ItemInfo`, and skill code → its items; one per content head."""

    def __init__(self, items: dict[str, ItemInfo]) -> None:
        self.items = items
        self.by_skill: dict[str, list[ItemInfo]] = defaultdict(list)
        for info in items.values():
            for skill in info.skills:
                self.by_skill[skill].append(info)


_catalogues: dict[str, tuple[int, ItemCatalogue]] = {}
_catalogue_lock = threading.Lock()


def item_catalogue(conn: Connection, cache_key: str) -> ItemCatalogue:
    """The catalogue of the stored items, re-read only when the content head moved."""
    head = conn.execute(select(ServerMetaRow.head_seq).where(ServerMetaRow.id == 1)).scalar_one()
    with _catalogue_lock:
        cached = _catalogues.get(cache_key)
        if cached is not None and cached[0] == head:
            return cached[1]
    items = {}
    for row in conn.execute(select(ItemRow.id, ItemRow.record, ItemRow.teams)):
        record = json.loads(row.record)
        title = record.get("name") if record.get("kind") == "expert" else None
        items[row.id] = ItemInfo(
            row.id,
            str(title or record.get("title", row.id)),
            str(record.get("kind", "faq")),
            tuple(record.get("skills") or ()),
            str(record.get("language", "zh")),
            str(record["owner"])[:128] if record.get("owner") else None,
            tuple(decode_teams(row.teams)),
        )
    catalogue = ItemCatalogue(items)
    with _catalogue_lock:
        _catalogues[cache_key] = (head, catalogue)
    return catalogue


def _age_days(conn: Connection, now: datetime) -> ColumnElement[Any]:
    """Days between ``now`` and each event's ``occurred_at``, in SQL."""
    if conn.dialect.name == "postgresql":
        occurred = cast(EventRow.occurred_at, postgresql.TIMESTAMP(timezone=True))
        seconds = func.extract(
            "epoch", literal(now, postgresql.TIMESTAMP(timezone=True)) - occurred
        )
        return cast(seconds, Float) / 86400.0
    return cast(func.julianday(now.isoformat()) - func.julianday(EventRow.occurred_at), Float)


def _looks_query(
    conn: Connection, now: datetime, names: list[str] | None
) -> Select[*tuple[Any, ...]]:
    since = (now - timedelta(days=WINDOW_DAYS)).isoformat()
    week = (now - timedelta(days=7)).isoformat()
    weight = func.pow(0.5, _age_days(conn, now) / HALF_LIFE_DAYS)
    query = (
        select(
            EventRow.agent,
            EventRow.item_id,
            func.count().label("looks"),
            func.sum(case((EventRow.occurred_at >= week, 1), else_=0)).label("week"),
            func.sum(weight).label("weight"),
            func.max(EventRow.occurred_at).label("last_at"),
        )
        .where(
            EventRow.kind.in_(LOOK_KINDS),
            EventRow.occurred_at >= since,
            EventRow.item_id.is_not(None),
        )
        .group_by(EventRow.agent, EventRow.item_id)
    )
    return query if names is None else query.where(EventRow.agent.in_(names))


def gather_inputs(
    conn: Connection, now: datetime, agents: Collection[str] | None = None
) -> dict[str, AgentInputs]:
    """The inputs of the named users' profiles (None: of every user).

    Args:
        conn: A read transaction.
        now: The time the profiles are computed for (timezone-aware).
        agents: User names; unknown names are left out.
    """
    users = select(UserRow.name, UserRow.team, UserRow.learning_role)
    inputs: dict[str, AgentInputs] = {}
    groups: list[list[str] | None] = [None] if agents is None else list(batches(sorted(agents)))
    for names in groups:
        q = users if names is None else users.where(UserRow.name.in_(names))
        for row in conn.execute(q):
            inputs[row.name] = AgentInputs(row.name, row.team, row.learning_role)
        _add_looks(conn, now, names, inputs)
        _add_assessments(conn, names, inputs)
        _add_flags(conn, now, names, inputs)
        _add_done(conn, now, names, inputs)
    return inputs


def _add_looks(
    conn: Connection, now: datetime, names: list[str] | None, inputs: dict[str, AgentInputs]
) -> None:
    for row in conn.execute(_looks_query(conn, now, names)):
        target = inputs.get(row.agent)
        if target is not None:
            target.looks[row.item_id] = ItemLooks(
                int(row.looks), int(row.week or 0), float(row.weight or 0.0), row.last_at
            )


def _where_agents(query: _Q, column: Any, names: list[str] | None) -> _Q:
    return query if names is None else query.where(column.in_(names))


def _add_assessments(
    conn: Connection, names: list[str] | None, inputs: dict[str, AgentInputs]
) -> None:
    own = select(SelfAssessmentRow.agent, SelfAssessmentRow.skill, SelfAssessmentRow.level)
    for row in conn.execute(_where_agents(own, SelfAssessmentRow.agent, names)):
        if row.agent in inputs:
            inputs[row.agent].self_levels[row.skill] = int(row.level)
    rated = select(ManagerRatingRow)
    for r in conn.execute(_where_agents(rated, ManagerRatingRow.agent, names)):
        if r.agent in inputs:
            inputs[r.agent].ratings[r.skill] = Rating(r.rating, r.comment, r.rated_by, r.rated_at)
    scores = select(ScoreRow.agent, ScoreRow.skill, ScoreRow.score, ScoreRow.taken_on).order_by(
        ScoreRow.taken_on.desc(), ScoreRow.id.desc()
    )
    for score in conn.execute(_where_agents(scores, ScoreRow.agent, names)):
        if score.agent in inputs:
            inputs[score.agent].scores.setdefault(score.skill, []).append(
                (float(score.score), score.taken_on)
            )


def _add_flags(
    conn: Connection, now: datetime, names: list[str] | None, inputs: dict[str, AgentInputs]
) -> None:
    since = (now - timedelta(days=WINDOW_DAYS)).isoformat()
    flags = (
        select(EventRow.agent, EventRow.item_id, func.count().label("n"))
        .where(EventRow.kind == "gap", EventRow.item_id.is_not(None), EventRow.occurred_at >= since)
        .group_by(EventRow.agent, EventRow.item_id)
    )
    for row in conn.execute(_where_agents(flags, EventRow.agent, names)):
        if row.agent in inputs:
            inputs[row.agent].flags[row.item_id] = int(row.n)


def _add_done(
    conn: Connection, now: datetime, names: list[str] | None, inputs: dict[str, AgentInputs]
) -> None:
    """Assignments of a skill marked done in the window (newest first)."""
    since = (now - timedelta(days=WINDOW_DAYS)).isoformat()
    done = (
        select(AssignmentRow.agent, AssignmentRow.skill, AssignmentRow.title, AssignmentRow.done_at)
        .where(
            AssignmentRow.done_at.is_not(None),
            AssignmentRow.done_at >= since,
            AssignmentRow.skill.is_not(None),
        )
        .order_by(AssignmentRow.done_at.desc(), AssignmentRow.id.desc())
    )
    for row in conn.execute(_where_agents(done, AssignmentRow.agent, names)):
        if row.agent in inputs:
            inputs[row.agent].done.setdefault(row.skill, []).append(
                DoneAssignment(row.title, row.done_at)
            )
