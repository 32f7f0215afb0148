"""Signing in to the console over HTTP, reading its forms, and seeding agents' activity."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta
from typing import Any

import httpx
from deskmate.core.activity.events import EventKind

from tests.server.conftest import RunningServer
from tests.server.helpers import event

_FORM = re.compile(r'<form[^>]*action="(?P<action>[^"]+)"[^>]*>(?P<body>.*?)</form>', re.S)
_CSRF = re.compile(r'name="csrf" value="(?P<value>[^"]+)"')


def form_csrf(page: str, action: str) -> str:
    """The CSRF token of the first form of ``page`` posting to ``action``."""
    for match in _FORM.finditer(page):
        if html.unescape(match["action"]) == action:
            found = _CSRF.search(match["body"])
            assert found, f"the form to {action} has no csrf field"
            return found["value"]
    raise AssertionError(f"no form posts to {action}")


def sign_in(client: httpx.Client, token: str, next_page: str = "/console/") -> httpx.Response:
    """Fill in and send the sign-in form (not following the redirect)."""
    page = client.get("/console/signin")
    assert page.status_code == 200, page.text
    fields = {"csrf": form_csrf(page.text, "/console/signin"), "token": token, "next": next_page}
    return client.post("/console/signin", data=fields)


def console_client(server: RunningServer, token: str) -> httpx.Client:
    """A client signed in to the console with ``token`` (a manager's or an editor's)."""
    client = server.client()
    answer = sign_in(client, token)
    assert answer.status_code == 303, answer.text
    return client


def _at(day: date, minute: int) -> str:
    return f"{day.isoformat()}T{9 + minute // 60:02d}:{minute % 60:02d}:00.000000+08:00"


def day_of_activity(agent: str, day: date, busy: int) -> list[dict[str, Any]]:
    """One agent's events on one day: ``busy`` searches, opens (some repeats), votes, flags."""
    items = ["faq-refund", "faq-refund-partial", "faq-esim", "faq-calm"]
    events = []
    for n in range(busy):
        at = _at(day, 3 * n)
        events.append(event(agent, EventKind.SEARCH, query=f"退款 {n}", occurred_at=at))
        if n % 3 == 2:  # not every search leads to an opened item
            continue
        item = items[n % (2 if agent == "li.na" else len(items))]  # li.na: the same two
        at = _at(day, 3 * n + 1)
        events.append(event(agent, EventKind.OPEN, item_id=item, query="退款", occurred_at=at))
    unhelpful = {"helpful": False}
    at = _at(day, 200)
    events.append(
        event(
            agent, EventKind.FEEDBACK, item_id="faq-refund-card", detail=unhelpful, occurred_at=at
        )
    )
    if day.toordinal() % 4 == 0:  # now and then, the agent flags an item as out of date
        flag = {"gap_type": "outdated", "note": "话术过时", "interaction_id": ""}
        at = _at(day, 201)
        flagged = event(agent, EventKind.GAP, item_id="faq-calm", detail=flag, occurred_at=at)
        events.append({**flagged, "query": ""})  # about the item, not a search
    at = _at(day, 202)
    events.append(
        event(agent, EventKind.NO_RESULT, query="携号转网 费用", result_count=0, occurred_at=at)
    )
    return events


def seed_activity(
    server: RunningServer, tokens: dict[str, str], days: int = 10, today: date | None = None
) -> None:
    """Upload ``days`` days of activity of li.na, zhao.lei and chen.other, through the API."""
    today = today or date.today()
    for agent, busy in (("li.na", 4), ("zhao.lei", 2), ("chen.other", 3)):
        events = []
        for back in range(days):
            events += day_of_activity(agent, today - timedelta(days=back), busy + back % 3)
        with server.client(tokens[agent]) as client:
            answer = client.post("/api/v1/events", json={"events": events})
        assert answer.status_code == 200, answer.text


def post_gap(server: RunningServer, token: str, agent: str, query: str) -> None:
    """An agent flags a gap from the sidebar (uploaded like a sync does)."""
    detail = {"gap_type": "missing", "note": "客户问的", "interaction_id": "C-1"}
    flagged = event(agent, EventKind.GAP, query=query, detail=detail, result_count=None)
    with server.client(token) as client:
        assert client.post("/api/v1/events", json={"events": [flagged]}).status_code == 200
