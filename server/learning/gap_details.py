"""What editors see of a topic beyond its counts: what agents said, and who owns it.

Per topic: the flags and votes with their notes, gap types, case numbers and items; the
items and the typed queries involved; the proposals with their answers in full; and
the topic's owner — the owner most of its signals' items have (the team or person who
keeps those items up to date), or None: the editor group's. An owner who is no longer a
user or team (``deskmate-server user delete``) owns nothing: their items' signals count
as the editor group's, as their items do (server/workbench/authorship.py).
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from deskmate.server.learning.gap_signals import shown_note
from deskmate.server.learning.profile_inputs import ItemCatalogue
from deskmate.server.tables import ProposalRow
from deskmate.server.workbench.authorship import gone_owners
from sqlalchemy import Connection, select

#: Flags and votes listed per topic, newest first (the counts cover all of them).
FLAGS_SHOWN = 100
QUERIES_SHOWN = 20
#: Signals agents raised themselves, each listed with what they said.
RAISED = ("gap", "unhelpful")
#: ``?owner=`` values that are not an owner's name.
OWNER_FILTERS = ("all", "mine", "none")


def empty_details() -> dict[str, Any]:
    """The detail fields of a topic before any signal is added."""
    return {
        "owner": None,
        "gap_types": {},
        "cases": [],
        "flags": [],
        "items": [],
        "queries": [],
        "proposals": [],
    }


class DetailCollector:
    """Gathers the details of topics from their signals, given newest first."""

    def __init__(self, catalogue: ItemCatalogue) -> None:
        self._catalogue = catalogue
        self._owners: dict[int, Counter[str]] = {}
        self._items: dict[int, Counter[str]] = {}
        self._queries: dict[int, Counter[str]] = {}
        self._proposals: dict[int, list[int]] = {}

    def add(self, topic: dict[str, Any], signal: Any) -> None:
        """Add one signal row (a ``gap_signals`` row) to ``topic``."""
        key = topic["id"]
        if signal.owner:
            self._owners.setdefault(key, Counter())[signal.owner] += 1
        if signal.item_id:
            self._items.setdefault(key, Counter())[signal.item_id] += 1
        typed = _typed_query(signal)
        if typed:
            self._queries.setdefault(key, Counter())[typed] += 1
        if signal.kind == "proposal" and str(signal.id).startswith("p"):
            self._proposals.setdefault(key, []).append(int(str(signal.id)[1:]))
        if signal.gap_type:
            topic["gap_types"][signal.gap_type] = topic["gap_types"].get(signal.gap_type, 0) + 1
        if signal.case_ref and signal.case_ref not in topic["cases"]:
            topic["cases"].append(signal.case_ref)
        if signal.kind in RAISED and len(topic["flags"]) < FLAGS_SHOWN:
            topic["flags"].append(self._flag(signal, typed))

    def _flag(self, signal: Any, typed: str) -> dict[str, Any]:
        info = self._catalogue.items.get(signal.item_id or "")
        note = signal.note or ""
        return {
            "agent": signal.agent,
            "at": signal.occurred_at,
            "kind": signal.kind,
            "gap_type": signal.gap_type,
            "note": shown_note(note),
            "note_chars": len(note),
            "case": signal.case_ref,
            "item_id": signal.item_id,
            "item_title": info.title if info is not None else None,
            "query": typed,
        }

    def finish(self, conn: Connection, topics: dict[int, dict[str, Any]]) -> None:
        """Fill in owners, items, queries and proposals (one read for the proposals)."""
        wanted = [p for ids in self._proposals.values() for p in ids]
        proposals = (
            {
                row.id: row
                for row in conn.execute(select(ProposalRow).where(ProposalRow.id.in_(wanted)))
            }
            if wanted
            else {}
        )
        gone = gone_owners(conn, {o for c in self._owners.values() for o in c})
        for key, topic in topics.items():
            owners = Counter(
                {o: n for o, n in (self._owners.get(key) or Counter()).items() if o not in gone}
            )
            if owners:  # the most common owner; a tie goes to the first in name order
                topic["owner"] = min(owners, key=lambda o: (-owners[o], o))
            for item_id, count in _ranked(self._items.get(key)):
                info = self._catalogue.items.get(item_id)
                topic["items"].append(
                    {
                        "id": item_id,
                        "title": info.title if info is not None else None,
                        "owner": info.owner if info is not None else None,
                        "count": count,
                    }
                )
            ranked = _ranked(self._queries.get(key))[:QUERIES_SHOWN]
            topic["queries"] = [{"text": text, "count": count} for text, count in ranked]
            for proposal_id in self._proposals.get(key, []):
                row = proposals.get(proposal_id)
                if row is not None:
                    info = self._catalogue.items.get(row.item_id or "")
                    topic["proposals"].append(
                        {**_proposal(row), "item_title": info.title if info else None}
                    )


def _ranked(counts: Counter[str] | None) -> list[tuple[str, int]]:
    return sorted((counts or Counter()).items(), key=lambda pair: (-pair[1], pair[0]))


def _typed_query(signal: Any) -> str:
    """What the agent typed in the search box, if the signal's text is that."""
    if signal.text_from is None:  # collected before text_from existed: text is query or title
        return "" if signal.kind in ("unhelpful", "proposal") else str(signal.query)
    return str(signal.query) if signal.text_from == "query" else ""


def _proposal(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "agent": row.agent,
        "title": row.title,
        "answer": row.answer,
        "item_id": row.item_id,
        "skills": json.loads(row.skills or "[]"),
        "status": row.status,
        "created_at": row.created_at,
    }


def owned_by(topic: dict[str, Any], owner: str, mine: tuple[str, ...]) -> bool:
    """Whether a topic is in the queue ``owner`` asks for (all, mine, none or a name).

    ``mine`` is the signed-in editor's name and team: topics owned by either are theirs.
    """
    if owner == "all":
        return True
    if owner == "mine":
        return topic["owner"] is not None and topic["owner"] in mine
    if owner == "none":
        return topic["owner"] is None
    return bool(topic["owner"] == owner)
