"""Opening the local SQLite database: WAL, pragmas, Alembic migrations, error mapping."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from deskmate.core.errors import DiskFullError, StoreError
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.exc import DatabaseError, OperationalError, SQLAlchemyError

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

#: The newest migration in migrations/versions (a test keeps the two equal). Knowing it
#: without Alembic lets an up-to-date store open without importing Alembic, which costs
#: about a second of the sidebar's cold start.
SCHEMA_REVISION = "0004"


def _alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    location = resources.files("deskmate.core.store").joinpath("migrations")
    config.set_main_option("script_location", str(location))
    return config


def head_revision() -> str:
    """The newest migration the code knows (asks Alembic)."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None  # noqa: S101 - the package always ships migrations
    return head


def stored_revision(conn: Connection) -> str | None:
    """The migration a database is at (None for a new or pre-Alembic file)."""
    has_table = conn.execute(
        text("SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'")
    ).first()
    if has_table is None:
        return None
    row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
    return str(row[0]) if row else None


def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    # WAL lets searches read while an import writes; NORMAL sync is durable in WAL
    # mode except for the last transaction on power loss, which a re-sync restores.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def translate_error(exc: SQLAlchemyError, path: Path) -> StoreError:
    """Map a database exception to a message that says what to do."""
    text = str(getattr(exc, "orig", exc)).lower()
    if "disk is full" in text or "disk full" in text:
        return DiskFullError(
            f"The disk holding {path.parent} is full; free some space and try again. "
            "Nothing was changed.",
            path=str(path),
        )
    if "readonly" in text or "read-only" in text:
        return StoreError(
            f"The knowledge database {path} is read-only; check its permissions.",
            path=str(path),
        )
    if "locked" in text:
        return StoreError(
            f"The knowledge database {path} is locked by another program; "
            "close other Deskmate windows and try again.",
            path=str(path),
        )
    if "not a database" in text or "malformed" in text:
        return StoreError(
            f"The knowledge database {path} is damaged. Move it aside and run "
            "'deskmate import' or a sync to rebuild it.",
            path=str(path),
        )
    return StoreError(f"The knowledge database {path} failed: {exc}", path=str(path))


@contextmanager
def store_errors(path: Path) -> Iterator[None]:
    """Re-raise database errors inside the block as :class:`StoreError`."""
    try:
        yield
    except SQLAlchemyError as exc:
        raise translate_error(exc, path) from exc


def open_engine(path: Path) -> Engine:
    """Open (creating if needed) the store at ``path`` and migrate it to the newest schema.

    Raises:
        StoreError: the file cannot be opened, is not a database, or is read-only.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(f"sqlite:///{path}", future=True)
    event.listen(engine, "connect", _on_connect)
    try:
        with engine.begin() as conn:
            current = stored_revision(conn)
            if current != SCHEMA_REVISION:
                from alembic import command

                log.info("migrating store %s from %s to %s", path, current, SCHEMA_REVISION)
                config = _alembic_config()
                config.attributes["connection"] = conn
                command.upgrade(config, "head")
    except (OperationalError, DatabaseError) as exc:
        engine.dispose()
        raise translate_error(exc, path) from exc
    return engine
