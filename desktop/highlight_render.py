"""The sidebar's renderings of the core's highlighted text (text plus match ranges).

The result list lays hits out with ``QTextLayout`` format ranges: the text is never
parsed as markup, so a title containing ``<script>`` is drawn as those characters.
Where Qt wants rich text (tool tips, which Qt reads as rich text whenever a string
looks like HTML), :func:`rich_text` escapes every piece before marking the matches.
"""

from __future__ import annotations

import html

from deskmate.core.search.snippets import HighlightedText

#: Highlight colours (background, text) on light and dark palettes.
MARK_LIGHT = ("#ffe58a", "#000000")
MARK_DARK = ("#8a6d00", "#ffffff")


def layout_ranges(marked: HighlightedText) -> list[tuple[int, int]]:
    """``(start, length)`` of each highlight, as ``QTextLayout.FormatRange`` wants them."""
    return [(start, end - start) for start, end in marked.spans if end > start]


def rich_text(marked: HighlightedText, dark: bool = False) -> str:
    """Qt rich text of ``marked``: every piece escaped, matches on a highlight colour."""
    background, colour = MARK_DARK if dark else MARK_LIGHT
    parts = []
    for piece, highlighted in marked.segments():
        escaped = html.escape(piece)
        if highlighted:
            escaped = f'<span style="background:{background}; color:{colour};">{escaped}</span>'
        parts.append(escaped)
    # <qt> makes Qt treat the string as rich text even when it has no tag of its own.
    return "<qt>" + "".join(parts) + "</qt>"
