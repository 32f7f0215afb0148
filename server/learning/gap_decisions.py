"""Editors' decisions on gap topics, agents' proposals, and telling the agents.

Accepting, dismissing (with the reason the editor typed), merging and resolving a topic
each tell every agent with a signal in it — or in a topic merged into it — once per
agent and decision, in a notice the sidebar shows. Notices are stored as a kind and its
parameters and worded when read, in the language the agent asks for
(:mod:`deskmate.server.learning.reasons`). Deciding what a topic already is (accepting
an accepted topic) tells nobody again.
"""

from __future__ import annotations

import json
from typing import Any

from deskmate.server.auth import Permission, User, utc_now
from deskmate.server.database import Database
from deskmate.server.errors import BadRequestError, NotFoundError
from deskmate.server.learning.gap_queue import ACTIONS, add_signal_facts, topic_dict
from deskmate.server.learning.notices import add_notice
from deskmate.server.learning.profile_inputs import ItemCatalogue, item_catalogue
from deskmate.server.learning.profile_model import ItemInfo
from deskmate.server.tables import GapSignalRow, GapTopicRow, ProposalRow, UserRow
from sqlalchemy import Connection, insert, select, update

#: The longest reason an editor may give for a decision.
MAX_REASON_CHARS = 1000
_STATUS_OF = {"accept": "accepted", "dismiss": "dismissed", "reopen": "open"}


def decide(
    db: Database,
    editor: User,
    topic_id: int,
    action: str,
    *,
    into: int | None = None,
    item_id: str | None = None,
    reason: str = "",
) -> dict[str, Any]:
    """Apply an editor's decision to a topic, tell the agents, and return the topic.

    Raises:
        ForbiddenError: the user is not an editor.
        NotFoundError: no such topic (or merge target).
        BadRequestError: an unknown action, a merge into itself, a resolve without an
            existing item, a reason over MAX_REASON_CHARS characters.
    """
    editor.require(Permission.WORK_GAP_QUEUE)
    if action not in ACTIONS:
        raise BadRequestError(f"'{action}' is not an action; use one of: {', '.join(ACTIONS)}")
    reason = " ".join((reason or "").split())
    if len(reason) > MAX_REASON_CHARS:
        raise BadRequestError(
            f"the reason has {len(reason)} characters; keep it to {MAX_REASON_CHARS}"
        )
    with db.write() as conn:
        row = conn.execute(select(GapTopicRow).where(GapTopicRow.id == topic_id)).one_or_none()
        if row is None:
            raise NotFoundError(f"there is no gap topic {topic_id}")
        catalogue = item_catalogue(conn, db.display_url)
        values, told = _decision(conn, catalogue, row, action, into, item_id)
        values.update(decided_by=editor.name, decided_at=utc_now())
        if action == "dismiss":
            values["decision_note"] = told["reason"] = reason
        changed = values["status"] != row.status or (action == "merge" and row.merged_into != into)
        conn.execute(update(GapTopicRow).where(GapTopicRow.id == topic_id).values(values))
        if changed and action != "reopen":
            answer = catalogue.items.get(item_id or "") if action == "resolve" else None
            _tell_agents(conn, topic_id, f"gap_{values['status']}", told, answer)
        topic = topic_dict(
            conn.execute(select(GapTopicRow).where(GapTopicRow.id == topic_id)).one()
        )
        add_signal_facts(conn, {topic_id: topic}, catalogue)
    return topic


def _decision(
    conn: Connection,
    catalogue: ItemCatalogue,
    row: Any,
    action: str,
    into: int | None,
    item_id: str | None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The topic's new column values, and the parameters of the agents' notice."""
    told: dict[str, Any] = {"topic": row.id, "label": row.label}
    if action == "merge":
        if into is None or into == row.id:
            raise BadRequestError("merge needs 'into': the id of another topic")
        target = conn.execute(select(GapTopicRow).where(GapTopicRow.id == into)).one_or_none()
        if target is None or target.status == "merged":
            raise NotFoundError(f"there is no topic {into} to merge into")
        return {"status": "merged", "merged_into": into}, {
            **told,
            "into": into,
            "into_label": target.label,
        }
    if action == "resolve":
        info = catalogue.items.get(item_id or "")
        if info is None:
            raise BadRequestError("resolve needs 'item_id': an item that exists (import it first)")
        values = {"status": "resolved", "resolution_item_id": info.id}
        return values, {**told, "title": info.title, "item_id": info.id}
    return {"status": _STATUS_OF[action], "merged_into": None}, told


def _tell_agents(
    conn: Connection,
    topic_id: int,
    kind: str,
    detail: dict[str, Any],
    answer: ItemInfo | None = None,
) -> None:
    """One notice to each agent with a signal in the topic or a topic merged into it.

    ``answer``: the item that resolved the topic; an agent it is not visible to is told
    only that the report was answered for other teams.
    """
    topics = {topic_id}
    while True:  # the topic and every topic merged into it, transitively
        more = (
            set(
                conn.execute(
                    select(GapTopicRow.id).where(
                        GapTopicRow.merged_into.in_(topics), GapTopicRow.status == "merged"
                    )
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
    names = sorted(agents)
    rows = conn.execute(select(UserRow.name, UserRow.team).where(UserRow.name.in_(names)))
    team_of = {name: team for name, team in rows}
    for agent in names:
        if answer is not None and not answer.visible_to(team_of.get(agent)):
            # The answer is limited to teams this agent is not in: tell them their report
            # was answered, never the item's title or id.
            hidden = {k: v for k, v in detail.items() if k not in ("title", "item_id")}
            add_notice(conn, agent, "gap_resolved_elsewhere", hidden)
        else:
            add_notice(conn, agent, kind, detail)


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
