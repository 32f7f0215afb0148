"""The team skill matrix and an agent's profile, shaped for the console's templates.

Both reuse the learning model as it is: :func:`cached_bodies` brings the whole team's
profiles up to date in one pass (a few aggregate queries, whatever the team's size) and
:func:`render` words them; nothing here recomputes a level.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from deskmate.server.database import Database
from deskmate.server.learning.assignments import assignments_of
from deskmate.server.learning.history import add_trends, level_trends
from deskmate.server.learning.profiles import Wording, cached_bodies, render, wording


def gap_band(level: float | None, gap: float) -> str:
    """The colour band of a cell: none (no data), met, small, medium or large gap."""
    if level is None:
        return "none"
    if gap <= 0:
        return "met"
    if gap < 1:
        return "small"
    return "medium" if gap < 2 else "large"


@dataclass(frozen=True)
class Cell:
    """One agent × skill cell."""

    level: float | None
    target: int | None
    gap: float
    band: str
    reason: str


@dataclass
class MatrixRow:
    """One agent of the matrix."""

    agent: str
    role: str
    cells: list[Cell | None]
    open_assignments: int = 0
    overdue: int = 0


@dataclass
class Matrix:
    """A team's skill matrix: skill columns (code, name) and one row per agent."""

    skills: list[tuple[str, str]]
    rows: list[MatrixRow] = field(default_factory=list)
    computed_at: str = ""


def _columns(profiles: dict[str, dict[str, Any]], words: Wording) -> list[tuple[str, str]]:
    """Every skill any agent's profile lists, in the taxonomy's order."""
    present = {s["code"] for p in profiles.values() for s in p["skills"]}
    order = [s.code for s in words.taxonomy.skills]
    codes = [c for c in order if c in present] + sorted(present - set(order))
    return [(c, words.skill_name(c)) for c in codes]


def team_matrix(db: Database, members: list[str], language: str) -> Matrix:
    """The skill matrix of ``members`` (a manager's team), worded in ``language``."""
    bodies = cached_bodies(db, members)
    words = wording(db, language)
    profiles = {agent: render(body, words) for agent, body in bodies.items()}
    matrix = Matrix(_columns(profiles, words))
    with db.read() as conn:
        assignments = assignments_of(conn, members)
    open_count = Counter(a["agent"] for a in assignments if a["done_at"] is None)
    overdue = Counter(a["agent"] for a in assignments if a["overdue"])
    for agent in members:
        profile = profiles.get(agent)
        if profile is None:
            continue
        by_code = {s["code"]: s for s in profile["skills"]}
        cells = []
        for code, _name in matrix.skills:
            skill = by_code.get(code)
            cells.append(
                None
                if skill is None
                else Cell(
                    skill["level"],
                    skill["target"],
                    skill["gap"],
                    gap_band(skill["level"], skill["gap"]),
                    skill["reasons"][0] if skill["reasons"] else "",
                )
            )
        role = profile["role"]["name"] if profile["role"] else ""
        matrix.rows.append(MatrixRow(agent, role, cells, open_count[agent], overdue[agent]))
        matrix.computed_at = max(matrix.computed_at, profile["computed_at"])
    return matrix


@dataclass
class AgentProfile:
    """What the agent page shows of the learning model."""

    agent: str
    profile: dict[str, Any]
    assignments: list[dict[str, Any]]
    skill_choices: list[tuple[str, str]]


def agent_profile(db: Database, agent: str, language: str) -> AgentProfile:
    """One agent's profile (skills with reasons and trends, recommendations), assignments."""
    bodies = cached_bodies(db, [agent])
    words = wording(db, language)
    profile = render(bodies[agent], words) if agent in bodies else {"skills": [], "role": None}
    with db.read() as conn:
        assignments = assignments_of(conn, [agent])
        add_trends(profile["skills"], level_trends(conn, [agent], datetime.now(UTC)).get(agent, {}))
    for skill in profile["skills"]:
        skill["band"] = gap_band(skill["level"], skill["gap"])
        if skill["since"]:
            skill["since"]["day"] = short_day(skill["since"]["date"], language)
    return AgentProfile(agent, profile, assignments, skill_choices(words))


def skill_choices(words: Wording) -> list[tuple[str, str]]:
    """(code, name) of every skill of the taxonomy, for a form's choice."""
    return [(s.code, words.skill_name(s.code)) for s in words.taxonomy.skills]


def short_day(iso_date: str, language: str) -> str:
    """``2026-11-01`` as "11 月 1 日" (zh) or "1 Nov" (en)."""
    day = date.fromisoformat(iso_date)
    return f"{day.month} 月 {day.day} 日" if language == "zh" else f"{day.day} {day:%b}"


def today_iso() -> str:
    """Today's date, for a form's default due date."""
    return date.today().isoformat()
