"""SQLAlchemy tables of the server's database (SQLite or PostgreSQL).

The Alembic migrations in ``migrations/versions`` create these; this module is what
the code queries. Keep the two in step (tests/server/test_schema.py compares them).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    """Declarative base of the server schema."""


class ServerMetaRow(Base):
    """The one row of server facts: the epoch id and the head of the change sequence.

    ``head_seq`` is the last change number handed out. Writers lock this row for the
    whole import transaction, so change numbers become visible in the order they were
    handed out (a database sequence would let a later import commit first, and a client
    whose cursor moved past its numbers would never see the earlier one).
    """

    __tablename__ = "server_meta"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    epoch: Mapped[str] = mapped_column(String(32))
    head_seq: Mapped[int] = mapped_column(BigInteger)


class UserRow(Base):
    """A person who may use the API: an agent, a manager or an editor."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    team: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[str] = mapped_column(String(40))


class TokenRow(Base):
    """An API token; only its SHA-256 is stored, so a database leak reveals no token."""

    __tablename__ = "tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[str] = mapped_column(String(40))
    revoked_at: Mapped[str | None] = mapped_column(String(40))


class ItemRow(Base):
    """One content item: its record (JSON in the item schema), version and change number."""

    __tablename__ = "items"

    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    record: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(BigInteger, index=True)


class DeletionRow(Base):
    """A tombstone: item ``id`` was deleted at change ``seq``."""

    __tablename__ = "deletions"

    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, index=True)


class EventRow(Base):
    """An uploaded consultation event, stored once per ``event_id``.

    ``payload`` is the event's upload format (JSON text); ``agent``, ``kind`` and
    ``occurred_at`` are copied out of it for the managers' queries.
    """

    __tablename__ = "events"

    event_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    agent: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(16))
    occurred_at: Mapped[str] = mapped_column(String(40))
    payload: Mapped[str] = mapped_column(Text)
    received_at: Mapped[str] = mapped_column(String(40))


Index("ix_events_agent_occurred", EventRow.agent, EventRow.occurred_at)


class VocabularyRow(Base):
    """The one row of the search vocabulary of the imported packs (``GET /api/v1/vocabulary``).

    ``synonyms`` is JSON, a list of synonym groups (lists of words); ``skills`` is JSON, an
    object of skill code → display name: what ``deskmate import`` hands to
    ``KnowledgeBase.set_vocabulary``. ``version`` goes up by one whenever an import changes
    either of them (0: no pack with ``synonyms.txt`` or ``skills.yaml`` imported yet).
    """

    __tablename__ = "vocabulary"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)
    synonyms: Mapped[str] = mapped_column(Text)
    skills: Mapped[str] = mapped_column(Text)
