"""SQL on the ``consultation_events`` table: one function per statement the log needs.

Every function takes an open connection, so the caller decides the transaction.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from typing import Any, NamedTuple

from deskmate.core.activity.events import ConsultationEvent, EventKind
from deskmate.core.activity.spool import DwellUpdate, SpoolEntry
from deskmate.core.store.tables import ConsultationEventRow
from sqlalchemy import (
    ColumnElement,
    Connection,
    RowMapping,
    case,
    func,
    literal_column,
    select,
    update,
)
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

log = logging.getLogger(__name__)

_Row = ConsultationEventRow
_BATCH = 500  # ids per statement; well under SQLite's bound-parameter limit
# ISO strings with different UTC offsets (DST, travel) do not sort as text; julianday
# compares instants. rowid (insertion order) breaks ties of equal clock readings.
_INSTANT: ColumnElement[float] = func.julianday(_Row.occurred_at)
_ROWID: ColumnElement[int] = literal_column("rowid")


class ItemUsage(NamedTuple):
    """How often an item was opened and voted on."""

    consulted: int
    helpful: int
    unhelpful: int


def _row_values(event: ConsultationEvent) -> dict[str, Any]:
    values = event.to_dict()
    values["detail"] = json.dumps(values["detail"], ensure_ascii=False, sort_keys=True)
    return values


def _event_from_row(row: RowMapping) -> ConsultationEvent:
    return ConsultationEvent(
        event_id=row["event_id"],
        agent_id=row["agent_id"],
        kind=EventKind(row["kind"]),
        occurred_at=row["occurred_at"],
        query=row["query"],
        item_id=row["item_id"],
        result_count=row["result_count"],
        dwell_ms=row["dwell_ms"],
        detail=json.loads(row["detail"]),
        uploaded_at=row["uploaded_at"],
    )


def write_entries(conn: Connection, entries: Sequence[SpoolEntry]) -> None:
    """Insert the events and apply the dwell-time updates among ``entries``.

    Events go first so a dwell update always finds its open event, even when both
    waited in the side file.
    """
    events = [_row_values(e) for e in entries if isinstance(e, ConsultationEvent)]
    if events:
        # Idempotent: an event drained twice (a crash between the commit and emptying
        # the side file) is simply skipped the second time.
        statement = sqlite_insert(_Row).on_conflict_do_nothing(index_elements=["event_id"])
        conn.execute(statement, events)
    for entry in entries:
        if isinstance(entry, DwellUpdate):
            changed = conn.execute(
                update(_Row)
                .where(_Row.event_id == entry.event_id, _Row.kind == EventKind.OPEN.value)
                .values(dwell_ms=entry.dwell_ms)
            ).rowcount
            if not changed:
                log.warning("dwell time for unknown open event %s ignored", entry.event_id)


def newest_of_agent(conn: Connection, agent_id: str, limit: int) -> list[ConsultationEvent]:
    """The agent's latest ``limit`` events, newest first."""
    query = (
        select(_Row)
        .where(_Row.agent_id == agent_id)
        .order_by(_INSTANT.desc(), _ROWID.desc())
        .limit(limit)
    )
    return [_event_from_row(row) for row in conn.execute(query).mappings()]


def oldest_not_uploaded(
    conn: Connection, limit: int, agent_id: str | None = None
) -> list[ConsultationEvent]:
    """The first ``limit`` events no sync has delivered, oldest first.

    Args:
        conn: An open connection.
        limit: At most this many.
        agent_id: Only this agent's events (None: every agent's).
    """
    query = select(_Row).where(_Row.uploaded_at.is_(None))
    if agent_id is not None:
        query = query.where(_Row.agent_id == agent_id)
    query = query.order_by(_INSTANT.asc(), _ROWID.asc()).limit(limit)
    return [_event_from_row(row) for row in conn.execute(query).mappings()]


def waiting_per_agent(conn: Connection) -> dict[str, int]:
    """Events not yet uploaded, counted per agent."""
    query = (
        select(_Row.agent_id, func.count())
        .where(_Row.uploaded_at.is_(None))
        .group_by(_Row.agent_id)
    )
    return {str(agent): int(count) for agent, count in conn.execute(query).all()}


def hand_over_waiting(conn: Connection, agent_id: str) -> int:
    """Give every event not yet uploaded to ``agent_id``; returns how many changed hands."""
    statement = (
        update(_Row)
        .where(_Row.uploaded_at.is_(None))
        .where(_Row.agent_id != agent_id)
        .values(agent_id=agent_id)
    )
    return int(conn.execute(statement).rowcount)


def set_uploaded(conn: Connection, event_ids: Sequence[str], uploaded_at: str) -> int:
    """Stamp the events not yet marked as uploaded; returns how many were stamped."""
    marked = 0
    for start in range(0, len(event_ids), _BATCH):
        statement = (
            update(_Row)
            .where(_Row.event_id.in_(event_ids[start : start + _BATCH]))
            .where(_Row.uploaded_at.is_(None))
            .values(uploaded_at=uploaded_at)
        )
        marked += conn.execute(statement).rowcount
    return marked


def usage_by_item(conn: Connection) -> dict[str, ItemUsage]:
    """Per item: open events and helpful / unhelpful feedback events, of every agent."""
    is_feedback = _Row.kind == EventKind.FEEDBACK.value
    # JSON true/false come back from json_extract as 1/0.
    helpful = func.json_extract(_Row.detail, "$.helpful")
    query = (
        select(
            _Row.item_id,
            func.sum(case((_Row.kind == EventKind.OPEN.value, 1), else_=0)),
            func.sum(case((is_feedback & (helpful == 1), 1), else_=0)),
            func.sum(case((is_feedback & (helpful == 0), 1), else_=0)),
        )
        .where(_Row.item_id.is_not(None))
        .where(_Row.kind.in_([EventKind.OPEN.value, EventKind.FEEDBACK.value]))
        .group_by(_Row.item_id)
    )
    return {
        item_id: ItemUsage(int(opened), int(helpful_votes), int(unhelpful_votes))
        for item_id, opened, helpful_votes, unhelpful_votes in conn.execute(query)
    }
