"""The CLI's rendering of the core's highlighted text: terminal bold, only on a terminal.

Content comes from packs and a server the agent does not control, so control characters
in it (an ESC could move the cursor, retitle the window or hide text) are shown as
visible escapes instead of reaching the terminal.
"""

from __future__ import annotations

import os
import re
from typing import TextIO

from deskmate.core.search.snippets import HighlightedText

BOLD = "\x1b[1m"
NORMAL = "\x1b[22m"
# C0 and C1 controls and DEL; tabs and newlines too, a result line is one line.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _defuse(text: str) -> str:
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group(0)):02x}", text)


def terminal_text(marked: HighlightedText, bold: bool) -> str:
    """``marked`` for a terminal: matches in bold when ``bold``, controls made visible."""
    if not bold:
        return _defuse(marked.text)
    return "".join(
        f"{BOLD}{_defuse(piece)}{NORMAL}" if highlighted else _defuse(piece)
        for piece, highlighted in marked.segments()
    )


def wants_bold(stream: TextIO) -> bool:
    """Whether ``stream`` is a terminal that should get bold (not a pipe or a file).

    ``NO_COLOR`` (https://no-color.org) is honoured, and ``TERM=dumb``.
    """
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())
