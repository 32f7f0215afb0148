"""Opening the local SQLite database: WAL, pragmas, Alembic migrations, error mapping."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from deskmate.core.errors import DiskFullError, StoreError
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DatabaseError, OperationalError, SQLAlchemyError

log = logging.getLogger(__name__)


def _alembic_config() -> Config:
    config = Config()
    location = resources.files("deskmate.core.store").joinpath("migrations")
    config.set_main_option("script_location", str(location))
    return config


def head_revision() -> str:
    """The newest migration the code knows."""
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None  # noqa: S101 - the package always ships migrations
    return head


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
            current = MigrationContext.configure(conn).get_current_revision()
            head = head_revision()
            if current != head:
                log.info("migrating store %s from %s to %s", path, current, head)
                config = _alembic_config()
                config.attributes["connection"] = conn
                command.upgrade(config, "head")
    except (OperationalError, DatabaseError) as exc:
        engine.dispose()
        raise translate_error(exc, path) from exc
    return engine
