"""Verification and freshness: one click records who checked an item and when.

Each published item is due again ``verify_days`` after its last check (the item's own
interval, else its tags' or its kind's: see :mod:`.server_settings`). Publishing counts
as a check by the publisher. A verification rewrites the item in the feed with ``verified_by`` and
``verified_at`` (a change agents receive, so the sidebar can say "verified by 王芳 · 3 days
ago"). The owner's "due for review" list reads ``item_states`` by ``(owner, due_at)``.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime, timedelta
from typing import Any

from deskmate.core.content.model import Item
from deskmate.server.auth import User, utc_now
from deskmate.server.database import Database
from deskmate.server.errors import BadRequestError, ConflictError, NotFoundError
from deskmate.server.tables import ItemRow, ItemStateRow, UserRow
from deskmate.server.workbench.audit import Actor, audit
from deskmate.server.workbench.authorship import gone_owners, require_change
from deskmate.server.workbench.lifecycle_state import due_after
from deskmate.server.workbench.publishing import lock_head, put_in_feed
from deskmate.server.workbench.server_settings import MAX_VERIFY_DAYS, Intervals, interval_days
from sqlalchemy import and_, or_, select, update


def verify(db: Database, actor: Actor, item_id: str) -> Any:
    """Record that ``actor`` checked the published item now.

    Raises:
        NotFoundError: no such item.
        ConflictError: the item is not published.
    """
    from deskmate.server.workbench.lifecycle import Saved  # a cycle otherwise

    now = utc_now()
    with db.write() as conn:
        lock_head(conn)
        state = conn.execute(
            select(ItemStateRow).where(ItemStateRow.item_id == item_id)
        ).one_or_none()
        if state is None:
            raise NotFoundError(f"there is no item '{item_id}'")
        require_change(conn, actor.user, state.owner)
        live = conn.execute(select(ItemRow.record).where(ItemRow.id == item_id)).scalar()
        if live is None or state.published_no is None:
            raise ConflictError(f"'{item_id}' is not published; only live items are verified")
        stamp = datetime.fromisoformat(now)
        item = Item.from_trusted_dict(json.loads(live))
        days = state.verify_days
        put_in_feed(conn, dataclasses.replace(item, verified_by=actor.user.name, verified_at=stamp))
        conn.execute(
            update(ItemStateRow)
            .where(ItemStateRow.item_id == item_id)
            .values(
                verified_by=actor.user.name,
                verified_at=now,
                due_at=due_after(now, Intervals.read(conn).days(state.kind, item.tags, days)),
            )
        )
        audit(conn, actor, "verify", item_id, state.published_no)
    return Saved(item_id, state.published_no, state.status)


def set_interval(db: Database, actor: Actor, item_id: str, days: int | None) -> None:
    """The item's own verification interval (None: its kind's default).

    Raises:
        BadRequestError: not 1 to MAX_VERIFY_DAYS days.
        NotFoundError: no such item.
    """
    if days is not None and interval_days(str(days)) is None:
        raise BadRequestError(f"the interval is 1 to {MAX_VERIFY_DAYS} days")
    with db.write() as conn:
        state = conn.execute(
            select(ItemStateRow).where(ItemStateRow.item_id == item_id)
        ).one_or_none()
        if state is None:
            raise NotFoundError(f"there is no item '{item_id}'")
        require_change(conn, actor.user, state.owner)
        if state.verify_days == days:
            return  # a retry, or a form saved with the interval unchanged: nothing to audit
        values: dict[str, Any] = {"verify_days": days}
        if state.published_no is not None:
            live = conn.execute(select(ItemRow.record).where(ItemRow.id == item_id)).scalar()
            tags = json.loads(live).get("tags") or [] if live else []
            interval = Intervals.read(conn).days(state.kind, tags, days)
            values["due_at"] = due_after(state.verified_at or utc_now(), interval)
        conn.execute(update(ItemStateRow).where(ItemStateRow.item_id == item_id).values(values))
        audit(conn, actor, "interval", item_id, None, days=days)


def due_for_review(
    db: Database, user: User, scope: str = "mine", limit: int = 200
) -> list[dict[str, Any]]:
    """Published items due within a week or overdue, soonest first.

    ``scope``: ``mine`` (owned by the user's name or team), ``group`` (no owner, or an
    owner who is no longer a user or team: the editor group's) or ``all``.
    """
    now = utc_now()
    cutoff = (datetime.fromisoformat(now) + timedelta(days=7)).isoformat(timespec="microseconds")
    query = (
        select(ItemStateRow)
        .where(ItemStateRow.due_at.is_not(None), ItemStateRow.due_at <= cutoff)
        .order_by(ItemStateRow.due_at, ItemStateRow.item_id)
        .limit(limit)
    )
    with db.read() as conn:
        if scope == "mine":
            names = [n for n in (user.name, user.team) if n]
            query = query.where(ItemStateRow.owner.in_(names))
        elif scope == "group":
            people = select(UserRow.name)
            teams = select(UserRow.team).where(UserRow.team.is_not(None))
            query = query.where(
                or_(
                    ItemStateRow.owner.is_(None),
                    and_(ItemStateRow.owner.not_in(people), ItemStateRow.owner.not_in(teams)),
                )
            )
        rows = conn.execute(query).all()
        gone = gone_owners(conn, (r.owner for r in rows))
    return [
        {
            "id": r.item_id,
            "title": r.title,
            "kind": r.kind,
            "owner": r.owner,
            "owner_gone": r.owner in gone,
            "verified_by": r.verified_by,
            "verified_at": r.verified_at,
            "due_at": r.due_at,
            "overdue": bool(r.due_at and r.due_at < now),
        }
        for r in rows
    ]
