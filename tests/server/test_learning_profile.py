"""Learning profiles over the real API: consultations, assessments and scores shape them."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from deskmate.core.activity.events import EventKind
from deskmate.server.learning.assessments import import_scores
from deskmate.server.learning.profile_warmer import ProfileWarmer
from deskmate.server.learning.profiles import refresh_profiles

from tests.server.conftest import RunningServer
from tests.server.helpers import event
from tests.server.learning_fixtures import add_team, import_learning_pack


def _ago(days: float) -> str:
    return (datetime.now(UTC) - timedelta(days=days)).astimezone().isoformat()


def _post(server: RunningServer, token: str, events: list[dict[str, object]]) -> None:
    with server.client(token) as client:
        answer = client.post("/api/v1/events", json={"events": events})
    assert answer.status_code == 200, answer.text


def _profile(server: RunningServer, token: str, lang: str = "zh") -> dict[str, Any]:
    with server.client(token) as client:
        answer = client.get("/api/v1/me/profile", params={"lang": lang})
    assert answer.status_code == 200, answer.text
    return answer.json()  # type: ignore[no-any-return]


def _skill(profile: dict[str, Any], code: str) -> dict[str, Any]:
    skills = profile["skills"]
    assert isinstance(skills, list)
    return next(s for s in skills if s["code"] == code)


def test_repeated_lookups_lower_the_level_and_say_why(
    server: RunningServer, tmp_path: Path
) -> None:
    import_learning_pack(server, tmp_path / "pack")
    tokens = add_team(server)
    before = _profile(server, tokens["li.na"])
    assert before["role"] == {"code": "new_agent", "name": "新员工"}
    refund = _skill(before, "billing.refund")
    assert refund["level"] is None
    assert refund["gap"] == 3
    assert refund["target"] == 3
    assert refund["reasons"] == ["暂无数据：可以先自评，或请主管评估"]
    # Nine look-ups of the same refund FAQ this week, three of the eSIM FAQ long ago, and
    # one of the empathy FAQ (too few to estimate a level from).
    looks = [
        event("li.na", EventKind.OPEN, item_id="faq-refund", occurred_at=_ago(n / 2))
        for n in range(9)
    ] + [
        event("li.na", EventKind.OPEN, item_id="faq-esim", occurred_at=_ago(60 + n))
        for n in range(3)
    ]
    looks.append(event("li.na", EventKind.OPEN, item_id="faq-calm", occurred_at=_ago(3)))
    _post(server, tokens["li.na"], looks)
    after = _profile(server, tokens["li.na"])
    refund = _skill(after, "billing.refund")
    esim = _skill(after, "tech.esim")
    assert refund["looks"] == 9
    assert refund["level"] is not None
    assert esim["level"] is not None
    assert refund["level"] < 2 < esim["level"]  # needed again and again: not yet mastered
    calm = _skill(after, "soft.empathy")
    assert (calm["looks"], calm["level"], calm["gap"]) == (1, None, 3)
    assert calm["reasons"][-1] == "查阅次数太少，还估不出水平：可以先自评，或请主管评估"
    assert refund["reasons"] == ["本周查阅「退款流程」9 次"]
    gaps = [s["gap"] for s in after["skills"]]
    assert gaps == sorted(gaps, reverse=True)  # largest gap first
    assert after["skills"][0]["code"] == "soft.empathy"  # no level yet: the whole target
    # Recommended: refund items not yet opened, never the one opened nine times.
    recommended = {r["item_id"] for r in after["recommendations"] if r["skill"] == "billing.refund"}
    assert recommended == {"faq-refund-partial", "faq-refund-card"}
    english = _profile(server, tokens["li.na"], "en")
    assert _skill(english, "billing.refund")["reasons"] == [
        "looked up “退款流程” 9 times this week"
    ]
    assert english["role"] == {"code": "new_agent", "name": "New agent"}


def test_self_assessment_rating_and_scores_combine_as_documented(
    server: RunningServer, tmp_path: Path
) -> None:
    import_learning_pack(server, tmp_path / "pack")
    tokens = add_team(server)
    with server.client(tokens["li.na"]) as client:
        answer = client.put(
            "/api/v1/me/self-assessment", json={"skill": "soft.empathy", "level": 4}
        )
        assert answer.status_code == 200, answer.text
        bad = client.put("/api/v1/me/self-assessment", json={"skill": "soft.empathy", "level": 7})
        assert bad.status_code == 400
        assert "1 to 5" in bad.json()["detail"]
        unknown = client.put("/api/v1/me/self-assessment", json={"skill": "nope", "level": 3})
        assert unknown.status_code == 400
        assert "not a skill" in unknown.json()["detail"]
    with server.client(tokens["wang.mgr"]) as client:
        rated = client.put(
            "/api/v1/agents/li.na/ratings",
            json={"skill": "soft.empathy", "rating": 2, "comment": "多练习安抚话术"},
        )
        assert rated.status_code == 200, rated.text
    scores = tmp_path / "qa.csv"
    scores.write_text("agent,skill,score,date\nli.na,soft.empathy,50,2026-11-02\n", "utf-8")
    assert import_scores(server.db, scores).stored == 1
    empathy = _skill(_profile(server, tokens["li.na"]), "soft.empathy")
    # manager 2 (weight 0.3), score 50 -> 3.0 (0.3), self 4 (0.15); no look-ups.
    expected = (0.3 * 2 + 0.3 * 3.0 + 0.15 * 4) / 0.75
    assert empathy["level"] == round(expected, 1)
    assert empathy["gap"] == round(3 - expected, 1)
    assert empathy["sources"] == {
        "consultation": None,
        "score": 3.0,
        "manager": 2.0,
        "self": 4.0,
        "assignment": None,
    }
    assert empathy["reasons"] == [
        "测评/质检成绩 50 分（2026-11-02）",
        "主管 wang.mgr 评为 2/5：多练习安抚话术",
        "自评 4/5",
    ]


def test_profiles_are_recomputed_only_when_their_inputs_change(
    server: RunningServer, tmp_path: Path
) -> None:
    import_learning_pack(server, tmp_path / "pack")
    tokens = add_team(server)
    first = refresh_profiles(server.db)
    assert first.computed == 6
    again = refresh_profiles(server.db)
    assert (again.computed, again.reused) == (0, 6)
    _post(server, tokens["zhao.lei"], [event("zhao.lei", EventKind.OPEN, item_id="faq-esim")])
    third = refresh_profiles(server.db)
    assert (third.computed, third.reused) == (1, 5)


def test_profile_etag_answers_304_while_nothing_changed(
    server: RunningServer, tmp_path: Path
) -> None:
    import_learning_pack(server, tmp_path / "pack")
    tokens = add_team(server)
    with server.client(tokens["li.na"]) as client:
        first = client.get("/api/v1/me/profile")
        etag = first.headers["etag"]
        assert client.get("/api/v1/me/profile", headers={"If-None-Match": etag}).status_code == 304
        client.put("/api/v1/me/self-assessment", json={"skill": "tech.esim", "level": 2})
        assert client.get("/api/v1/me/profile", headers={"If-None-Match": etag}).status_code == 200


def test_the_warmer_keeps_profiles_cached_in_the_background(
    server: RunningServer, tmp_path: Path
) -> None:
    import_learning_pack(server, tmp_path / "pack")
    add_team(server)
    warmer = ProfileWarmer(server.db.url.render_as_string(hide_password=False), interval=0.05)
    warmer.start()
    try:
        deadline = time.monotonic() + 30
        while warmer.runs < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        warmer.stop()
    assert warmer.runs >= 2
    # Everything is current: asking now computes nothing.
    assert refresh_profiles(server.db).computed == 0
