"""Profiles list every skill an agent works on, count completed assignments, and remember.

Over the real API and console on SQLite and PostgreSQL: a skill only looked up appears
(also for an agent without a learning role, and outside the role's targets with target
null); a completed assignment moves the level; each week's level and every rating are
kept, and the profile and the console's agent page show the trend.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from deskmate.core.activity.events import EventKind
from deskmate.server.auth import Role, add_user, issue_token
from deskmate.server.learning import assessments
from deskmate.server.learning.history import iso_week
from deskmate.server.learning.profiles import refresh_profiles
from deskmate.server.tables import AssessmentHistoryRow, LevelHistoryRow
from sqlalchemy import select

from tests.server.conftest import RunningServer
from tests.server.console_fixtures import console_client
from tests.server.helpers import event, item_record
from tests.server.learning_fixtures import add_team, import_learning_pack


def _ago(days: float) -> str:
    return (datetime.now(UTC) - timedelta(days=days)).astimezone().isoformat()


def _post(server: RunningServer, token: str, events: list[dict[str, Any]]) -> None:
    with server.client(token) as client:
        answer = client.post("/api/v1/events", json={"events": events})
    assert answer.status_code == 200, answer.text


def _profile(server: RunningServer, token: str, lang: str = "zh") -> dict[str, Any]:
    with server.client(token) as client:
        answer = client.get("/api/v1/me/profile", params={"lang": lang})
    assert answer.status_code == 200, answer.text
    return answer.json()  # type: ignore[no-any-return]


def _skill(profile: dict[str, Any], code: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = [s for s in profile["skills"] if s["code"] == code]
    assert found, f"{code} is not in {[s['code'] for s in profile['skills']]}"
    return found[0]


def _opens(agent: str, item_id: str, count: int) -> list[dict[str, Any]]:
    return [
        event(agent, EventKind.OPEN, item_id=item_id, occurred_at=_ago(1 + n / 3))
        for n in range(count)
    ]


def test_an_agent_without_a_learning_role_gets_the_skills_they_look_up(
    server: RunningServer, tmp_path: Path
) -> None:
    import_learning_pack(server, tmp_path / "pack")
    add_user(server.db, "wu.free", Role.AGENT, "t1", None)
    token = issue_token(server.db, "wu.free")
    assert _profile(server, token)["skills"] == []
    _post(server, token, _opens("wu.free", "faq-refund", 8))
    profile = _profile(server, token)
    assert profile["role"] is None
    refund = _skill(profile, "billing.refund")
    assert refund["target"] is None
    assert refund["gap"] == 0
    assert refund["looks"] == 8
    assert refund["level"] is not None
    assert refund["level"] < 3
    assert refund["sources"]["consultation"] == refund["level"]
    assert [s["code"] for s in profile["skills"]] == ["billing.refund"]


def test_a_skill_outside_the_roles_targets_appears_with_target_null(
    server: RunningServer, tmp_path: Path
) -> None:
    # "billing" (the parent skill) is not among new_agent's targets.
    invoice = item_record("faq-invoice", "发票怎么开", skills=["billing"])
    import_learning_pack(server, tmp_path / "pack", [invoice])
    tokens = add_team(server)
    _post(server, tokens["li.na"], _opens("li.na", "faq-invoice", 5))
    profile = _profile(server, tokens["li.na"], "en")
    billing = _skill(profile, "billing")
    assert billing["name"] == "Billing"
    assert billing["target"] is None
    assert billing["level"] is not None
    assert billing["looks"] == 5
    # The role's own skills are still all there, with their targets.
    assert _skill(profile, "tech.esim")["target"] == 2
    # A single look is listed too; it says it is too early for a level.
    _post(server, tokens["zhao.lei"], _opens("zhao.lei", "faq-invoice", 1))
    once = _skill(_profile(server, tokens["zhao.lei"], "en"), "billing")
    assert once["level"] is None
    assert once["target"] is None
    assert once["looks"] == 1


def test_a_completed_assignment_changes_the_level(server: RunningServer, tmp_path: Path) -> None:
    import_learning_pack(server, tmp_path / "pack")
    tokens = add_team(server)
    _post(server, tokens["li.na"], _opens("li.na", "faq-esim", 6))
    before = _skill(_profile(server, tokens["li.na"]), "tech.esim")
    assert before["sources"]["assignment"] is None
    with server.client(tokens["wang.mgr"]) as client:
        made = client.post(
            "/api/v1/assignments",
            json={
                "agents": ["li.na"],
                "title": "复习 eSIM 转移",
                "skill": "tech.esim",
                "item_id": "faq-esim",
                "due_on": "2026-12-05",
            },
        )
        assert made.status_code == 201, made.text
    assigned = _skill(_profile(server, tokens["li.na"]), "tech.esim")
    assert assigned["level"] == before["level"]  # assigned is not learned
    with server.client(tokens["li.na"]) as client:
        done = client.post(f"/api/v1/me/assignments/{made.json()['ids'][0]}/done")
        assert done.status_code == 200, done.text
    after = _skill(_profile(server, tokens["li.na"]), "tech.esim")
    assert after["sources"]["assignment"] == 3.0
    assert after["level"] > before["level"]
    assert any("完成了学习任务「复习 eSIM 转移」" in r for r in after["reasons"])


def test_two_ratings_a_week_apart_are_both_kept_and_the_trend_shows_both(
    server: RunningServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_learning_pack(server, tmp_path / "pack")
    tokens = add_team(server)
    week_ago = datetime.now(UTC) - timedelta(days=7)

    def rate(rating: int, comment: str) -> None:
        with server.client(tokens["wang.mgr"]) as client:
            answer = client.put(
                "/api/v1/agents/li.na/ratings",
                json={"skill": "soft.empathy", "rating": rating, "comment": comment},
            )
        assert answer.status_code == 200, answer.text

    # Last week: a rating of 2, and the profile computed that week.
    monkeypatch.setattr(assessments, "utc_now", lambda: week_ago.isoformat())
    rate(2, "还需要练习")
    monkeypatch.undo()
    refresh_profiles(server.db, ["li.na"], now=week_ago)
    # This week: a rating of 4.
    rate(4, "进步明显")
    profile = _profile(server, tokens["li.na"])
    empathy = _skill(profile, "soft.empathy")
    assert empathy["level"] == 4.0
    assert empathy["trend"] == [
        {"week": iso_week(week_ago), "level": 2.0},
        {"week": iso_week(datetime.now(UTC)), "level": 4.0},
    ]
    assert empathy["since"] == {
        "week": iso_week(week_ago),
        "date": week_ago.date().isoformat(),
        "level": 2.0,
        "change": 2.0,
    }
    # A skill without a level has nothing to draw.
    esim = _skill(profile, "tech.esim")
    assert esim["trend"] == []
    assert esim["since"] is None
    with server.db.read() as conn:
        kept = conn.execute(
            select(
                AssessmentHistoryRow.value,
                AssessmentHistoryRow.comment,
                AssessmentHistoryRow.given_by,
                AssessmentHistoryRow.recorded_at,
            )
            .where(AssessmentHistoryRow.agent == "li.na", AssessmentHistoryRow.kind == "rating")
            .order_by(AssessmentHistoryRow.id)
        ).all()
        weeks = (
            conn.execute(
                select(LevelHistoryRow.week).where(LevelHistoryRow.skill == "soft.empathy")
            )
            .scalars()
            .all()
        )
    assert [(r.value, r.comment, r.given_by) for r in kept] == [
        (2, "还需要练习", "wang.mgr"),
        (4, "进步明显", "wang.mgr"),
    ]
    assert kept[0].recorded_at[:10] == week_ago.date().isoformat()
    assert sorted(weeks) == [iso_week(week_ago), iso_week(datetime.now(UTC))]

    # The manager's console page shows the trend line, in words and as a drawing.
    client = console_client(server, tokens["wang.mgr"])
    try:
        page = client.get("/console/agents/li.na", params={"lang": "zh"}).text
        english = client.get("/console/agents/li.na", params={"lang": "en"}).text
    finally:
        client.close()
    day = week_ago.date()
    assert f"水平 2.0 → 4.0（自 {day.month} 月 {day.day} 日）" in page
    assert f"Level 2.0 → 4.0 since {day.day} {day:%b}" in english
    row = page[page.index("共情安抚") :]
    spark = re.search(r'<svg class="spark"[^>]*aria-label="共情安抚：每周水平（1–5）"', row)
    assert spark is not None
    assert "<polyline" in row[spark.start() : row.index("</svg>", spark.start())]


def test_self_assessments_are_all_kept(server: RunningServer, tmp_path: Path) -> None:
    import_learning_pack(server, tmp_path / "pack")
    tokens = add_team(server)
    with server.client(tokens["li.na"]) as client:
        for level in (2, 3):
            answer = client.put(
                "/api/v1/me/self-assessment", json={"skill": "billing.refund", "level": level}
            )
            assert answer.status_code == 200, answer.text
    with server.db.read() as conn:
        kept = conn.execute(
            select(AssessmentHistoryRow.kind, AssessmentHistoryRow.value)
            .where(AssessmentHistoryRow.agent == "li.na")
            .order_by(AssessmentHistoryRow.id)
        ).all()
    assert [tuple(r) for r in kept] == [("self", 2), ("self", 3)]
    assert _skill(_profile(server, tokens["li.na"]), "billing.refund")["sources"]["self"] == 3.0
