"""Learning profiles: computed from :mod:`profile_inputs`, cached, worded per language.

A profile is recomputed only when its inputs changed: each agent's cache row carries a
stamp (a digest of the day, the content head, the taxonomy, the role, and the latest
upload, self-assessment, rating, score and completed assignment of that agent); each
computation also writes the week's levels into the history (:mod:`history`).
``refresh_profiles`` brings
every stale profile up to date in one pass (a few aggregate queries for all of them);
``profile_for`` does the same for one agent on request.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import defaultdict
from collections.abc import Collection
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from deskmate.core.batching import batches
from deskmate.core.content.taxonomy import Taxonomy, display_name
from deskmate.server.database import Database
from deskmate.server.learning.history import record_levels
from deskmate.server.learning.profile_inputs import ItemCatalogue, gather_inputs, item_catalogue
from deskmate.server.learning.profile_model import (
    RECOMMENDATIONS_PER_SKILL,
    WINDOW_DAYS,
    Reason,
    compute_levels,
    recommend,
)
from deskmate.server.learning.reasons import reason_text
from deskmate.server.learning.taxonomy_store import read_taxonomy
from deskmate.server.tables import (
    AssignmentRow,
    EventRow,
    ManagerRatingRow,
    ProfileCacheRow,
    ScoreRow,
    SelfAssessmentRow,
    ServerMetaRow,
    UserRow,
)
from sqlalchemy import Connection, delete, func, insert, select


@dataclass(frozen=True)
class RefreshReport:
    """What :func:`refresh_profiles` did."""

    computed: int
    reused: int
    seconds: float


def _taxonomy_digest(taxonomy: Taxonomy) -> str:
    text = json.dumps([asdict(s) for s in taxonomy.skills] + [asdict(r) for r in taxonomy.roles])
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()


def _stamps(
    conn: Connection, now: datetime, taxonomy: Taxonomy, agents: Collection[str] | None
) -> dict[str, str]:
    """The input stamp of each named user's profile (None: every user)."""
    head = conn.execute(select(ServerMetaRow.head_seq).where(ServerMetaRow.id == 1)).scalar_one()
    common = f"{now.date()}|{head}|{_taxonomy_digest(taxonomy)}"
    parts: dict[str, list[str]] = defaultdict(list)
    users = select(UserRow.name, UserRow.learning_role)
    sources = [
        (EventRow.agent, EventRow.received_at),
        (SelfAssessmentRow.agent, SelfAssessmentRow.updated_at),
        (ManagerRatingRow.agent, ManagerRatingRow.rated_at),
        (ScoreRow.agent, ScoreRow.imported_at),
        (AssignmentRow.agent, AssignmentRow.done_at),  # a completed assignment is a source
    ]
    names = None if agents is None else sorted(agents)
    if names is not None:
        users = users.where(UserRow.name.in_(names))
    for row in conn.execute(users):
        parts[row.name].append(str(row.learning_role))
    for agent_column, stamp_column in sources:
        query = select(agent_column, func.max(stamp_column), func.count()).group_by(agent_column)
        if names is not None:
            query = query.where(agent_column.in_(names))
        for agent, latest, count in conn.execute(query):
            if agent in parts:
                parts[agent].append(f"{stamp_column.key}={latest}/{count}")
    return {
        agent: hashlib.sha1("|".join([common, *values]).encode(), usedforsecurity=False).hexdigest()
        for agent, values in parts.items()
    }


def _compute(
    conn: Connection,
    now: datetime,
    taxonomy: Taxonomy,
    catalogue: ItemCatalogue,
    agents: Collection[str] | None,
) -> dict[str, dict[str, Any]]:
    """The language-neutral profile bodies of the named agents (None: of every user)."""
    roles = {r.code: r for r in taxonomy.roles}
    known = {s.code for s in taxonomy.skills}
    bodies = {}
    for agent, inputs in gather_inputs(conn, now, agents).items():
        role = roles.get(inputs.role or "")
        levels = compute_levels(inputs, role, known, catalogue.by_skill, catalogue.items)
        bodies[agent] = {
            "computed_at": now.isoformat(timespec="seconds"),
            "role": role.code if role else None,
            "skills": [
                {**asdict(level), "reasons": [[r.code, dict(r.params)] for r in level.reasons]}
                for level in levels
            ],
            "recommendations": [
                [skill, info.id] for skill, info in recommend(levels, inputs, catalogue.by_skill)
            ],
            "team": inputs.team,  # render() shows only what this team receives
        }
    return bodies


def refresh_profiles(
    db: Database, agents: Collection[str] | None = None, now: datetime | None = None
) -> RefreshReport:
    """Recompute the stale profiles among ``agents`` (None: every user) and cache them."""
    started = time.perf_counter()
    now = now or datetime.now(UTC)
    with db.read() as conn:
        taxonomy = read_taxonomy(conn)
        catalogue = item_catalogue(conn, db.display_url)
        stamps = _stamps(conn, now, taxonomy, agents)
        cache = select(ProfileCacheRow.agent, ProfileCacheRow.stamp)
        if agents is not None:
            cache = cache.where(ProfileCacheRow.agent.in_(list(stamps)))
        cached = {row.agent: row.stamp for row in conn.execute(cache)}
        stale = [a for a, s in stamps.items() if cached.get(a) != s]
        # Everyone stale (the first run, a new day): one pass over all rows, no IN lists.
        whom = None if agents is None and len(stale) == len(stamps) else stale
        bodies = _compute(conn, now, taxonomy, catalogue, whom) if stale else {}
    if bodies:
        _store(db, now, {a: (stamps[a], b) for a, b in bodies.items()})
    return RefreshReport(len(bodies), len(stamps) - len(bodies), time.perf_counter() - started)


def _store(db: Database, now: datetime, rows: dict[str, tuple[str, dict[str, Any]]]) -> None:
    """Cache the computed profiles and write this week's levels into the history."""
    names = list(rows)
    with db.write() as conn:
        record_levels(conn, now, {a: body for a, (_stamp, body) in rows.items()})
        for chunk in batches(names):
            conn.execute(delete(ProfileCacheRow).where(ProfileCacheRow.agent.in_(chunk)))
            conn.execute(
                insert(ProfileCacheRow),
                [
                    {
                        "agent": a,
                        "stamp": rows[a][0],
                        "body": json.dumps(rows[a][1], ensure_ascii=False),
                    }
                    for a in chunk
                ],
            )


def cached_bodies(db: Database, agents: Collection[str]) -> dict[str, dict[str, Any]]:
    """The cached (language-neutral) profiles of ``agents``, refreshed first if stale."""
    refresh_profiles(db, agents)
    with db.read() as conn:
        rows = conn.execute(
            select(ProfileCacheRow.agent, ProfileCacheRow.body).where(
                ProfileCacheRow.agent.in_(list(agents))
            )
        )
        return {row.agent: json.loads(row.body) for row in rows}


@dataclass(frozen=True)
class Wording:
    """What turns a cached profile into words: the taxonomy, the items, the language."""

    taxonomy: Taxonomy
    catalogue: ItemCatalogue
    language: str

    def skill_name(self, code: str) -> str:
        """The skill's name in the language (its code if the taxonomy lacks it)."""
        skill = self.taxonomy.skill(code)
        return display_name(skill.names, self.language, code) if skill else code

    def role(self, code: str | None) -> dict[str, str] | None:
        """``{"code", "name"}`` of a role, or None."""
        role = self.taxonomy.role(code) if code else None
        if role is None:
            return None
        return {"code": role.code, "name": display_name(role.names, self.language, role.code)}


def wording(db: Database, language: str) -> Wording:
    """The taxonomy and item catalogue, for :func:`render`."""
    with db.read() as conn:
        return Wording(read_taxonomy(conn), item_catalogue(conn, db.display_url), language)


def render(body: dict[str, Any], words: Wording) -> dict[str, Any]:
    """A cached profile as the API shows it (``skills``, ``recommendations``, ``role``)."""
    skills = []
    for skill in body["skills"]:
        reasons = [
            reason_text(Reason(code, params), words.language) for code, params in skill["reasons"]
        ]
        skills.append({**skill, "name": words.skill_name(skill["code"]), "reasons": reasons})
    recommendations: list[dict[str, str]] = []
    per_skill: dict[str, int] = defaultdict(int)
    candidates = [
        (skill, info)
        for skill, item_id in body["recommendations"]
        for info in [words.catalogue.items.get(item_id)]
        # Checked again here: the item may have been limited since the body was cached.
        if info is not None and info.visible_to(body.get("team"))
    ]
    # The agent's language first (stable: the model's order within each language).
    candidates.sort(key=lambda pair: pair[1].language != words.language)
    for skill, info in candidates:
        if per_skill[skill] < RECOMMENDATIONS_PER_SKILL:
            per_skill[skill] += 1
            recommendations.append(
                {"skill": skill, "item_id": info.id, "title": info.title, "kind": info.kind}
            )
    order = {level["code"]: n for n, level in enumerate(body["skills"])}
    recommendations.sort(key=lambda r: order.get(r["skill"], len(order)))
    return {
        "role": words.role(body["role"]),
        "computed_at": body["computed_at"],
        "window_days": WINDOW_DAYS,
        "skills": skills,
        "recommendations": recommendations,
    }
