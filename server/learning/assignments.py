"""Learning a manager pushes to agents of their team, and agents marking it done."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from deskmate.server.auth import Permission, User, utc_now
from deskmate.server.database import Database
from deskmate.server.errors import BadRequestError, NotFoundError
from deskmate.server.learning.notices import add_notice
from deskmate.server.tables import AssignmentRow, ItemRow, UserRow
from deskmate.server.workbench.visibility import Viewer
from sqlalchemy import Connection, Row, insert, select, update

_HHMM = re.compile(r"([01]\d|2[0-3]):[0-5]\d")
MAX_TITLE = 500


@dataclass(frozen=True)
class AssignmentRequest:
    """What a manager assigns; ``agents`` empty and ``whole_team`` True: everyone."""

    agents: tuple[str, ...]
    whole_team: bool
    title: str
    due_on: str
    skill: str | None = None
    item_id: str | None = None
    url: str | None = None
    note: str = ""
    window_start: str | None = None
    window_end: str | None = None


def team_members(conn: Connection, team: str | None) -> list[str]:
    """The agents of a team, by name."""
    if team is None:
        return []
    query = select(UserRow.name).where(UserRow.team == team, UserRow.role == "agent")
    return list(conn.execute(query.order_by(UserRow.name)).scalars())


def _check(request: AssignmentRequest) -> None:
    try:
        date.fromisoformat(request.due_on)
    except (TypeError, ValueError):
        raise BadRequestError(
            f"the due date '{request.due_on}' is not a date; write it as YYYY-MM-DD"
        ) from None
    for name, value in (("start", request.window_start), ("end", request.window_end)):
        if value and not _HHMM.fullmatch(value):
            raise BadRequestError(f"the window {name} '{value}' is not a time; write it as HH:MM")
    if bool(request.window_start) != bool(request.window_end):
        raise BadRequestError("give both the start and the end of the time window, or neither")
    if request.url and not request.url.startswith(("https://", "http://")):
        raise BadRequestError("a learning resource link must start with https:// or http://")


def create_assignments(db: Database, manager: User, request: AssignmentRequest) -> list[int]:
    """Assign learning to agents of the manager's team; each agent gets a notice.

    Raises:
        ForbiddenError: the user is not a manager.
        BadRequestError: a field is wrong, or an agent is not in the manager's team.
    """
    manager.require(Permission.MANAGE_TEAM)
    _check(request)
    with db.write() as conn:
        members = team_members(conn, manager.team)
        agents = members if request.whole_team else list(dict.fromkeys(request.agents))
        strangers = [a for a in agents if a not in members]
        if strangers:
            raise BadRequestError(
                f"{', '.join(strangers)} {'is' if len(strangers) == 1 else 'are'} not in your "
                "team; you can assign learning to your own team only"
            )
        if not agents:
            raise BadRequestError("choose at least one agent (or the whole team)")
        title = request.title.strip()
        if request.item_id:
            record = conn.execute(
                select(ItemRow.id).where(
                    ItemRow.id == request.item_id, Viewer(False, manager.team).member(ItemRow.teams)
                )
            ).scalar_one_or_none()
            if record is None:  # (limited to other teams: not confirmed to exist either)
                raise BadRequestError(f"there is no item '{request.item_id}'")
        if not 0 < len(title) <= MAX_TITLE:
            raise BadRequestError(f"give the assignment a title of 1 to {MAX_TITLE} characters")
        ids = []
        for agent in agents:
            values: dict[str, Any] = {
                "agent": agent,
                "title": title,
                "skill": request.skill or None,
                "item_id": request.item_id or None,
                "url": request.url or None,
                "note": request.note.strip(),
                "due_on": request.due_on,
                "window_start": request.window_start or None,
                "window_end": request.window_end or None,
                "assigned_by": manager.name,
                "assigned_at": utc_now(),
            }
            ids.append(
                conn.execute(
                    insert(AssignmentRow).values(values).returning(AssignmentRow.id)
                ).scalar_one()
            )
            add_notice(
                conn,
                agent,
                "assignment",
                {
                    "by": manager.name,
                    "title": title,
                    "due": request.due_on,
                    "item_id": request.item_id,
                },
            )
    return ids


def assignment_dict(row: Row[Any], today: date | None = None) -> dict[str, Any]:
    """An assignment as the API shows it."""
    today = today or date.today()
    return {
        "id": row.id,
        "agent": row.agent,
        "title": row.title,
        "skill": row.skill,
        "item_id": row.item_id,
        "url": row.url,
        "note": row.note,
        "due_on": row.due_on,
        "window_start": row.window_start,
        "window_end": row.window_end,
        "assigned_by": row.assigned_by,
        "assigned_at": row.assigned_at,
        "done_at": row.done_at,
        "overdue": row.done_at is None and row.due_on < today.isoformat(),
    }


def assignments_of(conn: Connection, agents: list[str]) -> list[dict[str, Any]]:
    """The assignments of some agents: open ones by due date, then done ones."""
    rows = conn.execute(
        select(AssignmentRow)
        .where(AssignmentRow.agent.in_(agents))
        .order_by(AssignmentRow.done_at.is_not(None), AssignmentRow.due_on, AssignmentRow.id)
    )
    return [assignment_dict(row) for row in rows]


def mark_done(db: Database, user: User, assignment_id: int) -> dict[str, Any]:
    """Mark one of the user's own assignments done (again: keeps the first time).

    Raises:
        NotFoundError: there is no such assignment of this user.
    """
    with db.write() as conn:
        row = conn.execute(
            select(AssignmentRow).where(
                AssignmentRow.id == assignment_id, AssignmentRow.agent == user.name
            )
        ).one_or_none()
        if row is None:
            raise NotFoundError(f"you have no assignment {assignment_id}")
        if row.done_at is None:
            conn.execute(
                update(AssignmentRow)
                .where(AssignmentRow.id == assignment_id)
                .values(done_at=utc_now())
            )
            row = conn.execute(select(AssignmentRow).where(AssignmentRow.id == assignment_id)).one()
        return assignment_dict(row)
