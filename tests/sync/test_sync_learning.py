"""The learning profile comes down and offline learning actions go up, against the real server.

The profile is cached for offline use and asked for again with its ETag; self-assessments,
done-marks and proposals made offline reach the server at the next sync, exactly once
even when an answer is lost; an older server without the endpoints (404) does not stop
the content sync.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from deskmate.core import KnowledgeBase
from deskmate.core.activity.account import SignedInAccount
from deskmate.core.activity.consultation_log import ConsultationLog
from deskmate.core.activity.events import GapFlag, GapType
from deskmate.core.learning import LearningStore, ProfileCache, make_proposal
from deskmate.core.learning.outbox import REFUSED_FILE
from deskmate.core.sync import OfflineError
from deskmate.server.auth import Role, add_user, get_user
from deskmate.server.errors import NotFoundError
from deskmate.server.learning.assignments import AssignmentRequest, create_assignments
from deskmate.server.learning.gap_decisions import decide
from deskmate.server.learning.gap_queue import list_topics
from deskmate.server.tables import AssignmentRow, ProposalRow, SelfAssessmentRow
from sqlalchemy import select

from tests.sync.conftest import AGENT, FaultProxy, LiveServer, Reply, make_client

MANAGER = "manager1"


def assign(server: LiveServer, title: str = "复习退款流程", due_on: str = "2026-12-05") -> int:
    try:
        manager = get_user(server.db, MANAGER)
    except NotFoundError:  # the first assignment: the manager is new
        manager = add_user(server.db, MANAGER, Role.MANAGER, "team1")
    request = AssignmentRequest(
        (AGENT,),
        False,
        title,
        due_on,
        skill="billing.refund",
        item_id="faq-pay-012",
        window_start="14:00",
        window_end="16:00",
    )
    return create_assignments(server.db, manager, request)[0]


def proposals(server: LiveServer) -> list[tuple[str, str | None]]:
    with server.db.read() as conn:
        return [(r.title, r.client_id) for r in conn.execute(select(ProposalRow))]


def test_profile_is_cached_then_confirmed_with_its_etag(
    proxy: FaultProxy, learner: str, kb: KnowledgeBase, events: ConsultationLog, data_dir: Path
) -> None:
    with make_client(kb, events, proxy.url, learner, language="zh_CN") as client:
        first = client.sync_once()
        assert first.ok, first.problem
        assert first.profile_updated
        second = client.sync_once()
    assert second.ok
    assert not second.profile_updated
    cached = ProfileCache(data_dir).load()
    assert cached.profile is not None
    assert cached.profile.agent == AGENT
    assert cached.language == "zh"
    assert cached.profile.role_name == "新员工"
    gaps = [s.gap for s in cached.profile.skills]
    assert gaps == sorted(gaps, reverse=True)
    assert gaps[0] > 0
    profile_calls = [
        (path, headers)
        for method, path, headers in proxy.seen
        if path.startswith("/api/v1/me/profile")
    ]
    assert [p for p, _h in profile_calls] == ["/api/v1/me/profile?lang=zh"] * 2
    assert "If-None-Match" not in profile_calls[0][1]
    assert profile_calls[1][1]["If-None-Match"] == cached.etag

    # Another language: the ETag of the Chinese profile is not sent, the English one is stored.
    with make_client(kb, events, proxy.url, learner, language="en") as client:
        assert client.sync_once().profile_updated
    english = ProfileCache(data_dir).load()
    assert english.language == "en"
    assert english.profile is not None
    assert english.profile.role_name == "New agent"


def test_offline_actions_reach_the_server_once(
    live_server: LiveServer,
    learner: str,
    kb: KnowledgeBase,
    events: ConsultationLog,
    data_dir: Path,
) -> None:
    assignment = assign(live_server)
    with make_client(kb, events, live_server.url, learner) as client:
        assert client.sync_once().ok
    store = LearningStore(data_dir, AGENT)
    snapshot = store.snapshot()
    assert snapshot.profile is not None
    assert [a.id for a in snapshot.profile.assignments] == [assignment]
    assert [n.kind for n in snapshot.new_notices()] == ["assignment"]

    live_server.stop()
    store.assess("billing.refund", 2)
    store.assess("billing.refund", 4)  # only the latest is sent
    store.mark_done(assignment)
    store.propose(make_proposal("eSIM 境外转移", "先在设置里……", ["tech.esim"], None))
    with make_client(kb, events, live_server.url, learner) as client:
        report = client.sync_once()
    assert isinstance(report.error, OfflineError)
    offline = store.snapshot()
    assert offline.profile is not None  # still there offline
    assert offline.pending_levels == {"billing.refund": 4}
    assert offline.pending_done == {assignment}
    assert offline.pending_proposals == 1

    live_server.start()
    with make_client(kb, events, live_server.url, learner) as client:
        report = client.sync_once()
    assert report.ok, report.problem
    assert report.learning_sent == 3
    assert report.warnings == ()
    after = store.snapshot()
    assert after.pending_levels == {}
    assert after.pending_done == frozenset()
    assert after.pending_proposals == 0
    assert after.profile is not None
    refund = next(s for s in after.profile.skills if s.code == "billing.refund")
    assert refund.self_level == 4  # the profile was fetched again after sending
    assert after.profile.assignments[0].done_at is not None
    with live_server.db.read() as conn:
        levels = list(conn.execute(select(SelfAssessmentRow.skill, SelfAssessmentRow.level)))
        done_at = conn.scalar(select(AssignmentRow.done_at))
    assert [tuple(row) for row in levels] == [("billing.refund", 4)]
    assert done_at is not None
    assert [t for t, _c in proposals(live_server)] == ["eSIM 境外转移"]

    with make_client(kb, events, live_server.url, learner) as client:
        again = client.sync_once()
    assert again.ok
    assert again.learning_sent == 0


@pytest.mark.logs_warnings(r"learning changes not sent")
def test_a_proposal_whose_answer_is_lost_is_stored_once(
    proxy: FaultProxy,
    live_server: LiveServer,
    learner: str,
    kb: KnowledgeBase,
    events: ConsultationLog,
    data_dir: Path,
) -> None:
    store = LearningStore(data_dir, AGENT)
    draft = make_proposal("花呗提前还款", "可以在花呗页面……", ["product.payment"], "faq-pay-012")
    entry = store.propose(draft)

    def lose_the_answer(method: str, path: str, reply: Reply) -> Reply:
        if method == "POST" and path == "/api/v1/proposals":
            return Reply(502, {"Content-Type": "text/plain"}, b"bad gateway")
        return reply

    proxy.fault = lose_the_answer
    with make_client(kb, events, proxy.url, learner) as client:
        report = client.sync_once()
    assert report.ok  # the content came down; the proposal waits
    assert any("wait" in w for w in report.warnings)
    assert store.snapshot().pending_proposals == 1
    assert proposals(live_server) == [("花呗提前还款", entry.id)]  # stored, answer lost

    proxy.fault = None
    with make_client(kb, events, proxy.url, learner) as client:
        report = client.sync_once()
    assert report.ok
    assert report.learning_sent == 1
    assert store.snapshot().pending_proposals == 0
    assert proposals(live_server) == [("花呗提前还款", entry.id)]


@pytest.mark.logs_warnings(r"has no learning profiles")
def test_an_older_server_without_learning_does_not_stop_the_content_sync(
    proxy: FaultProxy, learner: str, kb: KnowledgeBase, events: ConsultationLog, data_dir: Path
) -> None:
    store = LearningStore(data_dir, AGENT)
    store.assess("billing.refund", 3)

    def no_learning(method: str, path: str, reply: Reply) -> Reply:
        if "/me/profile" in path or "/me/self-assessment" in path:
            problem = {"type": "https://deskmate.example/problems/not-found", "detail": "x"}
            return Reply(
                404, {"Content-Type": "application/problem+json"}, json.dumps(problem).encode()
            )
        return reply

    proxy.fault = no_learning
    with make_client(kb, events, proxy.url, learner) as client:
        report = client.sync_once()
    assert report.ok, report.problem
    assert report.added > 200
    assert any("no learning profiles" in w for w in report.warnings)
    assert store.snapshot().pending_levels == {"billing.refund": 3}  # waits
    assert ProfileCache(data_dir).load().unsupported
    assert not any("self-assessment" in path for _m, path, _h in proxy.seen)


@pytest.mark.logs_warnings(r"refused by the server")
def test_refused_and_foreign_entries(
    live_server: LiveServer,
    learner: str,
    kb: KnowledgeBase,
    events: ConsultationLog,
    data_dir: Path,
) -> None:
    # Not the first sign-in here: agent2's entry is agent2's, not taken over by agent1.
    events.bind_account(SignedInAccount(AGENT, "agent", "team1", live_server.url, "2026-11-01"))
    mine = LearningStore(data_dir, AGENT)
    mine.assess("no.such.skill", 3)
    mine.mark_done(9999)
    someone_else = LearningStore(data_dir, "agent2")
    someone_else.assess("billing.refund", 5)
    with make_client(kb, events, live_server.url, learner) as client:
        report = client.sync_once()
    assert report.ok, report.problem
    assert report.learning_sent == 0
    refused = [w for w in report.warnings if "refused" in w]
    assert len(refused) == 2
    assert "no.such.skill" in refused[0]
    assert "9999" in refused[1]
    assert any("another agent" in w for w in report.warnings)
    kept = [json.loads(line) for line in (data_dir / REFUSED_FILE).read_text().splitlines()]
    assert [k["op"] for k in kept] == ["self_assessment", "done"]
    assert all(k["reason"] for k in kept)
    assert mine.snapshot().pending_levels == {}
    assert someone_else.snapshot().pending_levels == {"billing.refund": 5}


def test_a_resolved_gap_is_told_once(
    live_server: LiveServer,
    learner: str,
    kb: KnowledgeBase,
    events: ConsultationLog,
    data_dir: Path,
) -> None:
    events.record_gap(GapFlag(GapType.MISSING, query="卫星电话资费"))
    with make_client(kb, events, live_server.url, learner) as client:
        assert client.sync_once().ok
    editor = add_user(live_server.db, "editor1", Role.EDITOR)
    topics = list_topics(live_server.db, editor)
    topic = next(t for t in topics if "卫星电话" in json.dumps(t, ensure_ascii=False))
    decide(live_server.db, editor, topic["id"], "resolve", item_id="faq-pay-012")

    with make_client(kb, events, live_server.url, learner, language="zh") as client:
        assert client.sync_once().ok
    store = LearningStore(data_dir, AGENT)
    fresh = store.take_new_notices()
    assert [n.kind for n in fresh] == ["gap_resolved"]
    assert fresh[0].item_id == "faq-pay-012"
    assert fresh[0].text
    assert store.take_new_notices() == []  # shown once
    with make_client(kb, events, live_server.url, learner, language="zh") as client:
        assert client.sync_once().ok
    assert LearningStore(data_dir, AGENT).take_new_notices() == []  # also after a re-fetch


def test_consulting_and_flagging_change_the_profile_after_sync(
    live_server: LiveServer,
    learner: str,
    kb: KnowledgeBase,
    events: ConsultationLog,
    data_dir: Path,
) -> None:
    with make_client(kb, events, live_server.url, learner, language="zh") as client:
        assert client.sync_once().ok
    before = ProfileCache(data_dir).load().profile
    assert before is not None
    payment = next(s for s in before.skills if s.code == "product.payment")
    assert payment.looks == 0
    # The agent needs the same Huabei answer again and again, and flags it as unclear.
    for _ in range(4):
        events.record_open("faq-pay-012", query="花呗还款日")
    events.record_copy("faq-pay-012", filled=False)
    events.record_gap(GapFlag(GapType.UNCLEAR, query="花呗还款日", item_id="faq-pay-012"))
    with make_client(kb, events, live_server.url, learner, language="zh") as client:
        report = client.sync_once()
    assert report.ok, report.problem
    assert report.profile_updated
    after = ProfileCache(data_dir).load().profile
    assert after is not None
    payment = next(s for s in after.skills if s.code == "product.payment")
    assert payment.looks == 5
    assert payment.level is not None
    assert payment.level < 2.5  # needed five times this week: not yet mastered
    assert payment.gap > 0  # the new-agent role asks for level 2 in payments
    assert "本周查阅「花呗还款日是哪天？逾期了怎么办？」5 次" in payment.reasons
    assert "反馈了本技能条目的 1 个问题" in payment.reasons
