"""Item bodies as HTML for the console's preview: the sidebar's Markdown, made safe.

The sidebar shows a body with Qt's Markdown reader (md4c, GitHub dialect: tables and
strikethrough) after ``safe_markdown`` has defused it. The console renders the same
defused text with markdown-it-py (CommonMark plus tables and strikethrough), with the
sidebar's rules kept: raw HTML is text, no image is ever loaded (its alt text is shown in
brackets), and only http, https and mailto links are links; anything else (javascript:,
data:, relative addresses) stays as the text that was typed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from deskmate.core.content.presentation import safe_markdown
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token
from markupsafe import Markup

#: Schemes the preview makes links of (the sidebar opens these and a few phone ones).
LINK_SCHEMES = ("http:", "https:", "mailto:")


def _allowed_link(url: str) -> bool:
    return url.strip().lower().startswith(LINK_SCHEMES)


def _image_as_text(renderer: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    """An image is never loaded: its alt text in brackets, as ``safe_markdown`` does."""
    alt = renderer.renderInlineAsText(tokens[idx].children or [], options, env)
    return f'<span class="image-alt">[{escapeHtml(alt or "image")}]</span>'


def _link_open(renderer: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    """Links leave no referrer and give the opened page no handle on the console."""
    tokens[idx].attrSet("rel", "noopener noreferrer nofollow")
    tokens[idx].attrSet("target", "_blank")
    return str(renderer.renderToken(tokens, idx, options, env))


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.validateLink = _allowed_link  # type: ignore[method-assign]
    md.add_render_rule("image", _image_as_text)
    md.add_render_rule("link_open", _link_open)
    return md


_MD = _parser()


def render_markdown(markdown: str) -> tuple[Markup, bool]:
    """A body as the sidebar shows it, as HTML safe to put in a console page.

    Returns:
        The HTML (markdown-it escapes every character of the text; no raw HTML passes)
        and whether the body was cut at the sidebar's display limit.
    """
    text, cut = safe_markdown(markdown)
    return Markup(_MD.render(text)), cut  # noqa: S704 - escaped by the renderer, html off
