"""Who may change an item: editors always; its owner too when ``owners-publish`` is on.

An item's owner is the user name (or team) in its ``owner`` field. With the server
setting ``owners-publish`` on, a user who is not an editor but whose *name* is the
item's owner may edit, submit, publish, verify and restore that item, and set its
interval — nobody else's, and never create, archive or hand the item to someone else
(the owner field must keep their name). A team name as owner gives no one this right:
a team includes agents who never agreed to own anything.

An owner whose user was deleted leaves their items to the editor group: they are listed
under "the editor group's" due for review, and the console shows the owner as gone.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from deskmate.server.auth import Permission, Role, User
from deskmate.server.database import Database
from deskmate.server.errors import ForbiddenError, NotFoundError
from deskmate.server.tables import ItemStateRow, TokenRow, UserRow
from deskmate.server.workbench.audit import Actor, audit
from deskmate.server.workbench.server_settings import owners_publish
from sqlalchemy import Connection, delete, func, select


def may_change(conn: Connection, user: User, owner: str | None) -> bool:
    """Whether ``user`` may change an item owned by ``owner``."""
    if user.can(Permission.AUTHOR_CONTENT):
        return True
    return bool(owner) and owner == user.name and owners_publish(conn)


def require_change(
    conn: Connection, user: User, owner: str | None, record: dict[str, Any] | None = None
) -> None:
    """Raise unless ``user`` may change an item owned by ``owner`` (into ``record``).

    Raises:
        ForbiddenError: not an editor, and not the owner allowed by ``owners-publish``,
            or an owner giving the item to someone else.
    """
    if user.can(Permission.AUTHOR_CONTENT):
        return
    if not may_change(conn, user, owner):
        raise ForbiddenError(
            f"{user.name} is a {user.role.value}; only editors (and, when the server "
            "allows it, an item's owner) may change this item"
        )
    if record is not None and record.get("owner") != user.name:
        raise ForbiddenError(
            f"as the owner, {user.name} may edit the item but not give it to someone else; "
            f"keep '{user.name}' as its owner or ask an editor"
        )


def gone_owners(conn: Connection, owners: Iterable[str | None]) -> set[str]:
    """The owners among ``owners`` who are no longer a user or a team (deleted)."""
    names = {o for o in owners if o}
    if not names:
        return set()
    users = set(conn.execute(select(UserRow.name).where(UserRow.name.in_(names))).scalars())
    teams = set(conn.execute(select(UserRow.team).where(UserRow.team.in_(names))).scalars())
    return names - users - teams


def may_read_versions(db: Database, user: User, item_id: str) -> None:
    """Raise unless ``user`` may read ``item_id``'s history (editors; its owner, if allowed).

    Raises:
        ForbiddenError: neither.
    """
    if user.can(Permission.AUTHOR_CONTENT):
        return
    with db.read() as conn:
        owner = conn.execute(
            select(ItemStateRow.owner).where(ItemStateRow.item_id == item_id)
        ).scalar()
        require_change(conn, user, owner)


def remove_user(db: Database, name: str) -> int:
    """Delete user ``name`` and their tokens (``deskmate-server user delete``), audited.

    Their events and history stay (they are kept by name). Answers how many items they
    owned: those fall back to the editor group.

    Raises:
        NotFoundError: there is no such user.
    """
    with db.write() as conn:
        user_id = conn.execute(select(UserRow.id).where(UserRow.name == name)).scalar()
        if user_id is None:
            raise NotFoundError(f"there is no user named '{name}'")
        conn.execute(delete(TokenRow).where(TokenRow.user_id == user_id))
        conn.execute(delete(UserRow).where(UserRow.id == user_id))
        owned = conn.execute(
            select(func.count()).select_from(ItemStateRow).where(ItemStateRow.owner == name)
        ).scalar_one()
        admin = Actor(User(0, "admin (command line)", Role.EDITOR, None))
        audit(conn, admin, "user_delete", None, None, user=name, items_to_editor_group=owned)
    return int(owned)


def owns_items(conn: Connection, user: User) -> bool:
    """Whether ``user`` may use the console as an owner (``owners-publish``, an item)."""
    if not owners_publish(conn):
        return False
    found = conn.execute(
        select(ItemStateRow.item_id).where(ItemStateRow.owner == user.name).limit(1)
    ).scalar()
    return found is not None
