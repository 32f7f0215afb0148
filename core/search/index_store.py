"""SearchIndex: the Whoosh index directory, derived from the store and always rebuildable.

Layout under ``<data_dir>/index``::

    current/            the live Whoosh index + deskmate-index.json (what it reflects)
    building-<pid>/     a full build in progress (its owner.json names the process);
                        promoted by rename when complete, removed by the next build or
                        open once its process is gone (killed, crashed)

A full build never touches ``current`` until it is complete, so a crash or a
cancelled rebuild leaves the old index in service. ``deskmate-index.json`` records
the store change counter the index reflects and the analysis fingerprint; a
mismatch means "catch up" (counter) or "rebuild" (fingerprint).
"""

from __future__ import annotations

import errno
import itertools
import json
import logging
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from deskmate.core.errors import OperationCancelledError, SearchIndexError
from deskmate.core.search.documents import whoosh_schema
from whoosh import index as whoosh_index
from whoosh.index import FileIndex, LockError

log = logging.getLogger(__name__)
_GENERATIONS = itertools.count(1)

META_FILE = "deskmate-index.json"
OWNER_FILE = "owner.json"  # in a building-* folder: the pid and start time of its builder
#: Documents per segment in a full build, and Whoosh's in-memory posting pool (MB). About
#: 120 postings per document at ~180 bytes each (Whoosh's estimate) fill 256 MB at ~11.8k
#: documents: a segment of 10k is sorted entirely in memory. (At 12k, adding the ``latin``
#: field's ~10 postings a document made the pool spill and a 100k build take 115 s, not 60.)
SEGMENT_DOCS = 10_000
POOL_LIMIT_MB = 256
INDEX_FORMAT = 1
Progress = Callable[[int, int], None]

# Everything a damaged index directory can throw at us while opening or reading.
CORRUPTION_ERRORS: tuple[type[BaseException], ...] = (
    whoosh_index.EmptyIndexError,
    whoosh_index.IndexError,
    OSError,
    EOFError,
    ValueError,
    KeyError,
    IndexError,
    TypeError,
    AttributeError,
    __import__("pickle").UnpicklingError,
    __import__("struct").error,
    __import__("zlib").error,
)


@dataclass(frozen=True)
class IndexState:
    """What the live index reflects."""

    store_seq: int
    fingerprint: str
    doc_count: int


class SearchIndex:
    """The on-disk Whoosh index of one data directory (one writer at a time)."""

    def __init__(self, root: Path, fingerprint: str) -> None:
        self.root = root
        self.fingerprint = fingerprint
        self.live = root / "current"
        self._write_lock = threading.Lock()
        self._ix: FileIndex | None = None
        # Changed on every change, so searchers know to refresh. Drawn from one counter for
        # the whole process: a new SearchIndex (new synonyms or skill names) must never
        # repeat the generation of a snapshot taken from the one it replaces.
        self.generation = next(_GENERATIONS)

    # -- state -------------------------------------------------------------------------

    def state(self) -> IndexState | None:
        """The live index's metadata, or None when missing, unreadable or another format."""
        self._recover_interrupted_swap()
        try:
            meta = json.loads((self.live / META_FILE).read_text("utf-8"))
            if meta.get("format") != INDEX_FORMAT:
                return None
            return IndexState(
                int(meta["store_seq"]), str(meta["fingerprint"]), int(meta.get("doc_count", 0))
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def _write_meta(self, directory: Path, seq: int, doc_count: int) -> None:
        meta = {
            "format": INDEX_FORMAT,
            "store_seq": seq,
            "fingerprint": self.fingerprint,
            "doc_count": doc_count,
            "written_at": time.time(),
        }
        tmp = directory / (META_FILE + ".tmp")
        tmp.write_text(json.dumps(meta), "utf-8")
        os.replace(tmp, directory / META_FILE)

    def _recover_interrupted_swap(self) -> None:
        """Finish a swap that a crash interrupted, and sweep abandoned build folders."""
        if not self.root.exists():
            return
        for entry in self.root.iterdir():
            if entry.name.startswith("old-"):
                shutil.rmtree(entry, ignore_errors=True)
            elif entry.name.startswith("ready-") and not self.live.exists():
                os.replace(entry, self.live)
            elif entry.name.startswith(("building-", "ready-")) and _abandoned(entry):
                log.info("removing the abandoned index build %s", entry.name)
                shutil.rmtree(entry, ignore_errors=True)

    # -- reading -------------------------------------------------------------------------

    def open(self) -> FileIndex:
        """The live Whoosh index (opened once, reused).

        Raises:
            SearchIndexError: the index is missing or damaged (the caller rebuilds).
        """
        if self._ix is None:
            try:
                self._ix = whoosh_index.open_dir(str(self.live))
            except CORRUPTION_ERRORS as exc:
                raise SearchIndexError(
                    f"The search index in {self.live} is damaged: {exc}", path=str(self.live)
                ) from exc
        return self._ix

    def close(self) -> None:
        """Forget the open index (searchers opened from it stay valid until closed)."""
        if self._ix is not None:
            self._ix.close()
        self._ix = None

    # -- writing ------------------------------------------------------------------------

    def build(
        self,
        docs: Iterable[dict[str, str]],
        total: int,
        seq: int,
        progress: Progress | None = None,
        cancel: threading.Event | None = None,
    ) -> int:
        """Build a complete new index aside, then swap it in. Returns the document count.

        Raises:
            OperationCancelledError: ``cancel`` was set; the old index stays live.
            SearchIndexError: the build failed (e.g. disk full); the old index stays live.
        """
        with self._write_lock:
            building = self.root / f"building-{os.getpid()}"
            try:
                self.root.mkdir(parents=True, exist_ok=True)
                self._recover_interrupted_swap()
                shutil.rmtree(building, ignore_errors=True)
                building.mkdir()
                _write_owner(building)
                count = self._fill(building, docs, total, progress, cancel)
                self._write_meta(building, seq, count)
                self._swap_in(building)
            except OSError as exc:
                shutil.rmtree(building, ignore_errors=True)
                raise _write_error(exc) from exc
            except BaseException:
                shutil.rmtree(building, ignore_errors=True)
                raise
            return count

    def _fill(
        self,
        directory: Path,
        docs: Iterable[dict[str, str]],
        total: int,
        progress: Progress | None,
        cancel: threading.Event | None,
    ) -> int:
        ix = whoosh_index.create_in(str(directory), whoosh_schema())
        count = 0
        try:
            writer = ix.writer(limitmb=POOL_LIMIT_MB)
            in_segment = 0
            for doc in docs:
                _check_cancel(cancel)
                writer.add_document(**doc)
                count += 1
                in_segment += 1
                if in_segment == SEGMENT_DOCS:
                    # Whoosh sorts postings in memory until its pool limit, then spills
                    # runs to disk and merges them in Python, which made 100k builds
                    # several times slower than 10 x 10k. Segments that fit the pool
                    # avoid both the spill and a final merge (the ranker reads all
                    # segments of a snapshot anyway).
                    writer.commit(merge=False)
                    writer = ix.writer(limitmb=POOL_LIMIT_MB)
                    in_segment = 0
                if progress is not None and count % 500 == 0:
                    progress(count, total)
            writer.commit(merge=False)
        except BaseException:
            writer.cancel()
            ix.close()
            raise
        ix.close()
        if progress is not None:
            progress(count, total)
        return count

    def _swap_in(self, building: Path) -> None:
        ready = self.root / f"ready-{os.getpid()}"
        os.replace(building, ready)
        self.close()
        if self.live.exists():
            os.replace(self.live, self.root / f"old-{os.getpid()}-{time.monotonic_ns()}")
        os.replace(ready, self.live)
        self._recover_interrupted_swap()
        self.generation = next(_GENERATIONS)

    def apply(self, upserts: list[dict[str, str]], deletions: Iterable[str], seq: int) -> None:
        """Apply item changes to the live index and record the change counter.

        Raises:
            SearchIndexError: another process holds the index lock, or writing failed.
        """
        with self._write_lock:
            ix = self.open()
            try:
                writer = ix.writer(timeout=10.0, delay=0.1)
            except LockError as exc:
                raise SearchIndexError(
                    "The search index is locked by another Deskmate process; try again "
                    "when it has finished.",
                    path=str(self.live),
                ) from exc
            try:
                for item_id in deletions:
                    writer.delete_by_term("id", item_id)
                for doc in upserts:
                    writer.update_document(**doc)
                writer.commit()
            except BaseException:
                writer.cancel()
                raise
            self.close()
            count = self.open().doc_count()
            self._write_meta(self.live, seq, count)
            self.generation = next(_GENERATIONS)


def _write_error(exc: OSError) -> SearchIndexError:
    """A failed write of the index folder, in words an agent or IT can act on."""
    if exc.errno == errno.ENOSPC:
        why = "the disk is full; free some space"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        why = "the data folder cannot be written; check its permissions"
    else:
        why = exc.strerror or str(exc)
    return SearchIndexError(
        f"The search index could not be rebuilt ({why}). The previous index stays in use; "
        "Deskmate tries again at the next start, or run 'deskmate reindex'.",
        errno=exc.errno,
    )


def _write_owner(directory: Path) -> None:
    """Name this process as the folder's builder (with its start time: pids are reused)."""
    owner = {"pid": os.getpid(), "started": _process_started(os.getpid())}
    (directory / OWNER_FILE).write_text(json.dumps(owner), "utf-8")


def _abandoned(folder: Path) -> bool:
    """Whether a ``building-*``/``ready-*`` folder's builder is gone (so nobody uses it).

    Its process must be dead, or alive but started at another time than the builder (the
    pid was reused after a kill). A folder without an owner file (older versions, or a
    builder killed before writing it) goes by the pid in its name.
    """
    pid_text = folder.name.split("-", 1)[1]
    if not pid_text.isdigit():
        return True
    pid = int(pid_text)
    if not _pid_alive(pid):
        return True
    try:
        owner = json.loads((folder / OWNER_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return False
    started = owner.get("started") if isinstance(owner, dict) else None
    now = _process_started(pid)
    return started is not None and now is not None and started != now


def _process_started(pid: int) -> str | None:
    """When process ``pid`` started, in the system's own units (Linux: from /proc), or None."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text("ascii", "replace")
    except OSError:
        return None
    # Field 22 (starttime); the command name (field 2) may hold spaces, so split after it.
    fields = stat.rsplit(")", 1)[-1].split()
    return fields[19] if len(fields) > 19 else None


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _check_cancel(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise OperationCancelledError("The index rebuild was cancelled.")
