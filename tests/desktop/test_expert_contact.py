"""Calling, emailing and messaging an expert from the sidebar's card is recorded (issue #13).

The system's own URL opening (QDesktopServices) is the edge: the tests register Qt's
URL handlers for ``tel``, ``mailto`` and ``im`` so no real phone, mail or chat app
starts, and the card's clicks reach them exactly as they would reach the system.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from deskmate.core.activity.events import EventKind
from deskmate.desktop.activity_recorder import ActivityRecorder
from deskmate.desktop.sidebar import SidebarWindow
from PySide6.QtCore import QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from tests.desktop.conftest import press, type_text, wait_for_results

EXPERT = "exp-001"  # 张伟, 账单与退款组: phone + extension, email and IM in the sample pack


class UrlCatcher(QObject):
    """Stands in for the phone, mail and chat apps: keeps the URLs it was asked to open."""

    def __init__(self) -> None:
        super().__init__()
        self.opened: list[str] = []

    @Slot(QUrl)
    def take(self, url: QUrl) -> None:
        self.opened.append(url.toString())


@pytest.fixture
def apps() -> Iterator[UrlCatcher]:
    catcher = UrlCatcher()
    schemes = ("tel", "mailto", "im")
    for scheme in schemes:
        QDesktopServices.setUrlHandler(scheme, catcher, "take")  # type: ignore[arg-type]
    yield catcher
    for scheme in schemes:
        QDesktopServices.unsetUrlHandler(scheme)


def _open_expert(qtbot: QtBot, sidebar: SidebarWindow) -> None:
    type_text(qtbot, sidebar.search_box, "张伟")
    wait_for_results(qtbot, sidebar, "张伟")
    hit = sidebar.model.hit(0)
    assert hit is not None
    assert hit.id == EXPERT
    press(qtbot, sidebar.search_box, Qt.Key.Key_Return)
    item = sidebar.current_item()
    assert item is not None
    assert item.id == EXPERT


def _button(sidebar: SidebarWindow, channel: str) -> QPushButton:
    button = sidebar.item_view.expert.findChild(QPushButton, f"contact:{channel}")
    assert button is not None, channel
    assert button.isVisible(), channel
    return button


def test_call_email_and_message_buttons_record_contacts(
    qtbot: QtBot, sidebar: SidebarWindow, recorder: ActivityRecorder, apps: UrlCatcher
) -> None:
    _open_expert(qtbot, sidebar)
    for channel in ("phone", "email", "im"):
        qtbot.mouseClick(_button(sidebar, channel), Qt.MouseButton.LeftButton)
    assert apps.opened == [
        "tel:021-5555-0101,6107",
        "mailto:zhang.wei@starbridge.example",
        "im:starbridge/zhang.wei",
    ]
    recorder.flush()
    contacts = [e for e in recorder.recent(20) if e.kind == EventKind.CONTACT]
    assert [(e.item_id, dict(e.detail)) for e in reversed(contacts)] == [
        (EXPERT, {"channel": "phone", "opened": True}),
        (EXPERT, {"channel": "email", "opened": True}),
        (EXPERT, {"channel": "im", "opened": True}),
    ]
    assert all(e.agent_id == "agent-007" for e in contacts)
    assert "No app" not in sidebar.status.text()

    sidebar.show_history()
    assert sidebar.jobs.wait_until_idle()
    rows = [sidebar.history.list.item(n).text() for n in range(sidebar.history.list.count())]
    assert any(r.endswith("Called 张伟 (账单与退款组)") for r in rows), rows
    assert any(r.endswith("Emailed 张伟 (账单与退款组)") for r in rows), rows
    assert any(r.endswith("Messaged 张伟 (账单与退款组)") for r in rows), rows


# Offscreen Qt opens no URL and says so: exactly the failure this test is about.
@pytest.mark.qt_log_ignore(r"^This plugin does not support QPlatformServices::openUrl\(\) for 'im:")
def test_a_link_no_app_opens_is_still_recorded_and_the_agent_is_told(
    qtbot: QtBot, sidebar: SidebarWindow, recorder: ActivityRecorder, apps: UrlCatcher
) -> None:
    if QGuiApplication.platformName() != "offscreen":
        pytest.skip("needs the offscreen platform, which opens no URL without a handler")
    QDesktopServices.unsetUrlHandler("im")  # no chat app on this machine
    _open_expert(qtbot, sidebar)
    qtbot.mouseClick(_button(sidebar, "im"), Qt.MouseButton.LeftButton)
    assert apps.opened == []
    assert "No app opened the link" in sidebar.status.text()
    assert "im:starbridge/zhang.wei" in sidebar.status.text()
    recorder.flush()
    contact = next(e for e in recorder.recent(20) if e.kind == EventKind.CONTACT)
    assert contact.item_id == EXPERT
    assert dict(contact.detail) == {"channel": "im", "opened": False}
    sidebar.show_history()
    assert sidebar.jobs.wait_until_idle()
    rows = [sidebar.history.list.item(n).text() for n in range(sidebar.history.list.count())]
    assert any(r.endswith("Tried to message 张伟 (账单与退款组)") for r in rows), rows
