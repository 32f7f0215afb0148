"""SQLAlchemy table definitions of the local store.

Alembic migrations in ``migrations/versions`` create and evolve these tables; this
module is what the code queries. Keep the two in step (a test compares them).
"""

from __future__ import annotations

from sqlalchemy import Float, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    """Declarative base of the local store."""


class ItemRow(Base):
    """One content item; ``record`` is its JSON in the item schema.

    ``seq`` is a store-wide change counter: every write takes the next value, so
    the search index can tell how far behind it is.
    """

    __tablename__ = "items"

    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(8))
    version: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[str] = mapped_column(String(40))
    record: Mapped[str] = mapped_column(Text)
    seq: Mapped[int] = mapped_column(Integer, index=True)


class DeletionRow(Base):
    """A tombstone: the item ``id`` was deleted at change ``seq``."""

    __tablename__ = "deletions"

    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, index=True)


class MetaRow(Base):
    """Small key/value facts about the store (e.g. the last change counter)."""

    __tablename__ = "meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class UsageSignalRow(Base):
    """How much agents used an item: a ranking signal fed by the learning side."""

    __tablename__ = "usage_signals"

    item_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    consulted: Mapped[int] = mapped_column(Integer, default=0)
    helpful: Mapped[int] = mapped_column(Integer, default=0)
    unhelpful: Mapped[int] = mapped_column(Integer, default=0)
    boost: Mapped[float] = mapped_column(Float, default=0.0)


Index("ix_items_kind", ItemRow.kind)


class ConsultationEventRow(Base):
    """One thing an agent did: a search, an item opened, a copy, a vote or a gap flag.

    ``detail`` is JSON text (kind-specific facts); ``uploaded_at`` stays NULL until a
    sync has delivered the event. Times are ISO 8601 with the local UTC offset.
    """

    __tablename__ = "consultation_events"

    event_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    agent_id: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(16))
    occurred_at: Mapped[str] = mapped_column(String(40))
    query: Mapped[str] = mapped_column(Text, server_default="")
    item_id: Mapped[str | None] = mapped_column(String(128))
    result_count: Mapped[int | None] = mapped_column(Integer)
    dwell_ms: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[str] = mapped_column(Text, server_default="{}")
    uploaded_at: Mapped[str | None] = mapped_column(String(40))


Index("ix_consultation_events_uploaded_at", ConsultationEventRow.uploaded_at)
Index(
    "ix_consultation_events_agent_occurred",
    ConsultationEventRow.agent_id,
    ConsultationEventRow.occurred_at,
)


class VectorModelRow(Base):
    """A sentence-encoder model id, named once: vectors refer to it by its small number."""

    __tablename__ = "vector_models"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(96), unique=True)


class ItemVectorRow(Base):
    """An item's sentence-encoder vector, int8 with its scale (value ≈ int8 × scale).

    ``text_digest`` (the first :data:`DIGEST_BYTES` bytes of the SHA-1 of the encoded text)
    identifies the text that was encoded, so an edited item is encoded again and an
    unchanged one never is; ``seq`` (the ``vectors_seq`` meta counter at the write) lets the
    in-memory matrix load only what changed. The table has no rowid (keyed by item id, one
    index fewer) and the model is a number: a row is ~470 bytes on disk, 384 of them the
    vector (migration 0005).
    """

    __tablename__ = "item_vectors"
    __table_args__ = ({"sqlite_with_rowid": False},)

    item_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    model: Mapped[int] = mapped_column(Integer)
    text_digest: Mapped[bytes] = mapped_column(LargeBinary)
    scale: Mapped[float] = mapped_column(Float)
    vector: Mapped[bytes] = mapped_column(LargeBinary)
    seq: Mapped[int] = mapped_column(Integer, index=True)


#: Bytes of the text's SHA-1 kept with a vector: enough to notice an edited text.
DIGEST_BYTES = 8
