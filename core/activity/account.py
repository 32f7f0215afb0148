"""SignedInAccount: whose activity this machine profile records, bound to the sign-in.

The consultation record used to carry an agent id the agent typed (or the operating
system's user name), and the server refused every event whose id was not the token's
user: a sidebar signed in as ``demo-agent`` on the machine user ``root`` kept its events
for ever. Now the id comes from the server: each sync (and each sign-in) asks who the
token belongs to (``GET /api/v1/me``) and binds the record to that account
(:meth:`ConsultationLog.bind_account`):

* the **first** account bound on this machine profile takes over everything recorded
  before it and not uploaded yet (the agent used Deskmate before signing in);
* a **different** account later (a shared PC) gets its own record from then on; what the
  previous account recorded stays theirs and is uploaded only when they sign in again;
* the same account again changes nothing but its role and team.

The binding is kept in the local store's ``meta`` table (key :data:`ACCOUNT_KEY`), in
the same transaction as the events it takes over, so a crash never leaves one without
the other.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from deskmate.core.activity.events import MAX_ID_CHARS, local_now
from deskmate.core.errors import ContentError
from deskmate.core.store.tables import MetaRow
from sqlalchemy import Connection, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

log = logging.getLogger(__name__)

ACCOUNT_KEY = "identity.account"  # the meta row holding the bound account (JSON)
_MAX_FIELD_CHARS = 128


def _clean(value: Any, what: str, *, required: bool) -> str:
    """A short single-line text from the server, or "" when absent and optional."""
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise ContentError(f"The server's answer has no valid {what}.", field=what)
    text = "".join(ch for ch in value if ch.isprintable()).strip()
    if required and not text:
        raise ContentError(f"The server's answer has an empty {what}.", field=what)
    limit = MAX_ID_CHARS if what == "name" else _MAX_FIELD_CHARS
    if len(text) > limit:
        raise ContentError(f"The server's answer has a {what} over {limit} characters.", field=what)
    return text


@dataclass(frozen=True)
class SignedInAccount:
    """The account the record of this machine profile belongs to.

    Attributes:
        name: The user name on the server: the ``agent_id`` of every event from now on.
        role: ``agent``, ``manager`` or ``editor``.
        team: The agent's team ("" when none).
        server_url: The server that vouched for the name.
        signed_in_at: When this account was first bound here (ISO 8601, local offset).
    """

    name: str
    role: str
    team: str
    server_url: str
    signed_in_at: str

    @classmethod
    def from_whoami(
        cls, answer: Mapping[str, Any], server_url: str, when: str | None = None
    ) -> SignedInAccount:
        """The account ``GET /api/v1/me`` described.

        Raises:
            ContentError: the answer has no usable name (or an unusable role or team).
        """
        return cls(
            name=_clean(answer.get("name"), "name", required=True),
            role=_clean(answer.get("role"), "role", required=False),
            team=_clean(answer.get("team"), "team", required=False),
            server_url=server_url,
            signed_in_at=when or local_now().isoformat(timespec="seconds"),
        )

    def to_json(self) -> str:
        """The stored form."""
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str | None) -> SignedInAccount | None:
        """The stored form read back; None when absent or unreadable (logged)."""
        if not text:
            return None
        try:
            data = json.loads(text)
            return cls(**{k: str(data[k]) for k in cls.__dataclass_fields__})
        except (ValueError, TypeError, KeyError) as exc:
            log.warning("the stored sign-in is unreadable (%s); treated as none", exc)
            return None


@dataclass(frozen=True)
class BindOutcome:
    """What binding an account to the record changed.

    Attributes:
        account: The account now bound (``signed_in_at`` kept from the first binding
            when the same account signs in again).
        first: No account had been bound on this machine profile before.
        claimed: Events recorded before the first sign-in, now this account's.
        previous: The account bound before when a different one signed in, else None.
        waiting_for_others: Events of other accounts still waiting on this computer.
    """

    account: SignedInAccount
    first: bool = False
    claimed: int = 0
    previous: str | None = None
    waiting_for_others: int = 0

    @property
    def changed(self) -> bool:
        """Whether the record's owner is new (first sign-in or another person)."""
        return self.first or self.previous is not None

    def notice(self) -> str | None:
        """A one-line notice for the agent, in English (the sidebar translates by code)."""
        if self.claimed:
            return (
                f"Activity recorded before you signed in will be uploaded as "
                f"{self.account.name}: {self.claimed} in all."
            )
        if self.previous is not None:
            return (
                f"Signed in as {self.account.name}. Activity recorded as {self.previous} "
                f"stays on this computer until {self.previous} signs in again."
            )
        return None


def read_account(conn: Connection) -> SignedInAccount | None:
    """The account bound to the record in this store, if any."""
    value = conn.execute(select(MetaRow.value).where(MetaRow.key == ACCOUNT_KEY)).scalar()
    return SignedInAccount.from_json(value)


def write_account(conn: Connection, account: SignedInAccount) -> None:
    """Bind ``account`` to the record in this store (replacing any other)."""
    statement = sqlite_insert(MetaRow).values(key=ACCOUNT_KEY, value=account.to_json())
    conn.execute(
        statement.on_conflict_do_update(
            index_elements=[MetaRow.key], set_={"value": statement.excluded.value}
        )
    )
