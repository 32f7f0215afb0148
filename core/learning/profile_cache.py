"""ProfileCache: the last learning profile the server sent, kept for offline use.

``<data_dir>/learning-profile.json`` holds the profile exactly as the server sent it,
with what is needed to ask for it again cheaply (the server, the language, the ETag),
when it was last confirmed, and the notice ids the agent has already been shown. It
is replaced atomically (a crash leaves the old file or the new one), read-modify-write
cycles hold a lock shared by the sidebar and ``deskmate sync``, and a file that cannot
be read back (damaged disk, hand edits) is renamed aside with a log line: the view
then shows "no profile yet" until the next sync, never a crash.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from deskmate.core.durable_files import exclusive_lock, write_atomically
from deskmate.core.errors import ContentError, StoreError
from deskmate.core.learning.profile import LearningProfile
from deskmate.core.private_files import make_private_dir

log = logging.getLogger(__name__)

CACHE_FILE = "learning-profile.json"
LOCK_FILE = "learning.lock"  # one lock for the profile cache and the outbox
FORMAT = 1
MAX_SEEN = 500  # notices are kept 30 days by the server; this is many months of them


@dataclass(frozen=True)
class CachedProfile:
    """What the cache file holds.

    Attributes:
        server: The server the profile came from ("" when none).
        language: The ``lang`` it was asked in ("zh", "en"), None for the server's default.
        etag: The server's ETag of it, for ``If-None-Match``.
        checked_at: When the server last sent or confirmed it (ISO 8601), None if never.
        raw: The profile as the server sent it (None: no profile yet).
        profile: ``raw``, read.
        unsupported: The server has no learning profiles (404: an older server).
        seen_notices: Notice ids already shown to the agent.
    """

    server: str = ""
    language: str | None = None
    etag: str | None = None
    checked_at: str | None = None
    raw: dict[str, Any] | None = None
    profile: LearningProfile | None = None
    unsupported: bool = False
    seen_notices: frozenset[int] = field(default_factory=frozenset)

    def to_json(self) -> dict[str, Any]:
        """The file's content."""
        return {
            "format": FORMAT,
            "server": self.server,
            "language": self.language,
            "etag": self.etag,
            "checked_at": self.checked_at,
            "profile": self.raw,
            "unsupported": self.unsupported,
            "seen_notices": sorted(self.seen_notices)[-MAX_SEEN:],
        }

    @classmethod
    def from_json(cls, data: object) -> CachedProfile:
        """Read the file's content.

        Raises:
            ContentError: it is not a cache file of this format.
        """
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ContentError("not a learning profile cache of format 1")
        raw = data.get("profile")
        seen = data.get("seen_notices", [])
        if not isinstance(seen, list) or not all(
            isinstance(n, int) and not isinstance(n, bool) for n in seen
        ):
            raise ContentError("seen_notices is not a list of notice ids")
        texts = [data.get(k) for k in ("language", "etag", "checked_at")]
        if not isinstance(data.get("server", ""), str) or not all(
            t is None or isinstance(t, str) for t in texts
        ):
            raise ContentError("a field of the cache has the wrong type")
        return cls(
            server=data.get("server", ""),
            language=texts[0],
            etag=texts[1],
            checked_at=texts[2],
            raw=raw if isinstance(raw, dict) else None,
            profile=LearningProfile.from_dict(raw) if raw is not None else None,
            unsupported=data.get("unsupported") is True,
            seen_notices=frozenset(seen),
        )


class ProfileCache:
    """Reads and updates ``learning-profile.json`` in a data directory.

    Args:
        data_dir: The data directory (created when the first profile is written).
    """

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.path = data_dir / CACHE_FILE

    def __repr__(self) -> str:
        return f"ProfileCache({str(self.path)!r})"

    def load(self) -> CachedProfile:
        """The cached profile; an empty one when there is none or the file was damaged."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return CachedProfile()
        except OSError as exc:
            log.warning("cannot read the learning profile cache %s: %s", self.path, exc)
            return CachedProfile()
        try:
            return CachedProfile.from_json(json.loads(text))
        except (ValueError, ContentError) as exc:
            self._move_aside(exc)
            return CachedProfile()

    def _move_aside(self, why: Exception) -> None:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        aside = self.path.with_name(f"learning-profile.damaged-{stamp}.json")
        try:
            os.replace(self.path, aside)
        except OSError as exc:
            log.warning(
                "the learning profile cache %s is damaged (%s) and cannot be moved "
                "aside (%s); it is ignored",
                self.path,
                why,
                exc,
            )
            return
        log.warning(
            "the learning profile cache was damaged (%s); moved aside to %s and "
            "fetched again at the next sync",
            why,
            aside,
        )

    def update(self, change: Callable[[CachedProfile], CachedProfile]) -> CachedProfile:
        """Read, change and write back the cache under the lock; returns what was written.

        Raises:
            StoreError: the file cannot be written (the old one is left as it was).
        """
        with learning_files_lock(self.data_dir):
            new = change(self.load())
            data = json.dumps(new.to_json(), ensure_ascii=False, indent=1).encode("utf-8")
            write_atomically(self.path, data)
        return new

    def mark_seen(self, notice_ids: Iterable[int]) -> None:
        """Remember that these notices were shown.

        Raises:
            StoreError: the file cannot be written.
        """
        ids = frozenset(notice_ids)
        if ids:
            self.update(lambda c: replace(c, seen_notices=c.seen_notices | ids))

    def clear(self) -> None:
        """Forget the profile (another agent signed in); notices seen stay seen.

        Raises:
            StoreError: the file cannot be written.
        """
        self.update(lambda c: CachedProfile(seen_notices=c.seen_notices))


@contextmanager
def learning_files_lock(data_dir: Path) -> Iterator[None]:
    """Hold the lock of the learning files (the cache and the outbox share it).

    Raises:
        StoreError: the data directory cannot be written, also by the block (an
            ``OSError`` inside it becomes this error).
    """
    try:
        make_private_dir(data_dir)
        with exclusive_lock(data_dir / LOCK_FILE):
            yield
    except OSError as exc:
        raise StoreError(
            f"Your learning data could not be saved in {data_dir} ({exc.strerror or exc}); "
            "check that the disk is not full and the folder can be written.",
            path=str(data_dir),
        ) from exc
