"""Drafts that answer a gap topic or an agent's proposal, and what publishing them does.

A draft opened from a topic carries ``source = "topic:<id>"``, one opened from a
proposal ``"proposal:<id>"``. Publishing it resolves the topic (the proposal's topic for
a proposal) with the existing decision, which tells the agents who raised it, and marks
the proposal accepted.
"""

from __future__ import annotations

import json
import re
from typing import Any

from deskmate.server.auth import User
from deskmate.server.database import Database
from deskmate.server.errors import NotFoundError
from deskmate.server.learning.gap_decisions import decide
from deskmate.server.tables import GapSignalRow, GapTopicRow, ProposalRow
from sqlalchemy import select, update

_SOURCE = re.compile(r"^(topic|proposal):(\d{1,12})$")


def parse_source(source: str | None) -> tuple[str, int] | None:
    """("topic"|"proposal", id) of a stored source, None for none or garbage."""
    match = _SOURCE.match(source or "")
    return (match[1], int(match[2])) if match else None


def _slug(text: str) -> str:
    ascii_part = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return ascii_part[:40] or "item"


def draft_from_source(db: Database, source: str) -> dict[str, Any]:
    """A pre-filled FAQ record for a topic or a proposal, and its link back.

    Raises:
        NotFoundError: no such topic or proposal.
    """
    parsed = parse_source(source)
    if parsed is None:
        raise NotFoundError(f"'{source}' is not a topic or a proposal")
    kind, number = parsed
    with db.read() as conn:
        if kind == "proposal":
            row = conn.execute(select(ProposalRow).where(ProposalRow.id == number)).one_or_none()
            if row is None:
                raise NotFoundError(f"there is no proposal {number}")
            return {
                "id": row.item_id or f"faq-proposal-{number}",
                "kind": "faq",
                "title": row.title,
                "body": row.answer,
                "skills": json.loads(row.skills or "[]"),
                "language": "zh",
            }
        topic = conn.execute(select(GapTopicRow).where(GapTopicRow.id == number)).one_or_none()
        if topic is None:
            raise NotFoundError(f"there is no gap topic {number}")
        queries = conn.execute(
            select(GapSignalRow.query)
            .where(GapSignalRow.topic_id == number, GapSignalRow.query != "")
            .distinct()
            .limit(20)
        ).scalars()
        questions = [q.strip()[:500] for q in queries if q.strip() and q.strip() != topic.label]
        return {
            "id": f"faq-gap-{number}-{_slug(topic.label)}",
            "kind": "faq",
            "title": topic.label[:500] or f"#{number}",
            "questions": questions[:10],
            "body": "",
            "language": "zh",
        }


def topic_of(db: Database, source: str | None) -> int | None:
    """The gap topic a source answers (a proposal's topic), if any."""
    parsed = parse_source(source)
    if parsed is None:
        return None
    kind, number = parsed
    if kind == "topic":
        return number
    with db.read() as conn:
        found = conn.execute(
            select(GapSignalRow.topic_id).where(GapSignalRow.id == f"p{number}")
        ).scalar()
    return int(found) if found is not None else None


def resolve_source(db: Database, editor: User, item_id: str, source: str | None) -> int | None:
    """After publishing: resolve the draft's topic (telling its agents); the topic id."""
    parsed = parse_source(source)
    if parsed is None:
        return None
    if parsed[0] == "proposal":
        with db.write() as conn:
            conn.execute(
                update(ProposalRow).where(ProposalRow.id == parsed[1]).values(status="accepted")
            )
    topic = topic_of(db, source)
    if topic is None:
        return None
    with db.read() as conn:
        status = conn.execute(select(GapTopicRow.status).where(GapTopicRow.id == topic)).scalar()
    if status in (None, "resolved", "merged"):
        return topic
    decide(db, editor, topic, "resolve", item_id=item_id)
    return topic
