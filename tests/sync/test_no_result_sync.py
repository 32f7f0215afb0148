"""Issue #13 end to end: what the sidebar records reaches the console and the gap queue truly.

The client's events go up with the real ``SyncClient`` to the real server on loopback;
the articles page (the no-result chart and query list), the help-seeking flags and
``GET /api/v1/gaps`` then count only searches that found nothing. Old sidebars' false
no-results (no count, after a search that showed results) are reclassified on upload.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
from deskmate.core import KnowledgeBase
from deskmate.core.activity.consultation_log import ConsultationLog
from deskmate.core.activity.events import EventKind, GapFlag, GapType
from deskmate.server.auth import Role, add_user, issue_token
from deskmate.server.console.analytics import article_report
from deskmate.server.console.help_seeking import team_trends
from deskmate.server.tables import EventRow
from sqlalchemy import select

from tests.server.console_fixtures import sign_in
from tests.sync.conftest import AGENT, LiveServer, make_client


def stored_kinds(server: LiveServer) -> dict[str, list[str]]:
    kinds: dict[str, list[str]] = {}
    with server.db.read() as conn:
        for kind, payload in conn.execute(select(EventRow.kind, EventRow.payload)):
            kinds.setdefault(kind, []).append(payload)
    return kinds


def sync(kb: KnowledgeBase, events: ConsultationLog, server: LiveServer, token: str) -> None:
    with make_client(kb, events, server.url, token) as client:
        report = client.sync_once()
    assert report.ok, report.problem


def gaps(server: LiveServer, token: str) -> list[dict[str, Any]]:
    answer = httpx.get(
        f"{server.url}/api/v1/gaps",
        headers={"Authorization": f"Bearer {token}"},
        params={"status": "open"},
    )
    assert answer.status_code == 200, answer.text
    return list(answer.json()["topics"])


def test_searches_with_results_never_count_as_no_result(
    live_server: LiveServer, token: str, kb: KnowledgeBase, events: ConsultationLog
) -> None:
    add_user(live_server.db, "boss", Role.MANAGER, "team1")
    add_user(live_server.db, "ed", Role.EDITOR, None)
    editor = issue_token(live_server.db, "ed")
    # What the fixed sidebar records: results left unopened, and a search that found nothing.
    events.record_search("refund", 12)
    events.record_nothing_opened("refund", 12)
    events.record_search("zzqqxx", 0)
    events.record_no_result("zzqqxx", 0)
    # What an old sidebar still sends: a count-less no_result after a search with results.
    events.record_search("退款 到期 卡", 9)
    events.record_no_result("退款 到期 卡", None)
    sync(kb, events, live_server, token)

    kinds = stored_kinds(live_server)
    assert len(kinds["no_result"]) == 1
    assert '"zzqqxx"' in kinds["no_result"][0]
    assert len(kinds["nothing_opened"]) == 2
    old = next(p for p in kinds["nothing_opened"] if "到期" in p)
    assert '"recorded_as": "no_result"' in old
    assert '"result_count": 9' in old

    # The no-result chart and the frequent no-result queries: only "zzqqxx".
    report = article_report(live_server.db, None, 30, with_queries=True)
    assert sum(n for _, n in report.zero_weeks) == 1
    assert report.frequent_zero_queries == [("zzqqxx", 1)]
    with httpx.Client(base_url=live_server.url) as console:
        assert sign_in(console, editor).status_code == 303
        page = console.get("/console/articles", params={"days": 30})
    assert page.status_code == 200
    heading = next(h for h in ("常见的无结果搜索", "Frequent no-result searches") if h in page.text)
    frequent = page.text.split(heading, 1)[1].split("</table>", 1)[0]
    assert "zzqqxx" in frequent
    assert "refund" not in frequent
    assert "到期" not in frequent
    # Help-seeking: one flag (the real no-result) for three searches.
    trends = team_trends(live_server.db, [AGENT], 7, today=date.today())
    total = trends.agents[0].total
    assert (total.searches, total.flags) == (3, 1)

    # The gap queue: the real no-result makes a topic; results left unopened alone do not.
    topics = gaps(live_server, editor)
    assert [t["label"] for t in topics] == ["zzqqxx"]
    assert topics[0]["kinds"]["no_result"] == 1
    assert topics[0]["kinds"]["nothing_opened"] == 0

    # A flag on "refund" makes a topic, which the unopened "refund" searches then join.
    events.record_gap(GapFlag(GapType.MISSING, query="refund"))
    events.record_search("refund", 12)
    events.record_nothing_opened("refund", 12)
    sync(kb, events, live_server, token)
    refund = next(t for t in gaps(live_server, editor) if t["label"] == "refund")
    assert refund["kinds"]["gap"] == 1
    assert refund["kinds"]["no_result"] == 0
    assert refund["kinds"]["nothing_opened"] >= 1
    assert EventKind.NO_RESULT.value not in [k for k, n in refund["kinds"].items() if n]
