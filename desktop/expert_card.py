"""ExpertCard: who to consult, and one click to call, mail or message them.

Each click asks the system to open the link (``tel:``, ``mailto:``, the IM URI) and then
emits :attr:`ExpertCard.contacted` with whether an app took it, so the sidebar records
the contact either way: the agent tried to reach a person.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from datetime import datetime

from deskmate.core.content.model import Item
from deskmate.desktop.expert_browser import reach_text
from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget


def contact_urls(item: Item) -> dict[str, QUrl]:
    """Contact actions of an expert card: tel:, mailto: and the IM URI as given."""
    expert = item.expert
    if expert is None:
        return {}
    urls: dict[str, QUrl] = {}
    if expert.phone:
        number = expert.phone.replace(" ", "")
        if expert.extension:
            number += f",{expert.extension}"
        urls["phone"] = QUrl(f"tel:{number}")
    elif expert.extension:
        urls["phone"] = QUrl(f"tel:{expert.extension}")
    if expert.email:
        urls["email"] = QUrl(f"mailto:{expert.email}")
    if expert.im:
        urls["im"] = QUrl(expert.im)
    return urls


def contact_address(item: Item, channel: str) -> str:
    """The number, address or IM id behind a channel, as the agent would dial or type it."""
    expert = item.expert
    if expert is None:
        return ""
    if channel == "phone":
        return " ".join(p for p in (expert.phone, expert.extension) if p)
    return expert.email if channel == "email" else expert.im


class ExpertCard(QWidget):
    """Team, role, skills, languages, hours and contact buttons of an expert."""

    contacted = Signal(str, bool)  # channel ("phone", "email", "im"), an app opened the link

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self._facts = QLabel()
        self._facts.setWordWrap(True)
        self._facts.setObjectName("expertFacts")
        self._buttons = QHBoxLayout()
        layout.addWidget(self._facts)
        layout.addLayout(self._buttons)
        layout.addStretch(1)
        self.urls: dict[str, QUrl] = {}

    def show_item(self, item: Item, skill_names: Mapping[str, str]) -> None:
        """Show an expert item."""
        expert = item.expert
        if expert is None:
            return
        rows = [
            (self.tr("Team"), expert.team),
            (self.tr("Role"), expert.role),
            (self.tr("Skills"), "、".join(skill_names.get(s, s) for s in item.skills)),
            (self.tr("Languages"), "、".join(expert.languages)),
            (self.tr("Hours"), expert.hours),
            (self.tr("Now"), reach_text(item, datetime.now().astimezone(), with_hours=False)[1]),
            (self.tr("Phone"), " ".join(p for p in (expert.phone, expert.extension) if p)),
            (self.tr("Email"), expert.email),
        ]
        self._facts.setText(
            "<table cellpadding='3'>"
            + "".join(
                f"<tr><td><b>{html.escape(k)}</b></td><td>{html.escape(v)}</td></tr>"
                for k, v in rows
                if v
            )
            + "</table>"
        )
        while self._buttons.count():
            taken = self._buttons.takeAt(0)
            old = taken.widget() if taken is not None else None
            if old is not None:
                old.deleteLater()
        self.urls = contact_urls(item)
        labels = {"phone": self.tr("Call"), "email": self.tr("Email"), "im": self.tr("Message")}
        for key, url in self.urls.items():
            button = QPushButton(labels[key])
            button.setObjectName(f"contact:{key}")
            button.setToolTip(url.toString())
            button.clicked.connect(lambda _=False, k=key: self.contact(k))
            self._buttons.addWidget(button)

    def contact(self, channel: str) -> bool:
        """Open the link of ``channel`` in the system's app; True if an app took it.

        Emits :attr:`contacted` whether or not it opened.
        """
        url = self.urls.get(channel)
        if url is None:
            return False
        opened = bool(QDesktopServices.openUrl(url))
        self.contacted.emit(channel, opened)
        return opened
