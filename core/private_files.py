"""Owner-only folders and files for what Deskmate keeps on disk (POSIX modes 0700 / 0600).

The client's ``deskmate.db`` holds every search and gap note the agent typed, and the
server's database holds everyone's; with the usual umask (022) both were created
readable by every account on the machine. Folders are created 0700 and database files
0600; SQLite gives its ``-wal`` and ``-shm`` side files the mode of the database file.
On Windows the modes mean nothing: the per-user profile folders' ACLs (and the
installer's, for a server) keep the files private there (docs/it-deployment.md).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600
SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")
_POSIX = os.name == "posix"


def make_private_dir(path: Path) -> Path:
    """Create ``path`` and any missing parents, each created one owner-only (0700).

    Folders that already exist keep their mode: they may be shared ones the user chose.
    """
    missing: list[Path] = []
    probe = path
    while not probe.exists() and probe.parent != probe:
        missing.append(probe)
        probe = probe.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=DIR_MODE)
        except FileExistsError:
            continue  # another process made it first
        if _POSIX:
            folder.chmod(DIR_MODE)  # mkdir's mode passes through the umask
    return path


def _tighten(path: Path) -> None:
    """Take group and other permissions off a file of ours (never someone else's)."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return
    if info.st_uid == os.getuid() and stat.S_IMODE(info.st_mode) & 0o077:
        path.chmod(stat.S_IMODE(info.st_mode) & ~0o077)


def private_sqlite_file(path: Path) -> Path:
    """Make sure the SQLite file at ``path`` is owner-only before SQLite opens it.

    A new file is created empty with mode 0600 (an empty file is a valid empty
    database), so SQLite's side files are created 0600 too; an existing file of ours and
    its side files lose any group or other permissions.
    """
    make_private_dir(path.parent)
    if not _POSIX:
        return path
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    except FileExistsError:
        pass
    except OSError:
        return path  # a read-only place: SQLite's own error says so, in its words
    for candidate in (path, *(Path(f"{path}{suffix}") for suffix in SQLITE_SIDE_FILES)):
        try:
            _tighten(candidate)
        except OSError:
            continue  # read-only media: nothing to tighten there
    return path
