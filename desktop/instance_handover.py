"""Handing a later launch's wish to the running sidebar without loading Qt (POSIX).

A ``deskmate://`` link starts a new ``deskmate`` process just to pass one line to the
running sidebar, and the agent waits for it: loading Qt's network module costs that
process about as much as everything else it does. On Linux and macOS a ``QLocalServer``
listening on a plain name is a Unix-domain socket file in ``QDir::tempPath()``
(``$TMPDIR``, else ``/tmp``), so a plain Python socket reaches it. Windows (a named
pipe) goes through ``QLocalSocket`` (:func:`deskmate.desktop.single_instance.send_to_running`).
"""

from __future__ import annotations

import getpass
import hashlib
import os
import socket
import sys
from pathlib import Path

TIMEOUT_S = 1.0


def instance_name(data_dir: Path) -> str:
    """The local socket name of the instance serving ``data_dir`` for this user."""
    digest = hashlib.sha256(str(data_dir.resolve()).encode()).hexdigest()[:12]
    return f"deskmate-{getpass.getuser()}-{digest}"


def socket_path(data_dir: Path) -> Path:
    """Where Qt's ``QLocalServer`` puts the instance's socket on POSIX."""
    # QDir::tempPath(): $TMPDIR when set, else /tmp, with a trailing slash dropped.
    temp = os.environ.get("TMPDIR", "").rstrip("/") or "/tmp"  # noqa: S108 - Qt's own rule
    return Path(temp) / instance_name(data_dir)


def hand_over(data_dir: Path, command: str) -> bool | None:
    """Send ``command`` to the running instance over its Unix socket.

    Returns:
        True when delivered, False when no instance answers, None where this cannot be
        done without Qt (Windows): the caller then uses ``QLocalSocket``.
    """
    if sys.platform == "win32":
        return None
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
        connection.settimeout(TIMEOUT_S)
        try:
            connection.connect(str(socket_path(data_dir)))
            connection.sendall(command.encode() + b"\n")
        except OSError:
            return False  # no socket file, a stale one, or nobody reading: not running
    return True
