"""The server's database: SQLite (WAL) or PostgreSQL, migrated with Alembic on open.

Nothing about the data lives in process memory: change numbers, users and tokens are
read from the database on every request, so several server processes can share one
PostgreSQL database.
"""

from __future__ import annotations

import logging
import math
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
from deskmate.core.private_files import private_sqlite_file
from deskmate.server.errors import ServerDatabaseError
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

log = logging.getLogger(__name__)

# Any constant: serialises migrations when several servers start on one PostgreSQL.
_MIGRATION_LOCK = 0x6465736B  # "desk"
SQLITE_BUSY_MS = 30_000


def _alembic_config() -> Config:
    config = Config()
    location = resources.files("deskmate.server").joinpath("migrations")
    config.set_main_option("script_location", str(location))
    return config


def head_revision() -> str:
    """The newest server migration the code knows."""
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    if head is None:
        raise ServerDatabaseError("the server package ships no migrations")
    return head


def normalise_url(db_url: str) -> URL:
    """Parse a database URL, defaulting PostgreSQL to the psycopg 3 driver.

    Raises:
        ServerDatabaseError: the URL is not a file SQLite or a PostgreSQL URL.
    """
    try:
        url = make_url(db_url)
    except ArgumentError:
        raise ServerDatabaseError(
            f"'{db_url}' is not a database URL; use sqlite:///path/to/server.db or "
            "postgresql+psycopg://user:password@host/dbname"
        ) from None
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            raise ServerDatabaseError(
                "the server needs a SQLite file (sqlite:///path/to/server.db), not memory"
            )
    elif url.get_backend_name() != "postgresql":
        raise ServerDatabaseError(
            f"unsupported database '{url.get_backend_name()}'; use SQLite or PostgreSQL"
        )
    return url


def _sqlite_engine(url: URL, *, immediate: bool) -> Engine:
    engine = create_engine(url, connect_args={"check_same_thread": False}, pool_size=8)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        # Let SQLAlchemy emit BEGIN itself (the driver's implicit BEGIN cannot be
        # IMMEDIATE), and make writers wait for each other instead of failing.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
        cursor.close()
        # The profiles' recency weights use pow(), which SQLite has only when built with
        # its math functions; PostgreSQL always has it.
        dbapi_conn.create_function("pow", 2, math.pow, deterministic=True)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # A write transaction takes the write lock up front: a deferred one that reads
        # first and writes later can fail with "database is locked" without waiting.
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


class Database:
    """Engines for one server database, with read and write transactions.

    Use :meth:`open`; the constructor does not migrate.
    """

    def __init__(self, url: URL) -> None:
        self.url = url
        self.dialect = url.get_backend_name()
        if self.dialect == "sqlite":
            # Owner-only (0700 new folders, 0600 file and side files): it holds every
            # agent's searches and notes, and the token hashes.
            private_sqlite_file(Path(str(url.database)).expanduser())
            self._reader = _sqlite_engine(url, immediate=False)
            self._writer = _sqlite_engine(url, immediate=True)
        else:
            # No pre-ping (a round trip per request): a connection broken by a database
            # restart fails one request, after which SQLAlchemy discards the whole pool.
            self._reader = create_engine(url, pool_size=10, max_overflow=20)
            self._writer = self._reader

    @property
    def display_url(self) -> str:
        """The URL without its password, for messages and logs."""
        return self.url.render_as_string(hide_password=True)

    @classmethod
    def open(cls, db_url: str) -> Database:
        """Connect and migrate the database to the newest schema.

        Raises:
            ServerDatabaseError: the URL is wrong or the database is unreachable.
        """
        database = cls(normalise_url(db_url))
        try:
            database.migrate()
        except SQLAlchemyError as exc:
            database.close()
            reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
            raise ServerDatabaseError(
                f"cannot open the server database {database.display_url}: {reason}"
            ) from exc
        return database

    def migrate(self) -> None:
        """Apply the Alembic migrations the database lacks."""
        with self._writer.begin() as conn:
            if self.dialect == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
            current = MigrationContext.configure(conn).get_current_revision()
            head = head_revision()
            if current != head:
                log.info("migrating %s from %s to %s", self.display_url, current, head)
                config = _alembic_config()
                config.attributes["connection"] = conn
                command.upgrade(config, "head")

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read transaction (a consistent snapshot on SQLite)."""
        with self._reader.begin() as conn:
            yield conn

    @contextmanager
    def read_one(self) -> Iterator[Connection]:
        """A connection for a single read statement.

        On PostgreSQL it runs in autocommit (one statement is its own snapshot), which
        spares the BEGIN and COMMIT round trips of :meth:`read`; on SQLite it is
        :meth:`read` (the round trips are function calls there).
        """
        if self.dialect == "sqlite":
            with self.read() as conn:
                yield conn
            return
        with self._reader.connect() as conn:
            yield conn.execution_options(isolation_level="AUTOCOMMIT")

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction: committed at the end of the block, rolled back on error."""
        with self._writer.begin() as conn:
            yield conn

    def close(self) -> None:
        """Release every connection."""
        self._reader.dispose()
        self._writer.dispose()
