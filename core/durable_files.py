"""Files that survive crashes: durable appends, atomic replacement, an inter-process lock.

Small side files of the data directory (the event spool, the learning profile cache and
its outbox, the settings) use these so that a crash or a full disk never leaves half a
line or half a file behind:

* :func:`append_durably` appends bytes with one unbuffered write and fsyncs them; on
  failure it cuts the file back, so the next append is never glued to a broken line.
* :func:`write_atomically` writes a temporary file beside the target, fsyncs it and
  renames it over the target: readers see the old file or the new one, never a mix.
* :func:`exclusive_lock` serialises read-modify-write cycles of one file between the
  threads of this process and between processes (the sidebar and ``deskmate sync``).
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

log = logging.getLogger(__name__)

_thread_locks: dict[str, threading.Lock] = {}
_thread_locks_guard = threading.Lock()


def fsync_directory(directory: Path) -> None:
    """Make a new or renamed file's directory entry durable (POSIX; a no-op on Windows)."""
    if os.name != "posix":
        return
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        log.debug("cannot fsync %s", directory)
    finally:
        os.close(fd)


def append_durably(path: Path, data: bytes) -> None:
    """Append ``data`` and fsync it; on failure cut the file back to where it was.

    Raises:
        OSError: the file cannot be written (it is left as it was).
    """
    # Unbuffered: a buffered writer could flush the rest of a failed write on close,
    # after the truncation. O_BINARY keeps Windows from writing \r\n.
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags, 0o600)  # the agent's own data: readable by the agent only
    try:
        start = os.lseek(fd, 0, os.SEEK_END)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        except OSError:
            # Never leave half a line behind: the next append would be glued to it.
            os.ftruncate(fd, start)
            raise
    finally:
        os.close(fd)


def write_atomically(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data``: readers see the old content or the new, never a mix.

    Raises:
        OSError: the folder cannot be written (``path`` is left as it was).
    """
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        # Atomic on POSIX and Windows.
        os.replace(tmp_name, path)
    except BaseException:
        with suppress(OSError):
            os.unlink(tmp_name)
        raise
    fsync_directory(path.parent)


def _thread_lock(path: Path) -> threading.Lock:
    key = os.path.normcase(os.path.abspath(path))
    with _thread_locks_guard:
        return _thread_locks.setdefault(key, threading.Lock())


@contextmanager
def exclusive_lock(path: Path) -> Iterator[None]:
    """Hold the lock file ``path`` (created if needed) for the duration of the block.

    Threads of this process wait for each other on an in-process lock; processes wait
    on an OS lock of the file (``flock`` on POSIX, ``msvcrt.locking`` on Windows), which
    the OS releases when a process dies, so a crash never leaves a stale lock.

    Raises:
        OSError: the lock file cannot be created or locked.
    """
    with _thread_lock(path):
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            _os_lock(fd)
            try:
                yield
            finally:
                _os_unlock(fd)
        finally:
            os.close(fd)


if sys.platform == "win32":
    import msvcrt

    def _os_lock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        # LK_LOCK retries for about 10 s, then raises OSError.
        msvcrt.locking(fd, msvcrt.LK_LOCK, 1)

    def _os_unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _os_lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX)

    def _os_unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
