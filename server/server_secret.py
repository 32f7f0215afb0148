"""The server secret: the key that signs console sessions and CSRF tokens, outside the database.

A copy of the database alone (a backup, a replica, a leaked dump) must not let anyone
sign in: the database holds the token hashes a session cookie names, so the key that
signs cookies lives elsewhere. It comes from, in order:

1. ``--secret-file PATH`` (``serve``, ``demo``), or ``$DESKMATE_SERVER_SECRET_FILE``;
2. ``$DESKMATE_SERVER_SECRET`` (the value itself, at least 32 characters);
3. the default file: next to a SQLite database (``server.db`` → ``server.db.secret``),
   else ``server.secret`` in the server's per-user data directory.

A file that does not exist yet is created owner-only (0600) with 32 random bytes, hex.
Every server process serving one database must use the same secret; replacing it
(rotation) ends every console session. docs/it-deployment.md tells IT where it lives.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import secrets
import stat
from pathlib import Path

from deskmate.core.paths import Paths
from deskmate.core.private_files import FILE_MODE, make_private_dir
from deskmate.server.errors import ServerError
from sqlalchemy.engine import URL

log = logging.getLogger(__name__)

SECRET_ENV = "DESKMATE_SERVER_SECRET"  # noqa: S105 - the variable's name, not a secret
SECRET_FILE_ENV = "DESKMATE_SERVER_SECRET_FILE"  # noqa: S105 - likewise
MIN_SECRET_CHARS = 32
_KEY_CONTEXT = b"deskmate console sessions v1|"


class ServerSecretError(ServerError):
    """The server secret is missing, too short or cannot be read or created."""

    code = "server.secret"
    slug = "server-secret"
    title = "Server secret unavailable"


def default_secret_file(url: URL) -> Path:
    """Where the secret lives when nothing says otherwise (see the module docstring)."""
    if url.get_backend_name() == "sqlite" and url.database:
        database = Path(url.database).expanduser()
        return database.with_name(database.name + ".secret")
    return Paths.resolve().data_dir / "server.secret"


def _derive(secret: str, where: str) -> bytes:
    secret = secret.strip()
    if len(secret) < MIN_SECRET_CHARS:
        raise ServerSecretError(
            f"the server secret in {where} has {len(secret)} characters; it needs at least "
            f"{MIN_SECRET_CHARS} (e.g. python3 -c 'import secrets; print(secrets.token_hex(32))')"
        )
    return hashlib.sha256(_KEY_CONTEXT + secret.encode()).digest()


def _create(path: Path) -> None:
    """Write a new random secret to ``path`` unless another process already has."""
    make_private_dir(path.parent)
    draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    try:
        with os.fdopen(descriptor, "w", encoding="ascii") as file:
            file.write(secrets.token_hex(32) + "\n")
            file.flush()
            os.fsync(file.fileno())
        # A hard link never replaces: of several workers starting at once, the first
        # one's secret wins and the others read it.
        with contextlib.suppress(FileExistsError):
            os.link(draft, path)
    finally:
        draft.unlink(missing_ok=True)
    log.info("created the server secret %s", path)


def read_secret_file(path: Path) -> bytes:
    """The signing key from a secret file, which is created (0600) if it does not exist.

    Raises:
        ServerSecretError: it cannot be read or created, or holds under 32 characters.
    """
    try:
        if not path.exists():
            _create(path)
        text = path.read_text(encoding="utf-8")
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError as exc:
        raise ServerSecretError(
            f"cannot read or create the server secret {path}: {exc.strerror or exc}"
        ) from None
    if os.name == "posix" and mode & 0o077:
        log.warning("the server secret %s is readable by others (mode %o): chmod 600", path, mode)
    return _derive(text, str(path))


def console_key(url: URL, secret_file: Path | None = None) -> bytes:
    """The key that signs console sessions and CSRF tokens for the database at ``url``.

    Raises:
        ServerSecretError: the configured secret is unusable.
    """
    if secret_file is None and os.environ.get(SECRET_FILE_ENV):
        secret_file = Path(os.environ[SECRET_FILE_ENV]).expanduser()
    if secret_file is None and os.environ.get(SECRET_ENV):
        return _derive(os.environ[SECRET_ENV], f"${SECRET_ENV}")
    return read_secret_file(secret_file or default_secret_file(url))
