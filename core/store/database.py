"""Opening the local SQLite database: WAL, pragmas, Alembic migrations, error mapping."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from deskmate.core.errors import (
    DiskFullError,
    StoreCorruptError,
    StoreIOError,
    StoreLockedError,
    StoreOpenError,
    StoreReadOnlyError,
)
from deskmate.core.private_files import private_sqlite_file
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.exc import DatabaseError, OperationalError, SQLAlchemyError

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

#: The newest migration in migrations/versions (a test keeps the two equal). Knowing it
#: without Alembic lets an up-to-date store open without importing Alembic, which costs
#: about a second of the sidebar's cold start.
SCHEMA_REVISION = "0005"

#: The store's file in the data folder; the consultation log shares it (core/activity).
DB_FILE = "deskmate.db"


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


# SQLite's primary result codes (https://www.sqlite.org/rescode.html); the extended code
# of an exception carries the primary one in its low byte.
SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY, SQLITE_IOERR = 5, 6, 8, 10
SQLITE_CORRUPT, SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_NOTADB = 11, 13, 14, 26


def sqlite_code(exc: BaseException) -> int | None:
    """The primary SQLite result code behind ``exc`` (a SQLAlchemy or sqlite3 error)."""
    orig = getattr(exc, "orig", exc)
    code = getattr(orig, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


def translate_error(exc: SQLAlchemyError, path: Path) -> Exception:
    """Map a database exception to a coded error that says what to do.

    Classified by SQLite's result code, never by the wording of the message. A failure
    that is not the environment's (a bad statement, a constraint) is returned unchanged:
    it is a bug and propagates as one.
    """
    code = sqlite_code(exc)
    where = {"path": str(path), "sqlite_code": code}
    if code == SQLITE_FULL:
        return DiskFullError(
            f"The disk holding {path.parent} is full; free some space and try again. "
            "Nothing was changed.",
            **where,
        )
    if code == SQLITE_READONLY:
        return StoreReadOnlyError(
            f"The knowledge database {path} is read-only; check its permissions.", **where
        )
    if code in (SQLITE_BUSY, SQLITE_LOCKED):
        return StoreLockedError(
            f"The knowledge database {path} is locked by another program; "
            "close other Deskmate windows and try again.",
            **where,
        )
    if code in (SQLITE_CORRUPT, SQLITE_NOTADB):
        return StoreCorruptError(
            f"The knowledge database {path} is damaged. Move it aside and run "
            "'deskmate import' or a sync to rebuild it.",
            **where,
        )
    if code == SQLITE_CANTOPEN:
        return StoreOpenError(
            f"The knowledge database {path} cannot be opened; check that its folder "
            "exists and can be written.",
            **where,
        )
    if code == SQLITE_IOERR:
        return StoreIOError(f"Reading or writing {path} failed: {exc}", **where)
    return exc


@contextmanager
def store_errors(path: Path) -> Iterator[None]:
    """Re-raise database errors inside the block as :class:`StoreError`."""
    try:
        yield
    except SQLAlchemyError as exc:
        error = translate_error(exc, path)
        if error is exc:
            raise
        raise error from exc


def open_engine(path: Path) -> Engine:
    """Open (creating if needed) the store at ``path`` and migrate it to the newest schema.

    Raises:
        StoreError: the file cannot be opened, is not a database, or is read-only.
    """
    # Owner-only (0700 folder, 0600 file and side files): it holds every search and
    # gap note the agent typed.
    private_sqlite_file(path)
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
        error = translate_error(exc, path)
        if error is exc:
            raise
        raise error from exc
    return engine
