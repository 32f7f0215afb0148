"""End to end: an agent contacts an expert from the sidebar, a sync uploads it, the manager sees it.

The real sidebar widgets (offscreen), the real SyncClient, the real server on loopback
and its console, signed in as the team's manager. Only the system's URL opening is
replaced, by Qt's own URL handlers (no phone or mail app starts).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

import httpx
import pytest
from deskmate.core import KnowledgeBase
from deskmate.core.activity.consultation_log import ConsultationLog
from deskmate.core.activity.events import EventKind
from deskmate.desktop.activity_recorder import ActivityRecorder
from deskmate.desktop.sidebar import SidebarWindow
from deskmate.server.auth import Role, add_user, issue_token
from deskmate.server.console.help_seeking import team_trends
from deskmate.server.console.people_help import people_help
from PySide6.QtCore import Qt
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from tests.desktop.conftest import press, type_text, wait_for_results
from tests.desktop.test_expert_contact import UrlCatcher
from tests.server.console_fixtures import sign_in
from tests.sync.conftest import AGENT, LiveServer, make_client


@pytest.fixture
def apps() -> Iterator[UrlCatcher]:
    catcher = UrlCatcher()
    for scheme in ("tel", "mailto", "im"):
        QDesktopServices.setUrlHandler(scheme, catcher, "take")  # type: ignore[arg-type]
    yield catcher
    for scheme in ("tel", "mailto", "im"):
        QDesktopServices.unsetUrlHandler(scheme)


def _open_first(qtbot: QtBot, window: SidebarWindow, query: str) -> str:
    window.search_box.clear()
    type_text(qtbot, window.search_box, query)
    wait_for_results(qtbot, window, query)
    press(qtbot, window.search_box, Qt.Key.Key_Return)
    item = window.current_item()
    assert item is not None
    return item.id


def test_contacts_made_in_the_sidebar_reach_the_managers_help_seeking_page(
    qtbot: QtBot,
    live_server: LiveServer,
    token: str,
    kb: KnowledgeBase,
    events: ConsultationLog,
    apps: UrlCatcher,
) -> None:
    with make_client(kb, events, live_server.url, token) as client:
        assert client.sync_once().ok  # the sample pack's content, experts included
    recorder = ActivityRecorder(events)
    window = SidebarWindow(kb, recorder)
    qtbot.addWidget(window)
    window.resize(380, 800)
    window.show()
    try:
        assert _open_first(qtbot, window, "退款") != "exp-001"  # help from the knowledge base
        window.back()
        assert _open_first(qtbot, window, "张伟") == "exp-001"  # 张伟, 账单与退款组
        card = window.item_view.expert
        for channel in ("phone", "email", "phone"):
            button = card.findChild(QPushButton, f"contact:{channel}")
            assert button is not None
            qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        window.end_session()
    finally:
        window.shutdown()
        recorder.flush()
    assert len(apps.opened) == 3
    contacts = [e for e in events.recent(50) if e.kind is EventKind.CONTACT]
    assert len(contacts) == 3

    with make_client(kb, events, live_server.url, token) as client:
        report = client.sync_once()
    assert report.ok, report.problem
    assert {e.event_id for e in contacts} <= set(live_server.event_ids())
    assert events.pending_upload() == []

    # The data behind the page.
    trends = team_trends(live_server.db, [AGENT], 30)
    (agent,) = trends.agents
    assert agent.total.contacts == 3
    assert agent.total.opens >= 2  # the FAQ and the expert's card
    people = people_help(live_server.db, [AGENT], date.fromisoformat(trends.days[0]), "en")
    assert dict(people.team.channels) == {"phone": 2, "email": 1}
    [(expert, times)] = people.experts_asked(people.team)
    assert (expert.name, expert.team, times) == ("张伟", "账单与退款组", 3)
    assert people.skills_asked(people.team) == [
        ("Charges and disputes", 3),
        ("Compensation", 3),
        ("Refunds", 3),
    ]

    # The page, as the team's manager.
    add_user(live_server.db, "mgr", Role.MANAGER, "team1")
    with httpx.Client(base_url=live_server.url, timeout=30) as browser:
        assert sign_in(browser, issue_token(live_server.db, "mgr")).status_code == 303
        page = browser.get("/console/trends?lang=en").text
    assert "Help from people: experts contacted" in page
    row = re.search(
        r"<tr>\s*<td><a href=\"/console/agents/agent1\">agent1</a></td>(.*?)</tr>",
        page[page.index('id="people-per-agent"') :],
        re.S,
    )
    assert row is not None
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row[1])]
    opens = str(agent.total.opens)
    assert cells[:5] == [opens, "3", "2", "1", "0"]  # KB look-ups, contacts, phone, email, IM
    assert cells[6:] == ["张伟 ×3", "Charges and disputes ×3、Compensation ×3、Refunds ×3"]
