"""SafeTextBrowser: shows item Markdown without running or fetching anything.

``QTextBrowser`` never runs scripts; what remains is loading resources. Raw HTML is
already turned into text by ``safe_markdown``; this class also refuses every
resource request (images, style sheets), so a body cannot make Deskmate contact a
remote host, and opens only web, mail and phone links, in the system's own apps.
"""

from __future__ import annotations

from typing import Any

from deskmate.core.content.presentation import safe_markdown
from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QTextBrowser, QWidget

OPENABLE_SCHEMES = frozenset({"http", "https", "mailto", "tel", "sip", "im"})


class SafeTextBrowser(QTextBrowser):
    """A read-only Markdown view with no resource loading."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.anchorClicked.connect(self._open_link)
        self.truncated = False

    def show_markdown(self, markdown: str) -> None:
        """Render ``markdown`` defused (see ``safe_markdown``)."""
        text, self.truncated = safe_markdown(markdown)
        if self.truncated:
            text += "\n\n---\n\n" + self.tr(
                "*This article is very long; only its beginning is shown.*"
            )
        self.setMarkdown(text)

    def loadResource(self, _type: int, _name: QUrl | str) -> Any:  # noqa: N802
        """Qt: refuse every resource (remote or local): bodies carry none we trust."""
        return None

    def _open_link(self, url: QUrl) -> None:
        if url.scheme().lower() in OPENABLE_SCHEMES:
            QDesktopServices.openUrl(url)
