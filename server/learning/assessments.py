"""Self-assessments, manager ratings, and test/QA scores imported from CSV."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from deskmate.core.content.taxonomy import MAX_LEVEL, MIN_LEVEL
from deskmate.server.auth import Permission, User, utc_now
from deskmate.server.database import Database
from deskmate.server.errors import BadRequestError, NotFoundError
from deskmate.server.learning.history import record_assessment
from deskmate.server.tables import (
    ManagerRatingRow,
    ScoreRow,
    SelfAssessmentRow,
    SkillRow,
    UserRow,
)
from sqlalchemy import Connection, delete, insert, select

MAX_COMMENT = 2000
SCORE_COLUMNS = ("agent", "skill", "score", "date")
_ENCODINGS = ("utf-8-sig", "gb18030")


def _known_skill(conn: Connection, skill: object) -> str:
    if (
        not isinstance(skill, str)
        or conn.execute(select(SkillRow.code).where(SkillRow.code == skill)).scalar_one_or_none()
        is None
    ):
        raise BadRequestError(
            f"'{skill}' is not a skill of the imported taxonomy (skills.yaml); "
            "use one of its skill codes"
        )
    return skill


def _level(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not MIN_LEVEL <= value <= MAX_LEVEL:
        raise BadRequestError(f"the {what} must be a whole number {MIN_LEVEL} to {MAX_LEVEL}")
    return value


def set_self_assessment(db: Database, user: User, skill: object, level: object) -> dict[str, Any]:
    """Store the user's own level in a skill (the latest counts; the history keeps all).

    Raises:
        BadRequestError: the skill is unknown or the level is not 1-5.
    """
    level = _level(level, "level")
    with db.write() as conn:
        skill = _known_skill(conn, skill)
        now = utc_now()
        conn.execute(
            delete(SelfAssessmentRow).where(
                SelfAssessmentRow.agent == user.name, SelfAssessmentRow.skill == skill
            )
        )
        conn.execute(
            insert(SelfAssessmentRow).values(
                agent=user.name, skill=skill, level=level, updated_at=now
            )
        )
        record_assessment(conn, user.name, skill, "self", level, now)
    return {"skill": skill, "level": level, "updated_at": now}


def team_agent(conn: Connection, manager: User, agent: str) -> str:
    """``agent`` if it names an agent of the manager's team.

    Only agents: a fellow manager (or the manager) of the same team is as unknown as
    another team's agent.

    Raises:
        ForbiddenError: the user is not a manager.
        NotFoundError: no such agent in the manager's team (another team's agents are
            not even confirmed to exist).
    """
    manager.require(Permission.MANAGE_TEAM)
    found = conn.execute(
        select(UserRow.name).where(
            UserRow.name == agent, UserRow.team == manager.team, UserRow.role == "agent"
        )
    ).scalar_one_or_none()
    if found is None or manager.team is None:
        raise NotFoundError(f"there is no agent '{agent}' in your team")
    return agent


def rate_skill(
    db: Database, manager: User, agent: str, skill: object, rating: object, comment: str = ""
) -> dict[str, Any]:
    """A manager's rating (1-5) and comment on one of their agents' skills (all are kept).

    Raises:
        ForbiddenError: the user is not a manager.
        NotFoundError: the agent is not in the manager's team.
        BadRequestError: unknown skill, rating not 1-5, or a comment over 2,000 characters.
    """
    rating = _level(rating, "rating")
    if len(comment) > MAX_COMMENT:
        raise BadRequestError(f"the comment is over {MAX_COMMENT:,} characters")
    with db.write() as conn:
        agent = team_agent(conn, manager, agent)
        skill = _known_skill(conn, skill)
        now = utc_now()
        conn.execute(
            delete(ManagerRatingRow).where(
                ManagerRatingRow.agent == agent, ManagerRatingRow.skill == skill
            )
        )
        conn.execute(
            insert(ManagerRatingRow).values(
                agent=agent,
                skill=skill,
                rating=rating,
                comment=comment.strip(),
                rated_by=manager.name,
                rated_at=now,
            )
        )
        record_assessment(conn, agent, skill, "rating", rating, now, comment.strip(), manager.name)
    return {"agent": agent, "skill": skill, "rating": rating, "comment": comment.strip()}


@dataclass
class ScoreImport:
    """What ``import-scores`` read, stored and refused (line number, reason)."""

    stored: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)


def _decode(raw: bytes, source: str) -> str:
    for encoding in _ENCODINGS:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise BadRequestError(
        f"{source} is neither UTF-8 nor GB18030 text; save it as UTF-8 CSV and try again"
    )


def _score_row(
    line: int, row: dict[str, str | None], agents: set[str], skills: set[str]
) -> dict[str, Any] | str:
    """The row to store, or the reason it is refused."""
    agent, skill = (row.get("agent") or "").strip(), (row.get("skill") or "").strip()
    if agent not in agents:
        return f"line {line}: there is no user '{agent}'; add them with 'user add' first"
    if skill not in skills:
        return f"line {line}: '{skill}' is not a skill code of the imported skills.yaml"
    try:
        score = float((row.get("score") or "").strip())
    except ValueError:
        return f"line {line}: the score '{row.get('score')}' is not a number"
    if not 0 <= score <= 100:
        return f"line {line}: the score {score:g} is outside 0-100"
    taken = (row.get("date") or "").strip()
    try:
        date.fromisoformat(taken)
    except ValueError:
        return f"line {line}: the date '{taken}' is not a date; write it as YYYY-MM-DD"
    if len(taken) != 10:
        return f"line {line}: the date '{taken}' is not a date; write it as YYYY-MM-DD"
    return {"agent": agent, "skill": skill, "score": score, "taken_on": taken}


def import_scores(db: Database, path: Path, *, strict: bool = False) -> ScoreImport:
    """Import ``agent,skill,score,date`` rows from a QA or LMS export.

    Every bad line is reported with its number and left out; the good ones are stored
    in one transaction (none of them with ``strict`` when any line is bad).

    Raises:
        BadRequestError: the file is missing, not text, or lacks the header columns.
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise BadRequestError(f"cannot read {path}: {exc.strerror or exc}") from None
    reader = csv.DictReader(io.StringIO(_decode(raw, str(path)), newline=""))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in SCORE_COLUMNS if c not in header]
    if missing:
        raise BadRequestError(
            f"{path} lacks the column(s) {', '.join(missing)}; the first line must be "
            "the header agent,skill,score,date"
        )
    reader.fieldnames = header
    result = ScoreImport()
    with db.write() as conn:
        agents = set(conn.execute(select(UserRow.name)).scalars())
        skills = set(conn.execute(select(SkillRow.code)).scalars())
        rows = []
        for row in reader:
            line = reader.line_num  # the physical line (a quoted field may span several)
            checked = _score_row(line, row, agents, skills)
            if isinstance(checked, str):
                result.problems.append((line, checked))
            else:
                rows.append({**checked, "source": path.name, "imported_at": utc_now()})
        if rows and not (strict and result.problems):
            conn.execute(insert(ScoreRow), rows)
            result.stored = len(rows)
    return result
