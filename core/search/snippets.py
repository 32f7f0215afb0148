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
    parts = []
    for word in sorted({w for w in words if w}, key=len, reverse=True):
        escaped = re.escape(word)
        # English terms are stems ("refund" for "refunds"): match the rest of the word too.
        parts.append(escaped if is_han(word) else rf"\b{escaped}[a-z0-9]*")
    return re.compile("|".join(parts), re.IGNORECASE) if parts else None


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


def highlight(text: str, words: Iterable[str]) -> str:
    """The whole ``text`` escaped, with matches of ``words`` marked."""
    return _mark(text, _pattern(words))


def snippet(text: str, words: Iterable[str], width: int = SNIPPET_CHARS) -> str:
    """A window of ``text`` around the first match, escaped and marked."""
    flat = " ".join(text.split())
    pattern = _pattern(words)
    start = 0
    if pattern is not None and (match := pattern.search(flat)):
        start = max(0, match.start() - width // 4)
    piece = flat[start : start + width]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + width < len(flat) else ""
    return prefix + _mark(piece, pattern) + suffix
