"""Uploaded consultation events: validation, exactly-once storage, team reads.

Events arrive in their upload format (``ConsultationEvent.to_dict()``). Each is stored
once under its ``event_id`` with ``INSERT ... ON CONFLICT DO NOTHING RETURNING``: the
database, not this process, decides which copy of a re-sent event is the first, so
concurrent re-sends to several servers still store it once and report it as
``accepted`` exactly once. A ``no_result`` whose search showed results (old sidebars sent
those) is stored as ``nothing_opened`` (:mod:`deskmate.server.no_result_repair`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from deskmate.core.activity.events import MAX_ID_CHARS, ConsultationEvent
from deskmate.core.errors import ContentError
from deskmate.server.auth import Permission, User, utc_now
from deskmate.server.database import Database
from deskmate.server.errors import (
    BadRequestError,
    ForbiddenError,
    InvalidEventError,
    PayloadTooLargeError,
)
from deskmate.server.no_result_repair import reclassify_rows
from deskmate.server.request_limits import MAX_DETAIL_DEPTH, parse_json_body, value_depth
from deskmate.server.tables import EventRow, UserRow
from sqlalchemy import Connection, select, text
from sqlalchemy.dialects import sqlite

MAX_EVENTS = 1000
MAX_BODY_BYTES = 2 * 1024 * 1024
MAX_TIME_CHARS = 40  # the width of events.occurred_at
_EVENT_ID = re.compile(r"[0-9a-f]{32}")


@dataclass(frozen=True)
class IngestResult:
    """Which events of a batch were stored now and which were stored before."""

    accepted: list[str]
    duplicates: list[str]


def _check_event(raw: Any, position: int) -> ConsultationEvent:
    if not isinstance(raw, Mapping):
        raise InvalidEventError(f"Event #{position} is not a JSON object.", index=position)
    event_id = raw.get("event_id")
    if not isinstance(event_id, str) or not _EVENT_ID.fullmatch(event_id):
        raise InvalidEventError(
            f"Event #{position}, field 'event_id': must be 32 lowercase hex digits "
            f"(a uuid4 hex), got {json.dumps(event_id)[:80]}.",
            index=position,
            field="event_id",
        )
    try:
        event = ConsultationEvent.from_dict(raw)
    except ContentError as exc:
        field = str(exc.fields.get("field", ""))
        where = f", field '{field}'" if field else ""
        raise InvalidEventError(
            f"Event {event_id}{where}: {exc.message}", event_id=event_id, field=field
        ) from None
    if len(event.occurred_at) > MAX_TIME_CHARS:
        raise InvalidEventError(
            f"Event {event_id}, field 'occurred_at': at most {MAX_TIME_CHARS} characters "
            "(e.g. 2026-11-23T09:30:12.345678+08:00).",
            event_id=event_id,
            field="occurred_at",
        )
    if value_depth(event.detail) > MAX_DETAIL_DEPTH:
        raise InvalidEventError(
            f"Event {event_id}, field 'detail': nests more than {MAX_DETAIL_DEPTH} levels deep.",
            event_id=event_id,
            field="detail",
        )
    for key in ("agent_id", "item_id"):
        value = getattr(event, key)
        if value is not None and not 0 < len(value) <= MAX_ID_CHARS:
            raise InvalidEventError(
                f"Event {event_id}, field '{key}': must have 1 to {MAX_ID_CHARS} characters.",
                event_id=event_id,
                field=key,
            )
    return event


def parse_batch(body: bytes) -> list[ConsultationEvent]:
    """Parse and validate a ``{"events": [...]}`` body.

    Raises:
        PayloadTooLargeError: more than :data:`MAX_EVENTS` events or :data:`MAX_BODY_BYTES`.
        BadRequestError: not JSON, nested over 64 levels deep, or not an object with an
            ``events`` list.
        InvalidEventError: an event breaks the upload format (names the event and field).
    """
    if len(body) > MAX_BODY_BYTES:
        raise PayloadTooLargeError(
            f"The request body is {len(body):,} bytes; the limit is {MAX_BODY_BYTES:,} "
            "bytes. Send the events in smaller batches."
        )
    data = parse_json_body(body)
    events = data.get("events") if isinstance(data, dict) else None
    if not isinstance(events, list):
        raise BadRequestError('The request body must be a JSON object {"events": [...]}.')
    if len(events) > MAX_EVENTS:
        raise PayloadTooLargeError(
            f"The batch holds {len(events):,} events; the limit is {MAX_EVENTS:,} per "
            "request. Send the events in smaller batches."
        )
    return [_check_event(raw, n) for n, raw in enumerate(events)]


_COLUMNS = ("event_id", "agent", "kind", "occurred_at", "payload", "received_at", "item_id")
# PostgreSQL: one short statement with one array per column, whatever the batch size. A
# multi-row VALUES list has 6 parameters per event, and its text (over 4 KiB at 100 events)
# is too long for psycopg's query cache, so it was re-parsed on every batch.
_PG_INSERT = text(
    "INSERT INTO events (event_id, agent, kind, occurred_at, payload, received_at, item_id) "
    "SELECT * FROM unnest(CAST(:event_id AS text[]), CAST(:agent AS text[]), "
    "CAST(:kind AS text[]), CAST(:occurred_at AS text[]), CAST(:payload AS text[]), "
    "CAST(:received_at AS text[]), CAST(:item_id AS text[])) "
    "ON CONFLICT (event_id) DO NOTHING RETURNING event_id"
)


def _insert(conn: Connection, rows: list[dict[str, str | None]]) -> set[str]:
    if conn.dialect.name == "postgresql":
        columns = {c: [row[c] for row in rows] for c in _COLUMNS}
        return set(conn.execute(_PG_INSERT, columns).scalars())
    statement = (
        sqlite.insert(EventRow).on_conflict_do_nothing(index_elements=[EventRow.event_id])
    ).returning(EventRow.event_id)
    # One multi-row INSERT ... RETURNING (SQLAlchemy's "insertmanyvalues").
    return set(conn.execute(statement, rows).scalars())


def ingest(db: Database, user: User, events: Sequence[ConsultationEvent]) -> IngestResult:
    """Store a batch of the user's events; each ``event_id`` is stored once ever.

    Raises:
        ForbiddenError: an event belongs to another agent (nothing is stored), or the
            user's role may not post events.
    """
    user.require(Permission.POST_OWN_EVENTS)
    for event in events:
        if event.agent_id != user.name:
            raise ForbiddenError(
                f"Event {event.event_id} was recorded by '{event.agent_id}', but this "
                f"token belongs to '{user.name}'; upload each agent's events with their "
                "own token. Nothing from this batch was stored.",
                event_id=event.event_id,
            )
    unique = {e.event_id: e for e in events}  # the same id twice in a batch: store once
    received = utc_now()
    rows = [
        {
            "event_id": e.event_id,
            "agent": e.agent_id,
            "kind": e.kind.value,
            "occurred_at": e.occurred_at,
            "payload": json.dumps(
                {**e.to_dict(), "uploaded_at": None}, ensure_ascii=False, sort_keys=True
            ),
            "received_at": received,
            "item_id": e.item_id,
        }
        for e in unique.values()
    ]
    stored: set[str] = set()
    if rows:
        with db.write() as conn:
            # Old sidebars still send a no_result for results left unopened (issue #13).
            reclassify_rows(conn, user.name, rows)
            stored = _insert(conn, rows)
    accepted, duplicates, seen = [], [], set()
    for e in events:
        if e.event_id in stored and e.event_id not in seen:
            accepted.append(e.event_id)
        else:
            duplicates.append(e.event_id)
        seen.add(e.event_id)
    return IngestResult(accepted, duplicates)


def team_events(
    db: Database, manager: User, *, since: str = "", limit: int = 1000
) -> list[dict[str, Any]]:
    """Events of the agents in the manager's team, oldest first (for the next issue).

    Args:
        db: The server database.
        manager: Who asks; must be a manager, and sees their own team only.
        since: Only events that occurred after this ISO 8601 text (text order).
        limit: At most this many events.

    Raises:
        ForbiddenError: the user is not a manager.
    """
    manager.require(Permission.READ_TEAM_EVENTS)
    if manager.team is None:
        return []
    members = select(UserRow.name).where(UserRow.team == manager.team)
    query = (
        select(EventRow.payload)
        .where(EventRow.agent.in_(members), EventRow.occurred_at > since)
        .order_by(EventRow.occurred_at, EventRow.event_id)
        .limit(limit)
    )
    with db.read() as conn:
        return [json.loads(p) for p in conn.execute(query).scalars()]
