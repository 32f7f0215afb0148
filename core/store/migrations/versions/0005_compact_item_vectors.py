"""Compact item vectors: the model as a number, an 8-byte digest, no rowid (~570 -> ~470 B/item).

Existing vectors are kept (converted, not encoded again): the model id string moves to
``vector_models`` and each row refers to it by number; the 40-character hex SHA-1 becomes
its first 8 bytes as a BLOB; the table is keyed by item id without a rowid, which drops the
separate primary-key index.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"

_BATCH = 2000


def upgrade() -> None:
    op.create_table(
        "vector_models",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(96), nullable=False, unique=True),
    )
    op.create_table(
        "item_vectors_new",
        sa.Column("item_id", sa.String(128), primary_key=True),
        sa.Column("model", sa.Integer, nullable=False),
        sa.Column("text_digest", sa.LargeBinary, nullable=False),
        sa.Column("scale", sa.Float, nullable=False),
        sa.Column("vector", sa.LargeBinary, nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sqlite_with_rowid=False,
    )
    conn = op.get_bind()
    conn.exec_driver_sql(
        "INSERT INTO vector_models (name) SELECT DISTINCT model_id FROM item_vectors"
    )
    # SQLite 3.40 has no unhex(): the digest is converted here, a batch at a time.
    rows = conn.exec_driver_sql(
        "SELECT v.item_id, m.id, v.text_digest, v.scale, v.vector, v.seq "
        "FROM item_vectors v JOIN vector_models m ON m.name = v.model_id"
    ).fetchall()
    insert = (
        "INSERT INTO item_vectors_new (item_id, model, text_digest, scale, vector, seq) "
        "VALUES (?, ?, ?, ?, ?, ?)"
    )
    for start in range(0, len(rows), _BATCH):
        conn.exec_driver_sql(
            insert,
            [
                (item_id, model, _short(digest), scale, vector, seq)
                for item_id, model, digest, scale, vector, seq in rows[start : start + _BATCH]
            ],
        )
    op.drop_table("item_vectors")
    op.rename_table("item_vectors_new", "item_vectors")
    op.create_index("ix_item_vectors_seq", "item_vectors", ["seq"])


def downgrade() -> None:
    # The 0004 table comes back empty: its full digests cannot be restored from 8 bytes,
    # so the items are encoded (or synced) again.
    op.drop_table("item_vectors")
    op.drop_table("vector_models")
    op.create_table(
        "item_vectors",
        sa.Column("item_id", sa.String(128), primary_key=True),
        sa.Column("model_id", sa.String(96), nullable=False),
        sa.Column("text_digest", sa.String(40), nullable=False),
        sa.Column("scale", sa.Float, nullable=False),
        sa.Column("vector", sa.LargeBinary, nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
    )
    op.create_index("ix_item_vectors_seq", "item_vectors", ["seq"])


def _short(digest: str) -> bytes:
    try:
        return bytes.fromhex(digest)[:8]
    except ValueError:
        return b""  # not a digest: the item is encoded again
