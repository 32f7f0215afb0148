"""LearningOutbox: self-assessments, done-marks and proposals waiting for the next sync.

``<data_dir>/learning-outbox.jsonl`` is append-only, one JSON object per line:

* an entry: ``{"op": "self_assessment" | "done" | "proposal", "id": "<32 hex>",
  "agent": "li.na" | null, "at": "<ISO time>", ...}`` with ``skill`` and ``level``, or
  ``assignment``, or ``title``, ``answer``, ``skills`` and ``item_id``;
* a settlement of an earlier entry: ``{"op": "settled", "id": ..., "outcome":
  "sent" | "refused" | "superseded", "reason": ...}``.

An entry is pending until a settlement names it. Each line is written with one
unbuffered append and fsync'd before the call returns (a failed write is cut back, so no
half line is left), under the lock the profile cache also uses, so the sidebar and
``deskmate sync`` can both write. When nothing is pending any more the file is emptied;
when it grows long it is rewritten atomically with only what is pending.

Nothing is lost: an entry the server refuses for good (an invalid value, an assignment
that is not the agent's) is copied to ``learning-outbox.refused.jsonl`` with the reason
before it is settled, and a line that cannot be read is kept in
``learning-outbox.damaged.jsonl``. Nothing is stored twice on the server: a crash between
the server's answer and the settlement sends the entry again at the next sync, and every
call is idempotent there (the self-assessment is a PUT, marking done twice keeps the
first time, and a proposal carries its entry ``id`` as ``client_id``, which the server
stores once).
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from deskmate.core.activity.events import local_now
from deskmate.core.durable_files import append_durably, write_atomically
from deskmate.core.errors import ContentError, StoreError
from deskmate.core.learning.profile_cache import learning_files_lock

log = logging.getLogger(__name__)

OUTBOX_FILE = "learning-outbox.jsonl"
REFUSED_FILE = "learning-outbox.refused.jsonl"
DAMAGED_FILE = "learning-outbox.damaged.jsonl"
OPS = ("self_assessment", "done", "proposal")
OUTCOMES = ("sent", "refused", "superseded")
COMPACT_AFTER_LINES = 200


@dataclass(frozen=True)
class OutboxEntry:
    """One thing the agent did that the server has not confirmed yet.

    Attributes:
        id: Unique, 32 hex digits; sent as ``client_id`` with a proposal.
        op: ``self_assessment``, ``done`` or ``proposal``.
        agent: Who did it (the sidebar's agent id); None: whoever syncs next.
        at: When (ISO 8601 with offset).
        body: What to send: ``{"skill", "level"}``, ``{"assignment"}`` or
            ``{"title", "answer", "skills", "item_id"}``.
    """

    id: str
    op: str
    agent: str | None
    at: str
    body: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        """The outbox line of this entry."""
        return {"op": self.op, "id": self.id, "agent": self.agent, "at": self.at, **self.body}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> OutboxEntry:
        """Read an entry line (one whose ``op`` is in :data:`OPS`).

        Raises:
            ContentError: the line is not a well-formed entry.
        """
        entry_id, agent, at = data.get("id"), data.get("agent"), data.get("at")
        if not isinstance(entry_id, str) or not entry_id or not isinstance(at, str):
            raise ContentError("an outbox entry without id or time")
        if agent is not None and not isinstance(agent, str):
            raise ContentError("an outbox entry whose agent is not a name")
        body = {k: v for k, v in data.items() if k not in ("op", "id", "agent", "at")}
        return cls(entry_id, str(data["op"]), agent, at, body)


def new_entry(op: str, agent: str | None, body: dict[str, Any]) -> OutboxEntry:
    """A new entry stamped now."""
    return OutboxEntry(uuid.uuid4().hex, op, agent, local_now().isoformat(), body)


class LearningOutbox:
    """The outbox file of a data directory. See the module docstring.

    Args:
        data_dir: The data directory (created on the first append).
    """

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.path = data_dir / OUTBOX_FILE
        self.refused_path = data_dir / REFUSED_FILE
        self.damaged_path = data_dir / DAMAGED_FILE

    def __repr__(self) -> str:
        return f"LearningOutbox({str(self.path)!r})"

    def add(self, entry: OutboxEntry) -> OutboxEntry:
        """Append ``entry``; when this returns, it is on disk.

        Raises:
            StoreError: the outbox cannot be written (nothing was added).
        """
        self._write(lambda: append_durably(self.path, _line(entry.to_json())))
        log.info("learning outbox: %s %s kept for the next sync", entry.op, entry.id)
        return entry

    def pending(self) -> list[OutboxEntry]:
        """Every entry not yet settled, oldest first.

        Raises:
            StoreError: the outbox exists but cannot be read.
        """
        result: list[OutboxEntry] = []
        # Under the lock: a line being appended right now is not mistaken for a damaged one.
        self._write(lambda: result.extend(self._read()[0]))
        return result

    def settle(self, entries: Iterable[OutboxEntry], outcome: str, reason: str = "") -> None:
        """Mark entries as sent, refused (copied to the refused file first) or superseded.

        Raises:
            StoreError: the outbox cannot be written (the entries stay pending and are
                sent again, which the server takes as a repeat).
        """
        if outcome not in OUTCOMES:
            raise ValueError(f"unknown outcome {outcome!r}")
        done = list(entries)
        if not done:
            return

        def write() -> None:
            if outcome == "refused":
                refused = b"".join(_line({**e.to_json(), "reason": reason}) for e in done)
                append_durably(self.refused_path, refused)
            marks = [{"op": "settled", "id": e.id, "outcome": outcome} for e in done]
            append_durably(self.path, b"".join(_line(m) for m in marks))
            self._compact()

        self._write(write)

    def hand_over(self, agent: str) -> int:
        """Give every pending entry to ``agent`` (the first sign-in on this machine).

        Returns:
            How many entries changed hands.

        Raises:
            StoreError: the outbox cannot be rewritten (nothing changed).
        """
        moved = 0

        def write() -> None:
            nonlocal moved
            entries, _lines, damaged = self._read()
            moved = sum(1 for e in entries if e.agent != agent)
            if not moved:
                return
            if damaged:
                append_durably(
                    self.damaged_path, b"".join(d.encode("utf-8") + b"\n" for d in damaged)
                )
            rewritten = [replace(e, agent=agent) for e in entries]
            write_atomically(self.path, b"".join(_line(e.to_json()) for e in rewritten))

        self._write(write)
        return moved

    def _write(self, action: Callable[[], object]) -> None:
        with learning_files_lock(self.data_dir):
            action()

    def _compact(self) -> None:
        """Under the lock: empty the file when all is settled, shorten it when long."""
        entries, lines, damaged = self._read()
        if damaged:
            append_durably(self.damaged_path, b"".join(d.encode("utf-8") + b"\n" for d in damaged))
        if not entries:
            write_atomically(self.path, b"")
        elif lines > COMPACT_AFTER_LINES or damaged:
            write_atomically(self.path, b"".join(_line(e.to_json()) for e in entries))

    def _read(self) -> tuple[list[OutboxEntry], int, list[str]]:
        """Pending entries, the number of lines, and the lines that could not be read."""
        try:
            text = self.path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return [], 0, []
        except OSError as exc:
            raise StoreError(
                f"The learning outbox {self.path} cannot be read ({exc.strerror or exc}).",
                path=str(self.path),
            ) from exc
        pending: dict[str, OutboxEntry] = {}
        damaged: list[str] = []
        lines = 0
        # Only "\n" ends a line: str.splitlines() would also split inside strings.
        for line in text.split("\n"):
            if not line.strip():
                continue
            lines += 1
            try:
                _apply_line(pending, json.loads(line))
            except (ValueError, ContentError) as exc:
                log.warning("damaged line in %s (%s): kept aside", self.path, exc)
                damaged.append(line)
        return list(pending.values()), lines, damaged


def _apply_line(pending: dict[str, OutboxEntry], data: object) -> None:
    if not isinstance(data, dict):
        raise ContentError("a line that is not a JSON object")
    if data.get("op") == "settled":
        pending.pop(str(data.get("id")), None)
    elif data.get("op") in OPS:
        entry = OutboxEntry.from_json(data)
        pending[entry.id] = entry
    else:
        raise ContentError(f"unknown outbox line {str(data.get('op'))[:40]!r}")


def _line(data: dict[str, Any]) -> bytes:
    return (json.dumps(data, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")


def latest_per_skill(entries: Sequence[OutboxEntry]) -> tuple[list[OutboxEntry], list[OutboxEntry]]:
    """Split entries into those to send and self-assessments a later one replaces.

    Only the last self-assessment of a skill by an agent matters (the server keeps the
    latest); the earlier ones are settled as superseded without being sent.
    """
    last: dict[tuple[str | None, str], str] = {}
    for entry in entries:
        if entry.op == "self_assessment":
            last[(entry.agent, str(entry.body.get("skill")))] = entry.id
    keep, superseded = [], []
    for entry in entries:
        key = (entry.agent, str(entry.body.get("skill")))
        if entry.op == "self_assessment" and last[key] != entry.id:
            superseded.append(entry)
        else:
            keep.append(entry)
    return keep, superseded
