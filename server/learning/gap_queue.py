"""The knowledge-gap queue: signals collected from uploads, grouped into topics.

Signals are gap flags, searches that found nothing (``no_result``), unhelpful votes and
agents' proposals; searches whose results were left unopened (``nothing_opened``) are a
weaker kind that only joins a topic the others made. :func:`collect_signals`
turns new uploads into signals and puts each in a topic (similar text: an open or
accepted topic it resembles, else a new one — :mod:`deskmate.server.gap_clustering`);
topics never lose a signal once given it, so editors' decisions stay put. Every gap
flag is a signal, even one with only a note or a case number (:mod:`.gap_signals`).
Topics are listed with what agents said and their owner (:mod:`.gap_details`); editors'
decisions, and the notices they send, are :mod:`.gap_decisions`.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

from deskmate.core.batching import batches
from deskmate.core.search.encoder import TextEncoder, shared_encoder
from deskmate.core.search.synonyms import SynonymTable
from deskmate.server.auth import Permission, User, utc_now
from deskmate.server.database import Database
from deskmate.server.errors import BadRequestError
from deskmate.server.gap_centroids import Vector
from deskmate.server.gap_clustering import (
    GapText,
    TopicIndex,
    cluster,
    normal_form,
    topic_label,
)
from deskmate.server.item_vectors import EncoderFactory
from deskmate.server.learning.gap_details import DetailCollector, empty_details, owned_by
from deskmate.server.learning.gap_signals import (
    clean_case,
    clean_gap_type,
    clean_note,
    signal_text,
)
from deskmate.server.learning.gap_vectors import (
    current_model,
    encode_texts,
    missing_texts,
    stored_vectors,
)
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
# Live topics' texts without a vector of the current model encoded per collection.
BACKFILL = 200


def _signal(row: Any, catalogue: ItemCatalogue) -> dict[str, Any] | None:
    """The signal of an uploaded event, or None if the event is no sign of a gap.

    Every gap flag is a signal, even one with no text at all (see gap_signals).
    """
    payload = json.loads(row.payload)
    detail = payload.get("detail") or {}
    if not isinstance(detail, dict):
        detail = {}
    kind = row.kind
    if kind == "feedback":
        if detail.get("helpful") is not False:
            return None
        kind = "unhelpful"
    query = clean_note(payload.get("query")).strip()
    item_id = payload.get("item_id")
    info = catalogue.items.get(item_id) if item_id else None
    title = info.title if info is not None else str(item_id or "")
    note = clean_note(detail.get("note"))
    text, text_from = signal_text(kind, query, title, note)
    if not text and kind != "gap":
        return None
    return {
        "id": row.event_id,
        "agent": row.agent,
        "kind": kind,
        "query": text,
        "item_id": item_id,
        "occurred_at": row.occurred_at,
        "gap_type": clean_gap_type(detail.get("gap_type")),
        "note": note,
        "case_ref": clean_case(detail.get("interaction_id")),
        "owner": info.owner if info is not None else None,
        "text_from": text_from,
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
                "note": "",  # the answer is read from the proposal itself
                "case_ref": None,
                "owner": info.owner if (info := catalogue.items.get(p.item_id or "")) else None,
                "text_from": "title",
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


def _topic_texts(conn: Connection) -> dict[int, list[str]]:
    texts: dict[int, list[str]] = defaultdict(list)
    rows = conn.execute(
        select(GapSignalRow.topic_id, GapSignalRow.query)
        .join(GapTopicRow, GapTopicRow.id == GapSignalRow.topic_id)
        .where(GapTopicRow.status.in_(LIVE))
    )
    for topic_id, query in rows:
        texts[topic_id].append(query)
    return texts


def _topic_index(conn: Connection, model: TextEncoder | None) -> TopicIndex:
    # The packs' synonyms make 退钱 and 退款, 蚂蚁花呗 and 花呗 the same word here too.
    index = TopicIndex(synonyms=SynonymTable(read_vocabulary(conn).synonyms))
    texts = _topic_texts(conn)
    vectors: dict[str, Vector] = {}
    if model is not None:
        vectors = stored_vectors(conn, model.model_id, [q for qs in texts.values() for q in qs])
    for topic_id, queries in texts.items():
        index.add_topic(topic_id, queries, [vectors.get(normal_form(q)) for q in queries])
    return index


def _encode_ahead(
    db: Database, encoder: EncoderFactory
) -> tuple[TextEncoder | None, set[str], str | None]:
    """Encode, before the write transaction, what the next collection will need.

    That is the new signals' texts, and up to :data:`BACKFILL` live topics' texts stored
    before vectors (or under another model). Returns the model (None: no signals, or no
    encoder), the ids of the signals seen and the newest upload's stamp among them: the
    collection places only those, so one that arrives meanwhile waits for the next
    collection instead of being placed without its vector.
    """
    with db.read() as conn:
        signals, latest = _new_signals(conn, item_catalogue(conn, db.display_url))
        seen = {s["id"] for s in signals}
        model = current_model(encoder) if signals else None
        if model is None:
            return None, seen, latest
        topics = [q for qs in _topic_texts(conn).values() for q in qs]
        todo = missing_texts(conn, model.model_id, (s["query"] for s in signals))
        todo += [t for t in missing_texts(conn, model.model_id, topics) if t not in todo][:BACKFILL]
    encode_texts(db, model, todo)
    return model, seen, latest


def collect_signals(db: Database, encoder: EncoderFactory = shared_encoder) -> int:
    """Turn new uploads and proposals into signals in topics; how many were added.

    With a sentence encoder, each new signal text is encoded once (stored: see
    :mod:`.gap_vectors`) and texts join topics by meaning as well as by words.
    """
    # Encoded first, outside the write: a backlog of new texts (hundreds of signals at
    # ~30 texts/s) must not hold the write lock, which every upload and publish needs.
    model, seen, seen_latest = _encode_ahead(db, encoder)
    with db.write() as conn:
        signals, latest = _new_signals(conn, item_catalogue(conn, db.display_url))
        if any(s["id"] not in seen for s in signals):
            # Arrived after the texts were encoded: placed by the next collection.
            signals = [s for s in signals if s["id"] in seen]
            latest = seen_latest
        if model is not None and not signals:
            model = None
        queries = [s["query"] for s in signals]
        vectors = stored_vectors(conn, model.model_id, queries) if model else {}
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

            placed = _place(signals, _topic_index(conn, model), new_topic, vectors)
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
    signals: list[dict[str, Any]],
    index: TopicIndex,
    new_topic: Callable[[str], int],
    vectors: dict[str, Vector],
) -> dict[str, int]:
    """Topics of the signals: weak ones only join a topic (never start one), else are left."""
    strong = [
        GapText(s["id"], s["query"], vectors.get(normal_form(s["query"])))
        for s in signals
        if s["kind"] not in WEAK_KINDS
    ]
    placed = cluster(strong, index, new_topic)
    for s in signals:
        if s["kind"] not in WEAK_KINDS:
            continue
        vector = vectors.get(normal_form(s["query"]))
        if (topic_id := index.assign(s["query"], vector)) is not None:
            index.add_text(topic_id, s["query"], vector)
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


def list_topics(
    db: Database, editor: User, status: str = "open", owner: str = "all"
) -> list[dict[str, Any]]:
    """The queue: topics with the given status ("all": any but merged), largest first.

    ``owner`` picks whose queue: "all", "mine" (owned by the editor's name or team),
    "none" (no owner: the editor group's) or an owner's name.

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
        topics = {row.id: topic_dict(row) for row in conn.execute(query)}
        add_signal_facts(conn, topics, item_catalogue(conn, db.display_url))
    mine = tuple(n for n in (editor.name, editor.team) if n)
    listed = [t for t in topics.values() if owned_by(t, owner or "all", mine)]
    return sorted(listed, key=lambda t: (-t["count"], t["id"]))


def topic_dict(row: Any) -> dict[str, Any]:
    """A ``gap_topics`` row as the API shows it, before its signals are added."""
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
        "decision_note": row.decision_note,
        **empty_details(),
    }


def add_signal_facts(
    conn: Connection, topics: dict[int, dict[str, Any]], catalogue: ItemCatalogue
) -> None:
    """Counts, agents, first/last seen, example queries and details of the topics.

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
        select(GapSignalRow)
        .where(GapSignalRow.topic_id.in_(list(owner)))
        .order_by(GapSignalRow.occurred_at.desc())
    )
    details = DetailCollector(catalogue)
    for row in rows:
        topic = topics[owner[row.topic_id]]
        topic["count"] += 1
        topic["kinds"][row.kind] = topic["kinds"].get(row.kind, 0) + 1
        if row.agent not in topic["agents"]:
            topic["agents"].append(row.agent)
        if row.query not in topic["examples"] and len(topic["examples"]) < EXAMPLES:
            topic["examples"].append(row.query)
        topic["last_seen"] = topic["last_seen"] or row.occurred_at
        topic["first_seen"] = row.occurred_at
        details.add(topic, row)
    details.finish(conn, topics)
