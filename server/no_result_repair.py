"""False ``no_result`` events (issue #13): reclassify them as ``nothing_opened``.

Sidebars before the fix recorded ``no_result`` for every search after which nothing was
opened, 12 results or none. A ``no_result`` event is really ``nothing_opened`` when

* its own ``result_count`` is above 0, or
* it has no count (old clients sent none) and the same agent's latest ``search`` event
  with the same query, at most :data:`WINDOW` before it, showed results (the old sidebar
  recorded that search first, when the query settled, in the same session).

The event's ``kind`` becomes ``nothing_opened``, its payload gets that kind and count,
and its ``detail`` keeps the audit: ``{"recorded_as": "no_result", "reclassified": how}``
(``ingest``: on upload; ``repair``: by migration 0006 or ``deskmate-server
repair-no-results``). :func:`reclassify_rows` applies the rule to each upload, so old
clients' false no-results never reach the charts; :func:`repair_no_results` applies it
to what is stored and re-labels the gap queue built from it. Both are idempotent.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from deskmate.core.batching import batches
from deskmate.server.tables import EventRow, GapSignalRow, GapTopicRow
from sqlalchemy import Connection, and_, bindparam, delete, exists, select, update
from sqlalchemy.orm import aliased

NO_RESULT = "no_result"
NOTHING_OPENED = "nothing_opened"
#: How far back a count-less no-result looks for its search. The old sidebar recorded the
#: search at the start of the same session, so it is normally seconds or minutes before.
WINDOW = timedelta(hours=24)
# occurred_at is local time with its offset, so text order is the instant's order only
# within one offset: read searches a little wider by text, then compare instants.
_TEXT_SLACK = timedelta(days=2)


@dataclass(frozen=True)
class RepairReport:
    """What :func:`repair_no_results` changed."""

    events: int  # no_result events that became nothing_opened
    signals: int  # gap signals re-labelled nothing_opened
    topics_removed: int  # undecided topics made only of nothing-opened signals


def _instant(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo is not None else None


def _words(query: Any) -> str:
    return " ".join(str(query or "").split())


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


class _Searches:
    """One agent's search events by query, to find a no-result's own search."""

    def __init__(self) -> None:
        self._by_query: dict[str, list[tuple[datetime, int]]] = defaultdict(list)

    def add(self, occurred_at: str, payload: dict[str, Any]) -> None:
        moment, count = _instant(occurred_at), _count(payload.get("result_count"))
        if moment is not None and count is not None:
            self._by_query[_words(payload.get("query"))].append((moment, count))

    def count_before(self, query: str, moment: datetime) -> int | None:
        """The result count of the latest search of ``query`` in the window up to ``moment``."""
        found = [
            (at, count)
            for at, count in self._by_query.get(_words(query), [])
            if moment - WINDOW <= at <= moment
        ]
        return max(found)[1] if found else None


def _true_count(payload: dict[str, Any], moment: datetime | None, searches: _Searches) -> int:
    """How many results the no-result's search really showed (0: none, or unknown)."""
    own = _count(payload.get("result_count"))
    if own is not None:
        return own
    if moment is None:
        return 0
    return searches.count_before(str(payload.get("query") or ""), moment) or 0


def _relabelled(payload: dict[str, Any], count: int, how: str) -> dict[str, Any]:
    detail = dict(payload.get("detail") or {})
    detail.update(recorded_as=NO_RESULT, reclassified=how)
    return {**payload, "kind": NOTHING_OPENED, "result_count": count, "detail": detail}


def _payload_text(payload: dict[str, Any]) -> str:
    # As events.ingest stores payloads.
    return json.dumps(payload, ensure_ascii=False, sort_keys=True)


def _load_searches(
    conn: Connection, agent: str, moments: Iterable[datetime], into: _Searches
) -> None:
    """Add the agent's stored searches that may be the own search of a no-result at ``moments``."""
    times = sorted(moments)
    if not times:
        return
    low = (times[0] - WINDOW - _TEXT_SLACK).isoformat()
    high = (times[-1] + _TEXT_SLACK).isoformat()
    rows = conn.execute(
        select(EventRow.occurred_at, EventRow.payload).where(
            EventRow.agent == agent,
            EventRow.kind == "search",
            EventRow.occurred_at >= low,
            EventRow.occurred_at <= high,
        )
    )
    for occurred_at, payload in rows:
        into.add(occurred_at, json.loads(payload))


def reclassify_rows(conn: Connection, agent: str, rows: Sequence[dict[str, Any]]) -> int:
    """Reclassify an upload's false no-results in place (rows as ``events.ingest`` builds them).

    The own search may be in the same batch or stored earlier. Returns how many changed.
    """
    candidates = [r for r in rows if r["kind"] == NO_RESULT]
    if not candidates:
        return 0
    parsed = [(r, json.loads(r["payload"])) for r in candidates]
    searches = _Searches()
    countless = [
        moment
        for _, payload in parsed
        if _count(payload.get("result_count")) is None
        for moment in [_instant(str(payload.get("occurred_at")))]
        if moment is not None
    ]
    if countless:
        for row in rows:
            if row["kind"] == "search":
                searches.add(str(row["occurred_at"]), json.loads(row["payload"]))
        _load_searches(conn, agent, countless, searches)
    changed = 0
    for row, payload in parsed:
        count = _true_count(payload, _instant(str(row["occurred_at"])), searches)
        if count > 0:
            row["kind"] = NOTHING_OPENED
            row["payload"] = _payload_text(_relabelled(payload, count, "ingest"))
            changed += 1
    return changed


def _agent_no_results(conn: Connection, agent: str) -> list[tuple[str, str, dict[str, Any]]]:
    rows = conn.execute(
        select(EventRow.event_id, EventRow.occurred_at, EventRow.payload).where(
            # kind || '' keeps SQLite on the agent's index rather than scanning every
            # agent's no-results through the kind index, once per agent.
            EventRow.agent == agent,
            EventRow.kind.concat("") == NO_RESULT,
        )
    )
    return [(event_id, occurred_at, json.loads(payload)) for event_id, occurred_at, payload in rows]


def _repair_agent(conn: Connection, agent: str) -> int:
    stored = _agent_no_results(conn, agent)
    searches = _Searches()
    _load_searches(
        conn,
        agent,
        [
            moment
            for _, occurred_at, payload in stored
            if _count(payload.get("result_count")) is None
            for moment in [_instant(occurred_at)]
            if moment is not None
        ],
        searches,
    )
    fixes = []
    for event_id, occurred_at, payload in stored:
        count = _true_count(payload, _instant(occurred_at), searches)
        if count > 0:
            fixes.append(
                {"eid": event_id, "new": _payload_text(_relabelled(payload, count, "repair"))}
            )
    statement = (
        update(EventRow)
        .where(EventRow.event_id == bindparam("eid"), EventRow.kind == NO_RESULT)
        .values(kind=NOTHING_OPENED, payload=bindparam("new"))
    )
    for chunk in batches(fixes, 5000):
        conn.execute(statement, chunk)
    return len(fixes)


def repair_no_results(conn: Connection) -> RepairReport:
    """Reclassify stored false no-results and re-label the gap queue built from them.

    Gap signals of reclassified events become ``nothing_opened`` (so topics' kinds are
    true); an undecided topic (open, nobody decided on it, nothing merged into it) left
    with only nothing-opened signals is removed with its signals, since the queue never
    starts a topic from those alone (docs/learning.md). One agent at a time, so memory
    stays bounded by one agent's events; runs in the caller's transaction; running it
    again changes nothing.
    """
    agents = list(
        conn.execute(select(EventRow.agent).where(EventRow.kind == NO_RESULT).distinct()).scalars()
    )
    events = sum(_repair_agent(conn, agent) for agent in agents)
    signals = conn.execute(
        update(GapSignalRow)
        .where(
            GapSignalRow.kind == NO_RESULT,
            exists().where(EventRow.event_id == GapSignalRow.id, EventRow.kind == NOTHING_OPENED),
        )
        .values(kind=NOTHING_OPENED)
    ).rowcount
    return RepairReport(events, int(signals or 0), _remove_weak_topics(conn))


def _remove_weak_topics(conn: Connection) -> int:
    merged = aliased(GapTopicRow)
    weak = list(
        conn.execute(
            select(GapTopicRow.id).where(
                GapTopicRow.status == "open",
                GapTopicRow.decided_by.is_(None),
                ~exists().where(merged.merged_into == GapTopicRow.id),
                exists().where(GapSignalRow.topic_id == GapTopicRow.id),
                ~exists().where(
                    and_(
                        GapSignalRow.topic_id == GapTopicRow.id, GapSignalRow.kind != NOTHING_OPENED
                    )
                ),
            )
        ).scalars()
    )
    for chunk in batches(weak):
        conn.execute(delete(GapSignalRow).where(GapSignalRow.topic_id.in_(chunk)))
        conn.execute(delete(GapTopicRow).where(GapTopicRow.id.in_(chunk)))
    return len(weak)
