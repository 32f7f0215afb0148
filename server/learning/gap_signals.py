"""What a gap signal says, taken from an uploaded event: its text, note, type and case.

An agent's flag is kept whatever it holds. Its clustered text is the query typed, else
the item's title, else the agent's note; a flag with none of these (only a case number,
or nothing at all) has the empty text, and all such flags share one topic ("flagged
with no text"), where editors still see each with its time, agent and case number.
Uploaded fields are cleaned, never refused: a refused event would hold up the agent's
whole outbox.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from deskmate.core.activity.events import GapType

#: The clustered text is cut here (clustering reads the first few hundred characters).
MAX_TEXT_CHARS = 1000
#: Notes are shown up to here in the API and the console (the whole note is stored).
SHOWN_NOTE_CHARS = 5000
_GAP_TYPES = frozenset(g.value for g in GapType)


def clean_case(value: Any) -> str | None:
    """A case (call or chat) number as typed, without control or format characters.

    Tabs, newlines, escape codes and zero-width characters are dropped and the spacing
    collapsed; nothing else is changed or cut. None when nothing is left.
    """
    if value is None:
        return None
    kept = "".join(
        " " if char in "\t\n\r\v\f" else char
        for char in str(value)
        if char in "\t\n\r\v\f" or unicodedata.category(char) not in ("Cc", "Cf", "Cs", "Co")
    )
    return " ".join(kept.split()) or None


def clean_gap_type(value: Any) -> str | None:
    """The flag's gap type if it is one Deskmate knows (missing, wrong, …), else None."""
    return value if isinstance(value, str) and value in _GAP_TYPES else None


def clean_note(value: Any) -> str:
    """A note (or query) as text, whole: only NULs go (PostgreSQL's text refuses them)."""
    if value is None:
        return ""
    return str(value).replace("\x00", "")


def signal_text(kind: str, query: str, title: str, note: str) -> tuple[str, str]:
    """The text to cluster a signal by, and where it came from (query, title, note, none).

    A vote is about its item whatever had been typed before, so its item's title comes
    first; anything else goes by the query typed, then the item's title, then the note.
    """
    order = (
        [("title", title), ("query", query)]
        if kind == "unhelpful"
        else [("query", query), ("title", title)]
    )
    if kind == "gap":
        order.append(("note", " ".join(note.split())))
    for source, text in order:
        if text.strip():
            return text.strip()[:MAX_TEXT_CHARS], source
    return "", "none"


def shown_note(note: str) -> str:
    """A note as the API and the console show it: cut to SHOWN_NOTE_CHARS with an ellipsis."""
    return note if len(note) <= SHOWN_NOTE_CHARS else note[:SHOWN_NOTE_CHARS] + "…"
