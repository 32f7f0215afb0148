"""Server settings kept in the database: who may publish, and how often items are checked.

``deskmate-server setting set NAME VALUE`` writes them; every server process sharing
the database reads them at the next request (a setting is one indexed row). Known names:

* ``owners-publish`` — ``on`` or ``off`` (the default): when on, an item's owner who is
  not an editor may edit, submit, publish and verify their own items (the item's
  ``owner`` is their user name), and nobody else's.
* ``verify-days.kind.<faq|script|expert>`` — days between verifications for a kind.
* ``verify-days.tag.<tag>`` — days for items carrying that tag; an item with several
  such tags takes the shortest. A tag's interval beats its kind's, the item's own beats
  both.
"""

from __future__ import annotations

from collections.abc import Sequence

from deskmate.server.auth import utc_now
from deskmate.server.database import Database
from deskmate.server.errors import BadRequestError
from deskmate.server.tables import ServerSettingRow
from sqlalchemy import Connection, delete, insert, select, update

OWNERS_PUBLISH = "owners-publish"
KIND_PREFIX = "verify-days.kind."
TAG_PREFIX = "verify-days.tag."
#: Days between verifications when nothing else says (per kind).
DEFAULT_VERIFY_DAYS = {"faq": 90, "script": 90, "expert": 180}
MAX_VERIFY_DAYS = 3650


def interval_days(text: str) -> int | None:
    """``text`` as a verification interval (1 to :data:`MAX_VERIFY_DAYS` days), or None.

    The one rule for intervals, shared by the settings, the console's form and the API.
    """
    text = text.strip()
    if text.isascii() and text.isdigit() and 0 < int(text) <= MAX_VERIFY_DAYS:
        return int(text)
    return None


def _check(name: str, value: str) -> str:
    """The value to store for ``name`` (normalised), or a plain refusal.

    Raises:
        BadRequestError: an unknown name or a value it does not take.
    """
    if name == OWNERS_PUBLISH:
        if value.lower() not in ("on", "off"):
            raise BadRequestError(f"{OWNERS_PUBLISH} is 'on' or 'off', not '{value}'")
        return value.lower()
    kind = name.removeprefix(KIND_PREFIX) if name.startswith(KIND_PREFIX) else None
    tag = name.removeprefix(TAG_PREFIX) if name.startswith(TAG_PREFIX) else None
    if (kind is not None and kind in DEFAULT_VERIFY_DAYS) or (tag and len(name) <= 200):
        days = interval_days(value)
        if days is None:
            raise BadRequestError(f"{name} is a number of days, 1 to {MAX_VERIFY_DAYS}")
        return str(days)
    raise BadRequestError(
        f"'{name}' is not a setting; known: {OWNERS_PUBLISH}, "
        f"{KIND_PREFIX}<faq|script|expert>, {TAG_PREFIX}<tag>"
    )


def set_setting(db: Database, name: str, value: str | None) -> str | None:
    """Store a setting (None: back to its default); answers the stored value.

    Raises:
        BadRequestError: an unknown name or a value it does not take.
    """
    with db.write() as conn:
        if value is None:
            _check(name, "off" if name == OWNERS_PUBLISH else "1")
            conn.execute(delete(ServerSettingRow).where(ServerSettingRow.name == name))
            return None
        stored = _check(name, value)
        row = {"value": stored, "updated_at": utc_now()}
        found = conn.execute(
            update(ServerSettingRow).where(ServerSettingRow.name == name).values(row)
        )
        if not found.rowcount:
            conn.execute(insert(ServerSettingRow).values(name=name, **row))
        return stored


def all_settings(db: Database) -> dict[str, str]:
    """Every stored setting by name (absent: its default)."""
    with db.read() as conn:
        rows = conn.execute(select(ServerSettingRow.name, ServerSettingRow.value)).all()
    return {r.name: r.value for r in rows}


def owners_publish(conn: Connection) -> bool:
    """Whether owners who are not editors may edit and publish their own items."""
    value = conn.execute(
        select(ServerSettingRow.value).where(ServerSettingRow.name == OWNERS_PUBLISH)
    ).scalar()
    return value == "on"


class Intervals:
    """The verification intervals set per kind and per tag (read once, used for many items)."""

    def __init__(self, days: dict[str, int] | None = None) -> None:
        self._days = days or {}

    @classmethod
    def read(cls, conn: Connection) -> Intervals:
        """The intervals stored in the settings."""
        rows = conn.execute(
            select(ServerSettingRow.name, ServerSettingRow.value).where(
                ServerSettingRow.name.startswith("verify-days.")
            )
        ).all()
        return cls({r.name: int(r.value) for r in rows})

    def days(self, kind: str, tags: Sequence[str], own: int | None = None) -> int:
        """Days between verifications of an item.

        The item's ``own``, else the shortest of its tags' intervals, else its kind's,
        else :data:`DEFAULT_VERIFY_DAYS`.
        """
        if own:
            return own
        by_tag = [self._days[TAG_PREFIX + t] for t in tags if TAG_PREFIX + t in self._days]
        if by_tag:
            return min(by_tag)
        return self._days.get(KIND_PREFIX + kind, DEFAULT_VERIFY_DAYS.get(kind, 90))
