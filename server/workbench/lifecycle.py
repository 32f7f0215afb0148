"""An item's lifecycle: draft → in review → published → archived, each step audited.

Every save is a new version (never an overwrite): ``edit`` must name the version it was
based on (HTTP ``If-Match``), and a save based on anything but the latest version is
refused with :class:`PreconditionFailedError` carrying the latest, so two editors cannot
overwrite each other silently. Retries are harmless: re-sending a save that was stored
(same author, same base, same content) answers the stored version; publishing the live
version or archiving an archived item changes nothing.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from deskmate.core.content.model import Item
from deskmate.core.content.validation import field_problems
from deskmate.core.errors import ContentError
from deskmate.server.auth import Permission, utc_now
from deskmate.server.database import Database
from deskmate.server.errors import (
    ConflictError,
    InvalidItemError,
    NotFoundError,
    PreconditionFailedError,
)
from deskmate.server.tables import ItemStateRow, ItemVersionRow
from deskmate.server.workbench.audit import Actor, audit
from deskmate.server.workbench.authorship import require_change
from deskmate.server.workbench.lifecycle_state import (
    content_record,
    due_after,
    mark_archived,
    state_values,
    upsert_states,
)
from deskmate.server.workbench.publishing import lock_head, put_in_feed, take_out_of_feed
from deskmate.server.workbench.server_settings import Intervals
from sqlalchemy import Connection, Row, insert, select, update

#: Fields the server sets itself; an editor's values for them are ignored.
SERVER_FIELDS = ("version", "updated_at", "placeholders", "verified_by", "verified_at")


@dataclass(frozen=True)
class Saved:
    """The outcome of a lifecycle step: the item's id, the version and its status."""

    item_id: str
    version: int
    status: str
    created: bool = True  # False: a retry, or nothing to do
    source: str | None = None


def build_item(record: dict[str, Any], version: int, now: str) -> Item:
    """Validate an editor's record (server fields set here) into an item.

    Raises:
        InvalidItemError: with ``errors``, each field's problem.
    """
    if not isinstance(record, dict):
        raise InvalidItemError("send the item as a JSON object", errors={"record": "not an object"})
    clean = {k: v for k, v in record.items() if k not in SERVER_FIELDS and v not in (None, "")}
    clean.update(version=version, updated_at=now)
    problems = field_problems(clean)
    if problems:
        summary = "; ".join(problems.values())
        raise InvalidItemError(f"the item is not valid: {summary}", errors=problems)
    try:
        return Item.from_dict(clean)
    except ContentError as exc:  # the schema passed, but the model refused
        raise InvalidItemError(exc.message, errors={"record": exc.message}) from None


def _state(conn: Connection, item_id: str) -> Row[Any] | None:
    return conn.execute(select(ItemStateRow).where(ItemStateRow.item_id == item_id)).one_or_none()


def _version(conn: Connection, item_id: str, number: int) -> Row[Any] | None:
    return conn.execute(
        select(ItemVersionRow).where(
            ItemVersionRow.item_id == item_id, ItemVersionRow.version_no == number
        )
    ).one_or_none()


def _require_state(conn: Connection, item_id: str) -> Row[Any]:
    state = _state(conn, item_id)
    if state is None:
        raise NotFoundError(f"there is no item '{item_id}'")
    return state


def _same_content(stored: str, item: Item, number: int) -> bool:
    """Whether a stored version holds ``item``'s content (its stamp aside)."""
    old = json.loads(stored)
    new = json.loads(content_record(dataclasses.replace(item, version=number)))
    return {**old, "updated_at": ""} == {**new, "updated_at": ""}


def _add_version(
    conn: Connection, actor: Actor, item: Item, based_on: int | None, note: str, status: str
) -> None:
    now = utc_now()
    conn.execute(
        insert(ItemVersionRow).values(
            item_id=item.id,
            version_no=item.version,
            status=status,
            record=content_record(item),
            author=actor.user.name,
            created_at=now,
            note=note[:2000],
            based_on=based_on,
        )
    )


def create(
    db: Database, actor: Actor, record: dict[str, Any], note: str = "", source: str | None = None
) -> Saved:
    """A new item as a first draft (version 1).

    Raises:
        ForbiddenError: the user may not author.
        InvalidItemError: the record breaks the schema.
        ConflictError: the id is taken (by anything but this same draft re-sent).
    """
    actor.user.require(Permission.AUTHOR_CONTENT)
    now = utc_now()
    item = build_item(record, 1, now)
    with db.write() as conn:
        state = _state(conn, item.id)
        if state is not None:
            first = _version(conn, item.id, state.latest_no)
            retry = (
                state.latest_no == 1
                and first is not None
                and first.author == actor.user.name
                and _same_content(first.record, item, 1)
            )
            if retry:
                return Saved(item.id, 1, state.status, created=False, source=state.source)
            raise ConflictError(
                f"an item '{item.id}' exists already (version {state.latest_no}); "
                f"edit it with PUT /api/v1/items/{item.id} and If-Match: {state.latest_no}",
                current_version=state.latest_no,
            )
        _add_version(conn, actor, item, None, note, "draft")
        row = state_values(item, "draft", actor.user.name, now)
        upsert_states(conn, [{**row, "source": source, "published_no": None}], published=False)
        audit(conn, actor, "create", item.id, 1, note=note, source=source)
    return Saved(item.id, 1, "draft", source=source)


def edit(
    db: Database, actor: Actor, item_id: str, record: dict[str, Any], if_match: int, note: str = ""
) -> Saved:
    """A new draft version of ``item_id``, based on version ``if_match``.

    Raises:
        ForbiddenError: the user may not author.
        NotFoundError: no such item.
        InvalidItemError: the record breaks the schema (or names another id).
        PreconditionFailedError: ``if_match`` is not the latest version; the error's
            ``current_version`` and ``current`` carry the latest, nothing is stored.
    """
    if str(record.get("id", item_id)) != item_id:
        raise InvalidItemError(
            "the record's id differs from the item's; an id cannot change",
            errors={"id": f"must stay '{item_id}'"},
        )
    now = utc_now()
    with db.write() as conn:
        state = _require_state(conn, item_id)
        require_change(conn, actor.user, state.owner, record)
        number = state.latest_no + 1
        item = build_item({**record, "id": item_id}, number, now)
        if state.latest_no != if_match:
            latest = _version(conn, item_id, state.latest_no)
            if (
                latest is not None
                and latest.based_on == if_match
                and latest.author == actor.user.name
                and _same_content(latest.record, item, state.latest_no)
            ):
                return Saved(item_id, state.latest_no, state.status, created=False)
            raise PreconditionFailedError(
                f"'{item_id}' was saved as version {state.latest_no} by "
                f"{latest.author if latest else 'someone'} since version {if_match} you "
                f"edited; your changes were not saved. Compare them with version "
                f"{state.latest_no} and save again with If-Match: {state.latest_no}",
                current_version=state.latest_no,
                current_author=latest.author if latest else None,
                current=json.loads(latest.record) if latest else None,
            )
        _add_version(conn, actor, item, if_match, note, "draft")
        values = state_values(item, "draft", actor.user.name, now)
        values.pop("item_id")
        conn.execute(update(ItemStateRow).where(ItemStateRow.item_id == item_id).values(values))
        audit(conn, actor, "edit", item_id, number, note=note, based_on=if_match)
    return Saved(item_id, number, "draft", source=state.source)


def submit(db: Database, actor: Actor, item_id: str) -> Saved:
    """Put the latest draft up for review.

    Raises:
        NotFoundError: no such item.
        ConflictError: the latest version is not a draft.
    """
    with db.write() as conn:
        state = _require_state(conn, item_id)
        require_change(conn, actor.user, state.owner)
        if state.status == "in_review":
            return Saved(item_id, state.latest_no, "in_review", created=False)
        if state.status != "draft":
            raise ConflictError(f"version {state.latest_no} of '{item_id}' is not a draft")
        _set_status(conn, item_id, state.latest_no, "in_review")
        audit(conn, actor, "submit", item_id, state.latest_no)
    return Saved(item_id, state.latest_no, "in_review", source=state.source)


def _set_status(conn: Connection, item_id: str, number: int, status: str) -> None:
    conn.execute(
        update(ItemVersionRow)
        .where(ItemVersionRow.item_id == item_id, ItemVersionRow.version_no == number)
        .values(status=status)
    )
    conn.execute(update(ItemStateRow).where(ItemStateRow.item_id == item_id).values(status=status))


def publish(
    db: Database, actor: Actor, item_id: str, version: int | None = None, note: str = ""
) -> Saved:
    """Publish the latest version: it enters the change feed, verified by the publisher.

    Raises:
        NotFoundError: no such item.
        ConflictError: ``version`` is not the latest (restore an old one as a draft first).
    """
    with db.write() as conn:
        lock_head(conn)  # first, like every feed writer: no lock-order deadlocks
        state = _require_state(conn, item_id)
        require_change(conn, actor.user, state.owner)
        number = state.latest_no if version is None else version
        if state.published_no == number and state.status == "published":
            return Saved(item_id, number, "published", created=False, source=state.source)
        if number != state.latest_no:
            raise ConflictError(
                f"version {number} of '{item_id}' is not the latest ({state.latest_no}); "
                "restore it as a new draft to publish it again",
                current_version=state.latest_no,
            )
        row = _version(conn, item_id, number)
        if row is None:
            raise NotFoundError(f"'{item_id}' has no version {number}")
        now = utc_now()
        stamp = datetime.fromisoformat(now)
        item = Item.from_trusted_dict(json.loads(row.record))
        item = dataclasses.replace(
            item, updated_at=stamp, verified_by=actor.user.name, verified_at=stamp
        )
        put_in_feed(conn, item)
        days = state.verify_days
        _set_status(conn, item_id, number, "published")
        conn.execute(
            update(ItemStateRow)
            .where(ItemStateRow.item_id == item_id)
            .values(
                published_no=number,
                verified_by=actor.user.name,
                verified_at=now,
                due_at=due_after(now, Intervals.read(conn).days(state.kind, item.tags, days)),
                updated_at=now,
                updated_by=actor.user.name,
            )
        )
        audit(conn, actor, "publish", item_id, number, note=note)
    return Saved(item_id, number, "published", source=state.source)


def archive(db: Database, actor: Actor, item_id: str, note: str = "") -> Saved:
    """Take the item out of the feed (agents' copies lose it at their next sync).

    Raises:
        NotFoundError: no such item.
    """
    actor.user.require(Permission.AUTHOR_CONTENT)
    with db.write() as conn:
        lock_head(conn)
        state = _require_state(conn, item_id)
        if state.status == "archived":
            return Saved(item_id, state.latest_no, "archived", created=False)
        take_out_of_feed(conn, [item_id])
        mark_archived(conn, [item_id], actor.user.name)
        audit(conn, actor, "archive", item_id, state.latest_no, note=note)
    return Saved(item_id, state.latest_no, "archived")


def restore(db: Database, actor: Actor, item_id: str, old: int, if_match: int) -> Saved:
    """Version ``old``'s content as a new draft (the history keeps everything).

    Raises:
        NotFoundError: no such item or version.
        PreconditionFailedError: ``if_match`` is not the latest version.
    """
    with db.read() as conn:
        row = _version(conn, item_id, old)
    if row is None:
        raise NotFoundError(f"'{item_id}' has no version {old}")
    record = json.loads(row.record)
    return edit(db, actor, item_id, record, if_match, note=f"restored from version {old}")
