"""Users, roles and API tokens.

A token is 32 random bytes (URL-safe text) shown once when issued; the database keeps
only its SHA-256, so whoever reads the database cannot call the API. Every request
looks the hash up (one indexed query), so a revoked token stops working at once on
every server sharing the database.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from deskmate.server.database import Database
from deskmate.server.errors import (
    BadRequestError,
    ForbiddenError,
    NotFoundError,
    UnauthorizedError,
)
from deskmate.server.tables import TokenRow, UserRow
from sqlalchemy import Connection, Row, Select, insert, select, update

MAX_NAME_CHARS = 128  # the agent_id of the events, hence the width of that column


class Role(StrEnum):
    """What a user is."""

    AGENT = "agent"
    MANAGER = "manager"
    EDITOR = "editor"


class Permission(StrEnum):
    """What a request may do."""

    READ_CONTENT = "read_content"
    POST_OWN_EVENTS = "post_own_events"
    IMPORT_CONTENT = "import_content"
    READ_TEAM_EVENTS = "read_team_events"
    MANAGE_TEAM = "manage_team"  # see profiles of, rate and assign learning to one's team
    WORK_GAP_QUEUE = "work_gap_queue"  # read and decide the knowledge-gap queue
    AUTHOR_CONTENT = "author_content"  # write, publish, archive and verify items


_BASE = frozenset({Permission.READ_CONTENT, Permission.POST_OWN_EVENTS})
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.AGENT: _BASE,
    Role.EDITOR: _BASE
    | {Permission.IMPORT_CONTENT, Permission.WORK_GAP_QUEUE, Permission.AUTHOR_CONTENT},
    Role.MANAGER: _BASE | {Permission.READ_TEAM_EVENTS, Permission.MANAGE_TEAM},
}


@dataclass(frozen=True)
class User:
    """An authenticated user."""

    id: int
    name: str
    role: Role
    team: str | None

    def can(self, permission: Permission) -> bool:
        """Whether the user's role grants ``permission``."""
        return permission in ROLE_PERMISSIONS[self.role]

    def require(self, permission: Permission) -> None:
        """Raise unless the user's role grants ``permission``.

        Raises:
            ForbiddenError: it does not.
        """
        if not self.can(permission):
            raise ForbiddenError(
                f"{self.name} is a {self.role.value}; that role may not "
                f"{permission.value.replace('_', ' ')}."
            )


def utc_now() -> str:
    """Now, as ISO 8601 UTC text (how the server stamps rows)."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def hash_token(token: str) -> str:
    """The SHA-256 (hex) under which a token is stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


_USER_COLUMNS = (UserRow.id, UserRow.name, UserRow.role, UserRow.team)


def _find(conn: Connection, name: str) -> User | None:
    row = conn.execute(select(*_USER_COLUMNS).where(UserRow.name == name)).one_or_none()
    return None if row is None else User(row.id, row.name, Role(row.role), row.team)


def _user(user: User | None, name: str) -> User:
    if user is None:
        raise NotFoundError(f"there is no user named '{name}'; add one with 'user add'")
    return user


def add_user(
    db: Database,
    name: str,
    role: Role | str,
    team: str | None = None,
    learning_role: str | None = None,
) -> User:
    """Create a user; ``learning_role`` is the taxonomy role their profile aims at.

    Raises:
        BadRequestError: the name is empty, too long or taken, or the role is unknown.
    """
    if not 0 < len(name) <= MAX_NAME_CHARS or name.strip() != name:
        raise BadRequestError(
            f"a user name has 1 to {MAX_NAME_CHARS} characters and no surrounding spaces"
        )
    try:
        role = Role(role)
    except ValueError:
        choices = ", ".join(r.value for r in Role)
        raise BadRequestError(f"'{role}' is not a role; choose one of: {choices}") from None
    with db.write() as conn:
        if _find(conn, name) is not None:
            raise BadRequestError(f"a user named '{name}' already exists")
        values = {
            "name": name,
            "role": role.value,
            "team": team,
            "created_at": utc_now(),
            "learning_role": learning_role,
        }
        user_id = conn.execute(insert(UserRow).values(values).returning(UserRow.id)).scalar_one()
    return User(user_id, name, role, team)


def set_learning_role(db: Database, name: str, learning_role: str | None) -> None:
    """Give user ``name`` the taxonomy role their profile measures against (None: none).

    Raises:
        NotFoundError: there is no such user.
    """
    with db.write() as conn:
        user = _user(_find(conn, name), name)
        conn.execute(
            update(UserRow).where(UserRow.id == user.id).values(learning_role=learning_role)
        )


def get_user(db: Database, name: str) -> User:
    """The user called ``name``.

    Raises:
        NotFoundError: there is none.
    """
    with db.read() as conn:
        return _user(_find(conn, name), name)


def issue_token(db: Database, name: str) -> str:
    """Create a new token for user ``name`` and return it (it is never stored).

    Raises:
        NotFoundError: there is no such user.
    """
    token = secrets.token_urlsafe(32)
    with db.write() as conn:
        user = _user(_find(conn, name), name)
        conn.execute(
            insert(TokenRow).values(
                user_id=user.id, token_hash=hash_token(token), created_at=utc_now()
            )
        )
    return token


def revoke_tokens(db: Database, name: str) -> int:
    """Revoke every live token of user ``name``; return how many were revoked.

    Raises:
        NotFoundError: there is no such user.
    """
    with db.write() as conn:
        user = _user(_find(conn, name), name)
        result = conn.execute(
            update(TokenRow)
            .where(TokenRow.user_id == user.id, TokenRow.revoked_at.is_(None))
            .values(revoked_at=utc_now())
        )
        return result.rowcount


def authenticate(db: Database, authorization: str | None) -> User:
    """The user behind an ``Authorization: Bearer <token>`` header.

    Raises:
        UnauthorizedError: the header is missing or malformed, or the token is
            unknown or revoked.
    """
    with db.read() as conn:
        return authenticate_on(conn, authorization)


def authenticate_on(conn: Connection, authorization: str | None) -> User:
    """:func:`authenticate` inside a transaction the caller holds (saves a round trip).

    Raises:
        UnauthorizedError: the header is missing or malformed, or the token is
            unknown or revoked.
    """
    row = conn.execute(user_query(authorization)).one_or_none()
    if row is None:
        raise unknown_token_error()
    return user_from_row(row)


def user_query(authorization: str | None) -> Select[int, str, str, str | None]:
    """The query for the user behind an ``Authorization`` header (one unique-index lookup).

    Callers may add columns and joins to it, to answer more in the same statement.

    Raises:
        UnauthorizedError: the header is missing or malformed.
    """
    scheme, _, token = (authorization or "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise UnauthorizedError(
            "send your API token as 'Authorization: Bearer <token>' "
            "(ask your Deskmate administrator for one)"
        )
    return user_by_token_hash(hash_token(token))


def user_by_token_hash(token_hash: str) -> Select[int, str, str, str | None]:
    """The query for the user of a live token, by its stored SHA-256 (console sessions)."""
    return (
        select(*_USER_COLUMNS)
        .join(TokenRow, TokenRow.user_id == UserRow.id)
        .where(TokenRow.token_hash == token_hash, TokenRow.revoked_at.is_(None))
    )


def unknown_token_error() -> UnauthorizedError:
    """The error for a well-formed token that matches no live token."""
    return UnauthorizedError(
        "this API token is unknown or has been revoked; ask your Deskmate "
        "administrator for a new one"
    )


def user_from_row(row: Row[*tuple[Any, ...]]) -> User:
    """The user of a row of :func:`user_query` (or of a query extending it)."""
    return User(row.id, row.name, Role(row.role), row.team)
