"""The side file that keeps consultation events the database could not take.

``<data_dir>/pending-events.jsonl`` holds one JSON object per line, oldest first:
an event (``{"type": "event", "event": {...}}``, the upload format) or a dwell-time
update of an earlier open event (``{"type": "dwell", "event_id": ..., "dwell_ms": ...}``).
Every append is fsync'd before the caller is told the event is safe. If even the
file cannot be written, entries wait in memory and go to the file with the next
append that works, so the file order stays the recording order.

One process owns a data directory (the desktop app is single-instance); the spool
is not safe for two processes appending and draining at the same time.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from deskmate.core.activity.events import ConsultationEvent
from deskmate.core.durable_files import append_durably, fsync_directory
from deskmate.core.errors import ContentError

log = logging.getLogger(__name__)

SPOOL_FILE = "pending-events.jsonl"
DAMAGED_FILE = "pending-events.damaged.jsonl"


@dataclass(frozen=True)
class DwellUpdate:
    """How long an opened item stayed on screen, measured after its open event."""

    event_id: str
    dwell_ms: int


SpoolEntry = ConsultationEvent | DwellUpdate


def encode_entry(entry: SpoolEntry) -> str:
    """One spool line (without the newline)."""
    record: dict[str, Any]
    if isinstance(entry, DwellUpdate):
        record = {"type": "dwell", "event_id": entry.event_id, "dwell_ms": entry.dwell_ms}
    else:
        record = {"type": "event", "event": entry.to_dict()}
    return json.dumps(record, ensure_ascii=False, sort_keys=True)


def decode_entry(line: str) -> SpoolEntry:
    """Read one spool line.

    Raises:
        ContentError: the line is not a spool entry.
    """
    try:
        record = json.loads(line)
    except ValueError:
        raise ContentError("The line is not JSON.") from None
    if not isinstance(record, dict):
        raise ContentError("The line is not a JSON object.")
    if record.get("type") == "event" and isinstance(record.get("event"), dict):
        return ConsultationEvent.from_dict(record["event"])
    event_id, dwell_ms = record.get("event_id"), record.get("dwell_ms")
    if (
        record.get("type") == "dwell"
        and isinstance(event_id, str)
        and isinstance(dwell_ms, int)
        and not isinstance(dwell_ms, bool)
        and dwell_ms >= 0
    ):
        return DwellUpdate(event_id, dwell_ms)
    raise ContentError("The line is neither an event nor a dwell-time update.")


class EventSpool:
    """Entries waiting to be written to the database: a side file, else memory."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / SPOOL_FILE
        self.damaged_path = data_dir / DAMAGED_FILE
        self._memory: list[SpoolEntry] = []
        self._on_disk = self._count_lines()

    def _count_lines(self) -> int:
        try:
            with self.path.open(encoding="utf-8", errors="replace") as file:
                return sum(1 for line in file if line.strip())
        except (FileNotFoundError, NotADirectoryError):
            return 0
        except OSError as exc:
            # Unreadable now; count it as one so a drain is still attempted later.
            log.warning("cannot read the event side file %s: %s", self.path, exc)
            return 1

    def __len__(self) -> int:
        return self._on_disk + len(self._memory)

    @property
    def in_memory(self) -> int:
        """How many entries could not even be written to the side file."""
        return len(self._memory)

    def keep(self, entries: Sequence[SpoolEntry]) -> bool:
        """Append ``entries``, after any entries waiting in memory, to the side file.

        Returns:
            True when everything waiting is now on disk; False when the file could not
            be written and the entries are kept in memory.
        """
        pending = [*self._memory, *entries]
        if not pending:
            return True
        data = "".join(encode_entry(e) + "\n" for e in pending).encode("utf-8")
        try:
            created = not self.path.exists()
            append_durably(self.path, data)
        except OSError as exc:
            log.warning("cannot write the event side file %s: %s", self.path, exc)
            self._memory = pending
            return False
        if created:
            fsync_directory(self.path.parent)
        self._memory = []
        self._on_disk += len(pending)
        return True

    def read(self) -> tuple[list[SpoolEntry], list[str]]:
        """Every waiting entry, oldest first, and the side-file lines that were damaged.

        Raises:
            OSError: the side file exists but cannot be read.
        """
        entries: list[SpoolEntry] = []
        damaged: list[str] = []
        if self._on_disk:
            try:
                text = self.path.read_text(encoding="utf-8", errors="replace")
            except FileNotFoundError:
                text = ""
            # Only "\n" ends an entry: str.splitlines() would also split at U+2028 and
            # friends, which json.dumps(ensure_ascii=False) leaves inside strings.
            for line in text.split("\n"):
                if not line.strip():
                    continue
                try:
                    entries.append(decode_entry(line))
                except ContentError as exc:
                    log.warning("damaged line in %s (%s): kept aside", self.path, exc)
                    damaged.append(line)
        return [*entries, *self._memory], damaged

    def clear(self, damaged: Sequence[str] = ()) -> None:
        """Empty the spool after its entries reached the database.

        ``damaged`` lines are first appended to ``pending-events.damaged.jsonl`` so that
        nothing the agent did is thrown away, even unreadable.

        Raises:
            OSError: the side file could not be emptied (its entries will simply be
                written again, which is harmless: event ids are unique).
        """
        self._memory = []
        if damaged:
            with self.damaged_path.open("a", encoding="utf-8") as file:
                file.write("".join(line + "\n" for line in damaged))
                file.flush()
                os.fsync(file.fileno())
        if self._on_disk:
            try:
                with self.path.open("r+b") as file:
                    file.truncate(0)
                    os.fsync(file.fileno())
            except FileNotFoundError:
                pass  # removed by hand in the meantime: empty is what we wanted
            self._on_disk = 0
