"""Highlighted titles and snippets, as HTML-escaped text with ``<mark>`` around matches.

Escaping happens before marking, so a body containing ``<script>`` comes out as
inert text: a snippet is always safe to render.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from deskmate.core.search.analysis import is_han

SNIPPET_CHARS = 120


def _pattern(words: Iterable[str]) -> re.Pattern[str] | None:
    unique = sorted({w for w in words if w}, key=len, reverse=True)  # longest match first
    han = [re.escape(w) for w in unique if is_han(w)]
    latin = [re.escape(w) for w in unique if not is_han(w)]
    parts = []
    if latin:
        # English terms are stems ("refund" for "refunds"): match the rest of the word too.
        # Case-insensitive only inside the group: a character class under a global
        # IGNORECASE costs ~0.1 ms per word to compile, and every query compiles anew.
        parts.append(rf"\b(?i:{'|'.join(latin)})[A-Za-z0-9]*")
    parts.extend(han)
    return re.compile("|".join(parts)) if parts else None


def _mark(text: str, pattern: re.Pattern[str] | None) -> str:
    if pattern is None:
        return html.escape(text)
    out, last = [], 0
    for match in pattern.finditer(text):
        out.append(html.escape(text[last : match.start()]))
        out.append(f"<mark>{html.escape(match.group(0))}</mark>")
        last = match.end()
    out.append(html.escape(text[last:]))
    return "".join(out)


class Highlighter:
    """Marks the words of one query; the pattern is compiled once for all its hits."""

    def __init__(self, words: Iterable[str]) -> None:
        self._pattern = _pattern(words)

    def highlight(self, text: str) -> str:
        """The whole ``text`` escaped, with matches marked."""
        return _mark(text, self._pattern)

    def snippet(self, text: str, width: int = SNIPPET_CHARS) -> str:
        """A window of ``text`` around the first match, escaped and marked."""
        flat = " ".join(text.split())
        start = 0
        if self._pattern is not None and (match := self._pattern.search(flat)):
            start = max(0, match.start() - width // 4)
        piece = flat[start : start + width]
        prefix = "…" if start > 0 else ""
        suffix = "…" if start + width < len(flat) else ""
        return prefix + _mark(piece, self._pattern) + suffix
