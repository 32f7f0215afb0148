"""The pack's skills taxonomy in the server database: stored on import, read for profiles."""

from __future__ import annotations

import json

from deskmate.core.content.taxonomy import LearningRole, Skill, Taxonomy
from deskmate.server.tables import LearningRoleRow, SkillRow
from sqlalchemy import Connection, delete, insert, select


def _encode(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def store_taxonomy(conn: Connection, taxonomy: Taxonomy) -> None:
    """Replace the stored skills and roles with the pack's (inside the import's transaction).

    Skills and roles the pack no longer lists are removed; profile inputs that name them
    (ratings, scores) stay stored and reappear if the skill comes back.
    """
    conn.execute(delete(SkillRow))
    conn.execute(delete(LearningRoleRow))
    if taxonomy.skills:
        conn.execute(
            insert(SkillRow),
            [
                {"code": s.code, "names": _encode(s.names), "parent": s.parent}
                for s in taxonomy.skills
            ],
        )
    if taxonomy.roles:
        conn.execute(
            insert(LearningRoleRow),
            [
                {"code": r.code, "names": _encode(r.names), "targets": _encode(r.targets)}
                for r in taxonomy.roles
            ],
        )


def read_taxonomy(conn: Connection) -> Taxonomy:
    """The stored skills and roles (in code order)."""
    skills = tuple(
        Skill(row.code, json.loads(row.names), row.parent)
        for row in conn.execute(select(SkillRow).order_by(SkillRow.code))
    )
    roles = tuple(
        LearningRole(row.code, json.loads(row.names), json.loads(row.targets))
        for row in conn.execute(select(LearningRoleRow).order_by(LearningRoleRow.code))
    )
    return Taxonomy(skills, roles)
