"""Help from people on the help-seeking page: experts contacted from the sidebar's card.

Contacts are uploaded like a sync does (``POST /api/v1/events``), on SQLite and
PostgreSQL, and read back through the console page (as the team's manager) and its data.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from deskmate.core.activity.events import EventKind
from deskmate.server.console.help_seeking import team_trends
from deskmate.server.console.people_help import people_help

from tests.server.conftest import RunningServer
from tests.server.console_fixtures import console_client
from tests.server.helpers import event, item_record
from tests.server.learning_fixtures import add_team, import_learning_pack

EXPERTS = [
    item_record(
        "exp-wang",
        "王芳",
        kind="expert",
        name="王芳",
        team="退款组",
        contact={"phone": "021-1", "email": "wang@x.example", "im": "im:x/wang"},
        skills=["billing.refund"],
    ),
    item_record(
        "exp-zhou",
        "周杰",
        kind="expert",
        name="周杰",
        team="技术支持组",
        contact={"phone": "021-2", "im": "im:x/zhou"},
        skills=["tech.esim", "soft.empathy"],
    ),
]


def _at(back: int, minute: int = 0) -> str:
    day = date.today() - timedelta(days=back)
    return f"{day.isoformat()}T10:{minute:02d}:00.000000+08:00"


def contact(agent: str, expert: str, channel: str, back: int = 0, **detail: Any) -> dict[str, Any]:
    return event(
        agent,
        EventKind.CONTACT,
        item_id=expert,
        query="",
        result_count=None,
        detail={"channel": channel, "opened": True, **detail},
        occurred_at=_at(back, 5),
    )


def looked_up(agent: str, item: str, back: int = 0) -> dict[str, Any]:
    return event(agent, EventKind.OPEN, item_id=item, query="退款", occurred_at=_at(back))


def upload(server: RunningServer, token: str, events: list[dict[str, Any]]) -> Any:
    with server.client(token) as client:
        return client.post("/api/v1/events", json={"events": events})


def seed(server: RunningServer, tmp_path: Path) -> dict[str, str]:
    import_learning_pack(server, tmp_path / "pack", extra=EXPERTS)
    tokens = add_team(server)
    li_na = [
        looked_up("li.na", "faq-refund"),
        looked_up("li.na", "faq-refund", back=1),
        looked_up("li.na", "faq-esim", back=2),
        contact("li.na", "exp-wang", "phone"),
        contact("li.na", "exp-wang", "email", back=1),
        contact("li.na", "exp-zhou", "im", back=2, opened=False),
        contact("li.na", "exp-zhou", "phone", back=40),  # before the 30 days
    ]
    zhao = [looked_up("zhao.lei", "faq-calm"), contact("zhao.lei", "exp-zhou", "phone", back=3)]
    other = [contact("chen.other", "exp-wang", "phone")]  # another team: never shown
    for name, events in (("li.na", li_na), ("zhao.lei", zhao), ("chen.other", other)):
        answer = upload(server, tokens[name], events)
        assert answer.status_code == 200, answer.text
        assert len(answer.json()["accepted"]) == len(events)
    return tokens


def test_contacts_are_stored_and_counted_beside_kb_lookups(
    server: RunningServer, tmp_path: Path
) -> None:
    seed(server, tmp_path)
    team = ["li.na", "zhao.lei"]
    trends = team_trends(server.db, team, 30)
    assert sum(day.contacts for day in trends.team) == 4
    assert sum(day.opens for day in trends.team) == 4
    by_agent = {s.agent: s.total for s in trends.agents}
    assert (by_agent["li.na"].opens, by_agent["li.na"].contacts) == (3, 3)
    assert (by_agent["zhao.lei"].opens, by_agent["zhao.lei"].contacts) == (1, 1)

    start = date.fromisoformat(trends.days[0])
    people = people_help(server.db, team, start, "en")
    assert dict(people.team.channels) == {"phone": 2, "email": 1, "im": 1}
    li_na = people.agents["li.na"]
    assert dict(li_na.channels) == {"phone": 1, "email": 1, "im": 1}
    assert [(info.name, info.team, n) for info, n in people.experts_asked(li_na)] == [
        ("王芳", "退款组", 2),
        ("周杰", "技术支持组", 1),
    ]
    assert people.skills_asked(li_na) == [("Refunds", 2), ("Empathy", 1), ("eSIM", 1)]
    assert people.skills_asked(people.team) == [("Empathy", 2), ("Refunds", 2), ("eSIM", 2)]
    assert people.agents["zhao.lei"].total == 1
    assert "chen.other" not in people.agents
    assert people_help(server.db, team, start - timedelta(days=60), "zh").team.total == 5


def test_the_manager_sees_help_from_people_on_the_page(
    server: RunningServer, tmp_path: Path
) -> None:
    tokens = seed(server, tmp_path)
    manager = console_client(server, tokens["wang.mgr"])
    try:
        page = manager.get("/console/trends?days=30&lang=en").text
        chinese = manager.get("/console/trends?days=30&lang=zh").text
    finally:
        manager.close()
    assert "Help from people: experts contacted" in page
    assert "Help per day: knowledge base and experts" in page
    assert page.count("<svg") >= 4 + 2  # four charts and a sparkline per agent
    table = page[page.index('id="people-per-agent"') :]
    rows = {
        cells[0]: cells[1:]
        for cells in (
            [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", r)]
            for r in re.findall(r"<tr>(.*?)</tr>", table[: table.index("</table>")], re.S)
        )
    }
    # KB look-ups, contacts, phone, email, IM, share from people, experts, skills
    assert rows["li.na"][:6] == ["3", "3", "1", "1", "1", "50%"]
    assert rows["li.na"][6:] == ["王芳 ×2、周杰 ×1", "Refunds ×2、Empathy ×1、eSIM ×1"]
    assert rows["zhao.lei"][:6] == ["1", "1", "1", "0", "0", "50%"]
    assert rows["zhao.lei"][6:] == ["周杰 ×1", "Empathy ×1、eSIM ×1"]
    assert rows["Team"][:6] == ["4", "4", "2", "1", "1", "50%"]
    assert "<b>王芳</b>" in page  # the team's most asked experts
    assert "chen.other" not in page
    assert "向人求助：联系专家" in chinese
    assert "退款处理 ×2" in chinese  # skill names in the page's language


def test_a_page_without_contacts_says_so(server: RunningServer, tmp_path: Path) -> None:
    import_learning_pack(server, tmp_path / "pack", extra=EXPERTS)
    tokens = add_team(server)
    assert upload(server, tokens["li.na"], [looked_up("li.na", "faq-refund")]).status_code == 200
    manager = console_client(server, tokens["wang.mgr"])
    try:
        page = manager.get("/console/trends?lang=en").text
    finally:
        manager.close()
    assert "No expert was contacted in this period." in page


def test_a_contact_without_a_known_channel_or_expert_is_refused(
    server: RunningServer, tmp_path: Path
) -> None:
    tokens = seed(server, tmp_path)
    good = contact("li.na", "exp-wang", "phone")
    for bad, field in (
        ({**good, "detail": {"channel": "fax"}}, "channel"),
        ({**good, "item_id": None}, "item_id"),
    ):
        answer = upload(server, tokens["li.na"], [good, bad])
        assert answer.status_code == 422, answer.text
        assert f"field '{field}'" in answer.json()["detail"]
        assert "choose one of: phone, email, im" in answer.json()["detail"] or field == "item_id"
    # Nothing of a refused batch is stored.
    start = datetime.now().date() - timedelta(days=29)
    assert people_help(server.db, ["li.na"], start).team.total == 3
