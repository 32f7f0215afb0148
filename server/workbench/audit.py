"""The workbench's audit trail: who changed what, when, and from which address."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from deskmate.server.auth import User, utc_now
from deskmate.server.tables import AuditRow
from sqlalchemy import Connection, insert, select


@dataclass(frozen=True)
class Actor:
    """Who is acting, and from where (the request's client address; None: the CLI)."""

    user: User
    address: str | None = None


def audit(
    conn: Connection,
    actor: Actor,
    action: str,
    item_id: str | None,
    version_no: int | None = None,
    **detail: Any,
) -> None:
    """Record one change in the audit log (in the caller's transaction)."""
    conn.execute(
        insert(AuditRow).values(
            at=utc_now(),
            actor=actor.user.name,
            action=action,
            item_id=item_id,
            version_no=version_no,
            address=(actor.address or None) and actor.address[:64],
            detail=json.dumps(detail, ensure_ascii=False),
        )
    )


def item_audit(conn: Connection, item_id: str, limit: int = 200) -> list[dict[str, Any]]:
    """The newest audit entries of one item."""
    rows = conn.execute(
        select(AuditRow)
        .where(AuditRow.item_id == item_id)
        .order_by(AuditRow.id.desc())
        .limit(limit)
    ).all()
    return [
        {
            "at": r.at,
            "actor": r.actor,
            "action": r.action,
            "version": r.version_no,
            "address": r.address,
            "detail": json.loads(r.detail),
        }
        for r in rows
    ]
