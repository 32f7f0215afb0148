"""Highlighted titles and snippets as plain data: text plus the ranges to highlight.

The core never produces markup. Each front end renders a :class:`HighlightedText` in
its own medium and escapes it there: the sidebar lays it out with Qt text formats, the
CLI uses terminal bold, the web console uses Jinja2 (autoescaped) with ``<mark>``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from deskmate.core.search.analysis import _token, is_han

SNIPPET_CHARS = 120

Span = tuple[int, int]


@dataclass(frozen=True)
class HighlightedText:
    """Plain ``text`` and the ``(start, end)`` ranges of it to highlight.

    Spans are half-open character offsets into ``text``, sorted and not overlapping.
    """

    text: str
    spans: tuple[Span, ...] = ()

    def segments(self) -> list[tuple[str, bool]]:
        """The text cut into ``(piece, highlighted)`` runs, in order (for renderers)."""
        out: list[tuple[str, bool]] = []
        last = 0
        for start, end in self.spans:
            if start > last:
                out.append((self.text[last:start], False))
            out.append((self.text[start:end], True))
            last = end
        if last < len(self.text):
            out.append((self.text[last:], False))
        return out

    def highlighted(self) -> list[str]:
        """The highlighted pieces of the text."""
        return [self.text[start:end] for start, end in self.spans]

    @classmethod
    def of_substring(cls, text: str, needle: str) -> HighlightedText:
        """``text`` with every case-insensitive occurrence of ``needle`` highlighted."""
        if not needle:
            return cls(text)
        found = re.finditer(re.escape(needle), text, re.IGNORECASE)
        return cls(text, tuple(m.span() for m in found))


class Highlighter:
    """Finds the words of one query in texts; the pattern is compiled once for all hits.

    Chinese words are matched as they are. An English term is an index term (a stem such
    as ``batteri``), so a Latin word of the text is highlighted when its own index term
    is one of the query's, or when it starts with one (prefix completions).
    """

    def __init__(self, words: Iterable[str]) -> None:
        unique = sorted({w for w in words if w}, key=len, reverse=True)  # longest first
        self._latin = frozenset(w.lower() for w in unique if not is_han(w))
        han = [re.escape(w) for w in unique if is_han(w)]
        parts = []
        if self._latin:
            # Candidates only: Latin words starting like a term (a stem may end differently
            # from its words, batteri/battery), then checked by _wanted. Case-insensitive
            # only inside the group: a global IGNORECASE costs ~0.1 ms per compile.
            starts = sorted({re.escape(t[: max(3, len(t) - 2)]) for t in self._latin})
            parts.append(rf"\b(?i:{'|'.join(starts)})[A-Za-z0-9]*")
        parts.extend(han)
        self._pattern = re.compile("|".join(parts)) if parts else None

    def _wanted(self, match: re.Match[str]) -> bool:
        word = match.group(0)
        if is_han(word[0]):
            return True
        lower = word.lower()
        if lower in self._latin or _token(lower) in self._latin:
            return True
        return any(lower.startswith(term) for term in self._latin)

    def _matches(self, text: str) -> Iterator[Span]:
        if self._pattern is None:
            return
        for match in self._pattern.finditer(text):
            if self._wanted(match):
                yield match.span()

    def highlight(self, text: str) -> HighlightedText:
        """The whole ``text`` with the query's words highlighted."""
        return HighlightedText(text, tuple(self._matches(text)))

    def snippet(self, text: str, width: int = SNIPPET_CHARS) -> HighlightedText:
        """A window of ``text`` (whitespace collapsed) around the first match."""
        flat = " ".join(text.split())
        first = next(self._matches(flat), None)
        start = max(0, first[0] - width // 4) if first else 0
        piece = flat[start : start + width]
        prefix = "…" if start > 0 else ""
        suffix = "…" if start + width < len(flat) else ""
        # Matched within the window only: a word cut at its edge is not highlighted.
        spans = tuple((s + len(prefix), e + len(prefix)) for s, e in self._matches(piece))
        return HighlightedText(prefix + piece + suffix, spans)
