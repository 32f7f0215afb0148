"""The knowledge-gap queue: signals collected from uploads, grouped into topics.

Signals are gap flags, searches that found nothing (``no_result``), unhelpful votes and
agents' proposals; searches whose results were left unopened (``nothing_opened``) are a
weaker kind that only joins a topic the others made. :func:`collect_signals`
turns new uploads into signals and puts each in a topic (similar text: an open or
accepted topic it resembles, else a new one — :mod:`deskmate.server.gap_clustering`);
topics never lose a signal once given it, so editors' decisions stay put. Editors
accept, dismiss, reopen, merge or resolve topics; resolving one tells every agent with
a signal in it (or in a topic merged into it).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

from deskmate.core.batching import batches
from deskmate.core.search.synonyms import SynonymTable
from deskmate.server.auth import Permission, User, utc_now
from deskmate.server.database import Database
from deskmate.server.errors import BadRequestError, NotFoundError
from deskmate.server.gap_clustering import GapText, TopicIndex, cluster, topic_label
from deskmate.server.learning.notices import add_notice
from deskmate.server.learning.profile_inputs import ItemCatalogue, item_catalogue
from deskmate.server.tables import (
    EventRow,
    GapSignalRow,
    GapTopicRow,
    JobMarkRow,
    ProposalRow,
)
from deskmate.server.vocabulary import read_vocabulary
from sqlalchemy import Connection, String, cast, delete, insert, literal, select, update

SIGNAL_KINDS = ("gap", "no_result", "feedback", "nothing_opened")
# Results shown and none opened: the agent may have read the answer in a snippet, so
# alone it starts no topic; it joins one that stronger signals made (docs/learning.md).
WEAK_KINDS = ("nothing_opened",)
LIVE = ("open", "accepted")  # topics new signals may join
STATUSES = ("open", "accepted", "dismissed", "merged", "resolved")
ACTIONS = ("accept", "dismiss", "reopen", "merge", "resolve")
_MARK = "gap_queue.received_at"
# Uploads are stamped before their transaction commits, so one stamped a little
# earlier may become visible after a later one: look back this far every time.
_LOOK_BACK = timedelta(minutes=5)
EXAMPLES = 5


def _signal(row: Any, catalogue: ItemCatalogue) -> dict[str, Any] | None:
    """The signal of an uploaded event, or None if the event is no sign of a gap."""
    payload = json.loads(row.payload)
    detail = payload.get("detail") or {}
    kind = row.kind
    if kind == "feedback":
        if detail.get("helpful") is not False:
            return None
        kind = "unhelpful"
    query = str(payload.get("query") or "").strip()
    item_id = payload.get("item_id")
    info = catalogue.items.get(item_id) if item_id else None
    title = info.title if info is not None else str(item_id or "")
    # A vote is about its item, whatever had been typed before: the item's title says it.
    text = (title or query) if kind == "unhelpful" else (query or title)
    if not text:
        return None
    return {
        "id": row.event_id,
        "agent": row.agent,
        "kind": kind,
        "query": text,
        "item_id": item_id,
        "occurred_at": row.occurred_at,
        "gap_type": detail.get("gap_type"),
        "note": str(detail.get("note") or ""),
    }


def _new_signals(
    conn: Connection, catalogue: ItemCatalogue
) -> tuple[list[dict[str, Any]], str | None]:
    mark = conn.execute(select(JobMarkRow.value).where(JobMarkRow.name == _MARK)).scalar()
    query = select(
        EventRow.event_id,
        EventRow.agent,
        EventRow.kind,
        EventRow.occurred_at,
        EventRow.payload,
        EventRow.received_at,
    ).where(EventRow.kind.in_(SIGNAL_KINDS))
    if mark:
        since = (datetime.fromisoformat(mark) - _LOOK_BACK).isoformat()
        query = query.where(EventRow.received_at >= since)
    rows = conn.execute(query).all()
    known = _known_ids(conn, [r.event_id for r in rows])
    signals = [s for r in rows if r.event_id not in known for s in [_signal(r, catalogue)] if s]
    latest = max((r.received_at for r in rows), default=mark)
    proposals = conn.execute(
        select(ProposalRow).where(
            ProposalRow.status == "open",
            ~select(GapSignalRow.id)
            .where(GapSignalRow.id == literal("p", String) + cast(ProposalRow.id, String))
            .exists(),
        )
    ).all()
    for p in proposals:
        signals.append(
            {
                "id": f"p{p.id}",
                "agent": p.agent,
                "kind": "proposal",
                "query": p.title,
                "item_id": p.item_id,
                "occurred_at": p.created_at,
                "gap_type": None,
                "note": p.answer[:2000],
            }
        )
    return signals, latest


def _known_ids(conn: Connection, ids: list[str]) -> set[str]:
    known: set[str] = set()
    for chunk in batches(ids):
        known.update(
            conn.execute(select(GapSignalRow.id).where(GapSignalRow.id.in_(chunk))).scalars()
        )
    return known


def _topic_index(conn: Connection) -> TopicIndex:
    # The packs' synonyms make 退钱 and 退款, 蚂蚁花呗 and 花呗 the same word here too.
    index = TopicIndex(synonyms=SynonymTable(read_vocabulary(conn).synonyms))
    texts: dict[int, list[str]] = defaultdict(list)
    rows = conn.execute(
        select(GapSignalRow.topic_id, GapSignalRow.query)
        .join(GapTopicRow, GapTopicRow.id == GapSignalRow.topic_id)
        .where(GapTopicRow.status.in_(LIVE))
    )
    for topic_id, query in rows:
        texts[topic_id].append(query)
    for topic_id, queries in texts.items():
        index.add_topic(topic_id, queries)
    return index


def collect_signals(db: Database) -> int:
    """Turn new uploads and proposals into signals in topics; how many were added."""
    with db.write() as conn:
        signals, latest = _new_signals(conn, item_catalogue(conn, db.display_url))
        if signals:
            now = utc_now()

            def new_topic(label: str) -> int:
                return int(
                    conn.execute(
                        insert(GapTopicRow)
                        .values(label=label[:500], status="open", created_at=now)
                        .returning(GapTopicRow.id)
                    ).scalar_one()
                )

            placed = _place(signals, _topic_index(conn), new_topic)
            signals = [s for s in signals if s["id"] in placed]
        if signals:
            conn.execute(
                insert(GapSignalRow), [{**s, "topic_id": placed[s["id"]]} for s in signals]
            )
            _relabel(conn, set(placed.values()))
        if latest:
            conn.execute(delete(JobMarkRow).where(JobMarkRow.name == _MARK))
            conn.execute(insert(JobMarkRow).values(name=_MARK, value=latest))
    return len(signals)


def _place(
    signals: list[dict[str, Any]], index: TopicIndex, new_topic: Callable[[str], int]
) -> dict[str, int]:
    """Topics of the signals: weak ones only join a topic (never start one), else are left."""
    strong = [GapText(s["id"], s["query"]) for s in signals if s["kind"] not in WEAK_KINDS]
    placed = cluster(strong, index, new_topic)
    for s in signals:
        if s["kind"] in WEAK_KINDS and (topic_id := index.assign(s["query"])) is not None:
            index.add_text(topic_id, s["query"])
            placed[s["id"]] = topic_id
    return placed


def _relabel(conn: Connection, topic_ids: Iterable[int]) -> None:
    for topic_id in topic_ids:
        queries = list(
            conn.execute(
                select(GapSignalRow.query).where(GapSignalRow.topic_id == topic_id)
            ).scalars()
        )
        conn.execute(
            update(GapTopicRow)
            .where(GapTopicRow.id == topic_id)
            .values(label=topic_label(queries)[:500])
        )


def list_topics(db: Database, editor: User, status: str = "open") -> list[dict[str, Any]]:
    """The queue: topics with the given status ("all": any but merged), largest first.

    Raises:
        ForbiddenError: the user is not an editor.
        BadRequestError: an unknown status.
    """
    editor.require(Permission.WORK_GAP_QUEUE)
    if status != "all" and status not in STATUSES:
        raise BadRequestError(
            f"'{status}' is not a status; use all or one of: {', '.join(STATUSES)}"
        )
    collect_signals(db)
    with db.read() as conn:
        query = select(GapTopicRow)
        query = (
            query.where(GapTopicRow.status != "merged")
            if status == "all"
            else query.where(GapTopicRow.status == status)
        )
        topics = {row.id: _topic_dict(row) for row in conn.execute(query)}
        _add_signal_facts(conn, topics)
    return sorted(topics.values(), key=lambda t: (-t["count"], t["id"]))


def _topic_dict(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "label": row.label,
        "status": row.status,
        "count": 0,
        "agents": [],
        "first_seen": None,
        "last_seen": None,
        "examples": [],
        "kinds": {"gap": 0, "no_result": 0, "nothing_opened": 0, "unhelpful": 0, "proposal": 0},
        "resolution_item_id": row.resolution_item_id,
        "merged_into": row.merged_into,
        "decided_by": row.decided_by,
        "decided_at": row.decided_at,
    }


def _add_signal_facts(conn: Connection, topics: dict[int, dict[str, Any]]) -> None:
    """Counts, agents, first/last seen and example queries of the topics.

    Signals of topics merged into a listed topic count as the listed topic's.
    """
    if not topics:
        return
    owner = {t: t for t in topics}
    merged = conn.execute(
        select(GapTopicRow.id, GapTopicRow.merged_into).where(GapTopicRow.status == "merged")
    ).all()
    for topic_id, into in merged:  # follow merge chains to a listed topic
        target, hops = into, 0
        while target is not None and target not in topics and hops < 50:
            target = next((i for t, i in merged if t == target), None)
            hops += 1
        if target in topics:
            owner[topic_id] = target
    rows = conn.execute(
        select(
            GapSignalRow.topic_id,
            GapSignalRow.agent,
            GapSignalRow.kind,
            GapSignalRow.query,
            GapSignalRow.occurred_at,
        )
        .where(GapSignalRow.topic_id.in_(list(owner)))
        .order_by(GapSignalRow.occurred_at.desc())
    )
    for topic_id, agent, kind, query, occurred in rows:
        topic = topics[owner[topic_id]]
        topic["count"] += 1
        topic["kinds"][kind] = topic["kinds"].get(kind, 0) + 1
        if agent not in topic["agents"]:
            topic["agents"].append(agent)
        if query not in topic["examples"] and len(topic["examples"]) < EXAMPLES:
            topic["examples"].append(query)
        topic["last_seen"] = topic["last_seen"] or occurred
        topic["first_seen"] = occurred


def decide(
    db: Database,
    editor: User,
    topic_id: int,
    action: str,
    *,
    into: int | None = None,
    item_id: str | None = None,
) -> dict[str, Any]:
    """Apply an editor's decision to a topic and return it.

    Raises:
        ForbiddenError: the user is not an editor.
        NotFoundError: no such topic (or merge target).
        BadRequestError: an unknown action, a merge into itself, a resolve without an
            existing item.
    """
    editor.require(Permission.WORK_GAP_QUEUE)
    if action not in ACTIONS:
        raise BadRequestError(f"'{action}' is not an action; use one of: {', '.join(ACTIONS)}")
    with db.write() as conn:
        row = conn.execute(select(GapTopicRow).where(GapTopicRow.id == topic_id)).one_or_none()
        if row is None:
            raise NotFoundError(f"there is no gap topic {topic_id}")
        values: dict[str, Any] = {"decided_by": editor.name, "decided_at": utc_now()}
        if action == "merge":
            if into is None or into == topic_id:
                raise BadRequestError("merge needs 'into': the id of another topic")
            target = conn.execute(select(GapTopicRow.status).where(GapTopicRow.id == into)).scalar()
            if target is None or target == "merged":
                raise NotFoundError(f"there is no topic {into} to merge into")
            values.update(status="merged", merged_into=into)
        elif action == "resolve":
            info = item_catalogue(conn, db.display_url).items.get(item_id or "")
            if info is None:
                raise BadRequestError(
                    "resolve needs 'item_id': an item that exists (import it first)"
                )
            values.update(status="resolved", resolution_item_id=info.id)
            _tell_flaggers(conn, topic_id, info.id, info.title)
        else:
            status = {"accept": "accepted", "dismiss": "dismissed", "reopen": "open"}[action]
            values.update(status=status, merged_into=None)
        conn.execute(update(GapTopicRow).where(GapTopicRow.id == topic_id).values(values))
        topic = _topic_dict(
            conn.execute(select(GapTopicRow).where(GapTopicRow.id == topic_id)).one()
        )
        _add_signal_facts(conn, {topic_id: topic})
    return topic


def _tell_flaggers(conn: Connection, topic_id: int, item_id: str, title: str) -> None:
    topics = {topic_id}
    while True:  # the topic and every topic merged into it, transitively
        more = (
            set(
                conn.execute(
                    select(GapTopicRow.id).where(GapTopicRow.merged_into.in_(topics))
                ).scalars()
            )
            - topics
        )
        if not more:
            break
        topics |= more
    agents = conn.execute(
        select(GapSignalRow.agent).where(GapSignalRow.topic_id.in_(topics)).distinct()
    ).scalars()
    for agent in sorted(agents):
        add_notice(
            conn, agent, "gap_resolved", {"title": title, "item_id": item_id, "topic": topic_id}
        )


def propose(
    db: Database,
    user: User,
    title: str,
    answer: str,
    skills: list[str],
    item_id: str | None = None,
    client_id: str | None = None,
) -> tuple[dict[str, Any], bool]:
    """Store an agent's proposal (a draft in the editors' queue); (proposal, new?).

    A proposal re-sent with the same ``client_id`` is stored once.

    Raises:
        BadRequestError: empty or overlong title or answer, a bad skills list.
    """
    title, answer = title.strip(), answer.strip()
    if not 0 < len(title) <= 500:
        raise BadRequestError("give the proposal a title of 1 to 500 characters")
    if not 0 < len(answer) <= 20_000:
        raise BadRequestError("give the proposal an answer of 1 to 20,000 characters")
    if not isinstance(skills, list) or not all(isinstance(s, str) for s in skills):
        raise BadRequestError("skills must be a list of skill codes")
    if client_id is not None and not 0 < len(client_id) <= 64:
        raise BadRequestError("client_id must have 1 to 64 characters")
    with db.write() as conn:
        if client_id is not None:
            found = conn.execute(
                select(ProposalRow).where(
                    ProposalRow.agent == user.name, ProposalRow.client_id == client_id
                )
            ).one_or_none()
            if found is not None:
                return {"id": found.id, "status": found.status}, False
        new_id = conn.execute(
            insert(ProposalRow)
            .values(
                agent=user.name,
                title=title,
                answer=answer,
                skills=json.dumps(skills),
                item_id=item_id or None,
                status="open",
                created_at=utc_now(),
                client_id=client_id,
            )
            .returning(ProposalRow.id)
        ).scalar_one()
    return {"id": new_id, "status": "open"}, True
