"""What every route needs from a request: the database and the authenticated user."""

from __future__ import annotations

from deskmate.server.auth import Permission, User, authenticate, authenticate_on
from deskmate.server.database import Database
from fastapi import Request
from sqlalchemy import Connection


def request_db(request: Request) -> Database:
    """The app's database."""
    db: Database = request.app.state.db
    return db


def request_user(request: Request, permission: Permission, conn: Connection | None = None) -> User:
    """The token's user, who must have ``permission`` (noted for the access log).

    Raises:
        UnauthorizedError: no valid token.
        ForbiddenError: the role lacks the permission.
    """
    authorization = request.headers.get("authorization")
    if conn is None:
        user = authenticate(request_db(request), authorization)
    else:
        user = authenticate_on(conn, authorization)
    request.state.user = user.name  # for the access log
    user.require(permission)
    return user
