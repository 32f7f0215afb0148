"""Presenting items safely: filling script placeholders and defusing Markdown.

Qt-free so the rules are the same in the sidebar, the CLI and the web console.
Bodies come from content packs and a server the agent does not control, so what a
body can make the viewer do is limited here: raw HTML is shown as text, remote
images are not loaded (no tracking pixels, nothing fetched mid-call), and very long
articles are cut for display.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from deskmate.core.content.model import _PLACEHOLDER

#: Beyond this many characters the viewer shows a note instead of the rest.
DISPLAY_LIMIT = 200_000

_IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)\s]*)(?:\s+\"[^\"]*\")?\)")
_AUTOLINK_HTML = re.compile(r"<(?=[A-Za-z/!?])")


def fill_placeholders(body: str, values: Mapping[str, str]) -> str:
    """Replace ``{name}`` and ``{{name}}`` with the agent's values.

    Placeholders without a value (or with an empty one) stay as they are, so the
    agent sees what is still missing in the copied text.
    """

    def replace(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(2)
        value = values.get(name, "").strip()
        return value if value else match.group(0)

    return _PLACEHOLDER.sub(replace, body)


_EMPHASIS = re.compile(r"(\*\*|__|`)")
_LINE_MARKUP = re.compile(r"^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+(?=\S))", re.MULTILINE)


def script_text(body: str) -> str:
    """A script body as the words an agent pastes, without Markdown marks.

    A CRM reply box would show emphasis, quote and heading marks literally.
    """
    return _LINE_MARKUP.sub("", _EMPHASIS.sub("", body)).strip()


def unfilled_placeholders(body: str, values: Mapping[str, str]) -> list[str]:
    """Placeholder names of ``body`` that ``values`` leaves empty, in order."""
    seen: dict[str, None] = {}
    for match in _PLACEHOLDER.finditer(body):
        name = match.group(1) or match.group(2)
        if not values.get(name, "").strip():
            seen.setdefault(name, None)
    return list(seen)


def safe_markdown(markdown: str, limit: int = DISPLAY_LIMIT) -> tuple[str, bool]:
    """Markdown that renders without raw HTML or remote images.

    Returns:
        The defused Markdown and whether it was cut at ``limit`` characters.
    """
    cut = len(markdown) > limit
    text = markdown[:limit] if cut else markdown

    def image(match: re.Match[str]) -> str:
        alt, url = match.group(1), match.group(2)
        if url.startswith(("http:", "https:", "//", "ftp:", "file:", "data:")):
            return f"[{alt or 'image'}]"
        return match.group(0)

    text = _IMAGE.sub(image, text)
    # A "<" that could open a tag becomes an entity: Markdown then shows it as text.
    text = _AUTOLINK_HTML.sub("&lt;", text)
    return text, cut
