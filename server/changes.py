"""The change feed: cursors, pages of changes and their ETags.

Every change (one item written, or one item deleted) takes its own number from the
server-wide sequence ``server_meta.head_seq``; an item keeps only the number of its
latest change. A cursor names the last number a client has seen plus the database's
epoch, so a cursor from another database (re-created, restored) is refused with 410
instead of silently skipping changes.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import hashlib
import json
from dataclasses import dataclass

from deskmate.server.auth import Permission, User, unknown_token_error, user_from_row, user_query
from deskmate.server.database import Database
from deskmate.server.errors import ResyncRequiredError
from deskmate.server.item_vectors import wire_vectors
from deskmate.server.tables import DeletionRow, ItemRow, ServerMetaRow
from deskmate.server.workbench.visibility import Viewer
from sqlalchemy import Connection, Text, cast, null, select, union_all

EVERYTHING = Viewer(sees_all=True, team=None)

DEFAULT_LIMIT = 500
MAX_LIMIT = 1000
_RESYNC = "Start again from an empty cursor (a full resync)."


@dataclass(frozen=True)
class Head:
    """The database's epoch and the number of its newest change."""

    epoch: str
    seq: int


@dataclass(frozen=True)
class ChangesPage:
    """One page of the change feed.

    Attributes:
        items: The records of the items, as stored JSON text (spliced into the
            response as they are, not parsed and serialised again).
    """

    items: list[str]
    deleted: list[str]
    next_cursor: str
    has_more: bool
    vectors: dict[str, dict[str, object]] = dataclasses.field(default_factory=dict)

    def to_json(self) -> bytes:
        """The body: ``{"items", "deleted", "next_cursor", "has_more", "vectors"}``."""
        tail = json.dumps(
            {
                "deleted": self.deleted,
                "next_cursor": self.next_cursor,
                "has_more": self.has_more,
                "vectors": self.vectors,
            },
            ensure_ascii=False,
        )
        return ('{"items":[' + ",".join(self.items) + "]," + tail[1:]).encode("utf-8")


def encode_cursor(epoch: str, seq: int) -> str:
    """The opaque cursor text for change ``seq`` of database ``epoch``."""
    raw = json.dumps({"e": epoch, "s": seq}, separators=(",", ":")).encode("ascii")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def decode_cursor(cursor: str | None, head: Head) -> int:
    """The change number a cursor stands for (0 for an absent or empty cursor).

    Raises:
        ResyncRequiredError: the cursor is garbled, from another epoch, or ahead of
            the database (which means it was restored from an older backup).
    """
    if not cursor:
        return 0
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        epoch, seq = data["e"], data["s"]
    except (ValueError, TypeError, KeyError, UnicodeError, binascii.Error):
        raise ResyncRequiredError(f"The cursor is not one this server issued. {_RESYNC}") from None
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0 or not isinstance(epoch, str):
        raise ResyncRequiredError(f"The cursor is not one this server issued. {_RESYNC}")
    if epoch != head.epoch:
        raise ResyncRequiredError(
            f"The cursor belongs to an earlier copy of the server's database. {_RESYNC}"
        )
    if seq > head.seq:
        raise ResyncRequiredError(
            f"The cursor is ahead of the server's database (restored from a backup?). {_RESYNC}"
        )
    return seq


def read_head(conn: Connection) -> Head:
    """The epoch and head change number (one primary-key lookup)."""
    row = conn.execute(
        select(ServerMetaRow.epoch, ServerMetaRow.head_seq).where(ServerMetaRow.id == 1)
    ).one()
    return Head(row.epoch, int(row.head_seq))


def authenticate_with_head(conn: Connection, authorization: str | None) -> tuple[User, Head]:
    """The token's user and the head, in one statement: all the idle poll asks the database.

    Raises:
        UnauthorizedError: the header is missing or malformed, or the token is
            unknown or revoked.
    """
    query = (
        user_query(authorization)
        .add_columns(ServerMetaRow.epoch, ServerMetaRow.head_seq)
        .join(ServerMetaRow, ServerMetaRow.id == 1)
    )
    row = conn.execute(query).one_or_none()
    if row is None:
        raise unknown_token_error()
    return user_from_row(row), Head(row.epoch, int(row.head_seq))


def feed_viewer(user: User) -> Viewer:
    """Whose copy ``user``'s feed is: editors receive every item, others their team's."""
    return Viewer(sees_all=user.can(Permission.AUTHOR_CONTENT), team=user.team)


def etag_for(head: Head, cursor: str | None, limit: int, viewer: Viewer = EVERYTHING) -> str:
    """The ETag of the page for (cursor, limit) while the head is ``head``.

    A page's content depends only on its cursor, its limit, the head and whose copy it
    is (team-limited items): while no change is made, the same request gets the same page.
    """
    scope = "" if viewer.sees_all else ":" + viewer.etag_key
    key = f"{head.epoch}:{head.seq}:{cursor or ''}:{limit}{scope}".encode()
    return '"' + hashlib.sha256(key).hexdigest()[:32] + '"'


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """Whether an ``If-None-Match`` header names ``etag`` (weak comparison)."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    tags = (t.strip().removeprefix("W/") for t in if_none_match.split(","))
    return etag in tags


def read_page(
    db: Database, cursor: str | None, limit: int, viewer: Viewer = EVERYTHING
) -> tuple[Head, ChangesPage]:
    """The changes after ``cursor`` for ``viewer``, at most ``limit`` of them, in order.

    A team-limited item reaches only its teams: to a team that could receive it before
    but no longer can, its change is a deletion; to a team that never could, nothing.

    The head is read before the page, in the same transaction: if an import commits
    in between (PostgreSQL reads each statement afresh), the page may be newer than
    its ETag, which only costs the client one more full response, never a missed change.

    Raises:
        ResyncRequiredError: the cursor cannot be continued.
    """
    with db.read() as conn:
        head = read_head(conn)
        after = decode_cursor(cursor, head)
        nothing = cast(null(), Text).label("record")
        items = select(ItemRow.seq, ItemRow.id, ItemRow.record).where(
            ItemRow.seq > after, viewer.member(ItemRow.teams)
        )
        gone = select(DeletionRow.seq, DeletionRow.id, nothing).where(
            DeletionRow.seq > after, viewer.member(DeletionRow.seen_by)
        )
        parts = [items, gone]
        if not viewer.sees_all:  # limited to other teams since: a deletion for this viewer
            withdrawn = select(ItemRow.seq, ItemRow.id, nothing).where(
                ItemRow.seq > after, viewer.told_of_removal(ItemRow.teams, ItemRow.seen_by)
            )
            parts.append(withdrawn)
        both = union_all(*parts).subquery()
        rows = conn.execute(select(both).order_by(both.c.seq).limit(limit + 1)).all()
        has_more = len(rows) > limit
        rows = rows[:limit]
        vectors = wire_vectors(conn, [r.id for r in rows if r.record is not None])
    page = ChangesPage(
        items=[r.record for r in rows if r.record is not None],
        deleted=[r.id for r in rows if r.record is None],
        next_cursor=encode_cursor(head.epoch, int(rows[-1].seq) if rows else after),
        has_more=has_more,
        vectors=vectors,
    )
    return head, page
