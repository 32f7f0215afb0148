"""Notices to agents: a new assignment, a resolved gap; shown once in the sidebar."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from deskmate.server.auth import utc_now
from deskmate.server.learning.reasons import notice_text
from deskmate.server.tables import NoticeRow
from sqlalchemy import Connection, insert, select

NOTICE_DAYS = 30


def add_notice(conn: Connection, agent: str, kind: str, detail: dict[str, Any]) -> None:
    """Queue a notice for ``agent`` (inside the caller's write transaction)."""
    conn.execute(
        insert(NoticeRow).values(
            agent=agent,
            kind=kind,
            detail=json.dumps(detail, ensure_ascii=False),
            created_at=utc_now(),
        )
    )


def recent_notices(conn: Connection, agent: str, language: str) -> list[dict[str, Any]]:
    """The agent's notices of the last 30 days, newest first, worded in ``language``."""
    since = (datetime.now(UTC) - timedelta(days=NOTICE_DAYS)).isoformat()
    rows = conn.execute(
        select(NoticeRow)
        .where(NoticeRow.agent == agent, NoticeRow.created_at >= since)
        .order_by(NoticeRow.id.desc())
        .limit(100)
    )
    notices = []
    for row in rows:
        detail = json.loads(row.detail)
        notices.append(
            {
                "id": row.id,
                "kind": row.kind,
                "text": notice_text(row.kind, detail, language),
                "item_id": detail.get("item_id"),
                "created_at": row.created_at,
            }
        )
    return notices
