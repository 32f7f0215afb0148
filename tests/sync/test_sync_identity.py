"""Whose activity is uploaded: the account the token belongs to, never a typed agent id.

Issue #13, joint 1: a sidebar signed in as ``agent1`` on the machine user ``root``
recorded its events as ``root``; the server refused them (403) and they stayed on the
computer for ever, a gap flagged on case CASE-4711 among them. Each test runs the real
client against the real server on loopback and reads what arrived there.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from deskmate.core import KnowledgeBase
from deskmate.core.activity.account import SignedInAccount
from deskmate.core.activity.consultation_log import ConsultationLog
from deskmate.core.activity.events import GapFlag, GapType
from deskmate.core.learning.learning_store import LearningStore
from deskmate.core.learning.outbox import LearningOutbox, new_entry
from deskmate.core.sync import AuthError
from deskmate.server.auth import revoke_tokens
from deskmate.server.tables import EventRow, UserRow
from sqlalchemy import delete, select

from tests.sync.conftest import AGENT, LiveServer, make_client


def _server_events(live_server: LiveServer) -> list[tuple[str, str, dict[str, Any]]]:
    with live_server.db.read() as conn:
        rows = conn.execute(select(EventRow.agent, EventRow.kind, EventRow.payload)).all()
    return [(r.agent, r.kind, json.loads(r.payload)) for r in rows]


def test_activity_before_the_first_sign_in_is_uploaded_as_the_signed_in_account(
    live_server: LiveServer, learner: str, kb: KnowledgeBase, data_dir: Path
) -> None:
    with ConsultationLog.open(data_dir, "root") as record:  # the OS user name, as before
        assert record.account() is None
        record.record_search("花呗", 5)
        record.record_open("faq-pay-012", "花呗")
        record.record_gap(
            GapFlag(GapType.MISSING, note="客户问分期退款", interaction_id="CASE-4711")
        )
        LearningOutbox(data_dir).add(
            new_entry("self_assessment", "root", {"skill": "billing.refund", "level": 3})
        )
        with make_client(kb, record, live_server.url, learner) as client:
            report = client.sync_once()
        assert report.ok, report.problem
        assert report.account == AGENT
        assert report.pushed == 3
        assert report.account_notice == (
            f"Activity recorded before you signed in will be uploaded as {AGENT}: 3 in all."
        )
        assert record.pending_upload() == []
        assert record.agent_id == AGENT
        account = record.account()
        assert account is not None
        assert (account.name, account.role, account.team) == (AGENT, "agent", "team1")
        # From now on the record is the account's, also after a restart.
        later = record.record_search("借呗", 2)
        assert later.agent_id == AGENT
    with ConsultationLog.open(data_dir, "root") as reopened:
        assert reopened.agent_id == AGENT
    stored = _server_events(live_server)
    assert {agent for agent, _kind, _payload in stored} == {AGENT}
    gap = next(payload for _agent, kind, payload in stored if kind == "gap")
    assert gap["detail"]["interaction_id"] == "CASE-4711"
    # The learning change made before signing in went up too, and My learning shows the
    # profile instead of "appears after the next sync" for good.
    assert LearningOutbox(data_dir).pending() == []
    snapshot = LearningStore(data_dir, AGENT).snapshot()
    assert snapshot.profile is not None
    assert snapshot.profile.agent == AGENT


def test_two_accounts_signing_in_alternately_keep_their_own_records(
    live_server: LiveServer, token: str, kb: KnowledgeBase, data_dir: Path
) -> None:
    other_token = live_server.add_agent("agent2")
    with ConsultationLog.open(data_dir, "root") as record:
        with make_client(kb, record, live_server.url, token) as first:
            assert first.sync_once().ok
        mine = {record.record_search("一号的", 1).event_id for _ in range(2)}

        with make_client(kb, record, live_server.url, other_token) as second:
            report = second.sync_once()
            assert report.ok, report.problem
            assert report.account == "agent2"
            assert report.pushed == 0  # agent1's events are not agent2's to upload
            assert report.account_notice is not None
            assert "agent1" in report.account_notice
            theirs = {record.record_open("faq-pay-012").event_id for _ in range(3)}
            assert second.sync_once().pushed == 3
        assert {e.event_id for e in record.pending_upload()} == mine
        assert {e.event_id for e in record.recent()} == theirs  # agent2 sees only their own

        with make_client(kb, record, live_server.url, token) as again:
            report = again.sync_once()
        assert report.ok, report.problem
        assert report.pushed == 2
        assert record.pending_upload() == []
    by_agent: dict[str, set[str]] = {}
    for agent, _kind, payload in _server_events(live_server):
        by_agent.setdefault(agent, set()).add(str(payload["event_id"]))
    assert by_agent == {"agent1": mine, "agent2": theirs}


def test_a_token_whose_user_was_deleted_keeps_everything_local(
    live_server: LiveServer, token: str, kb: KnowledgeBase, data_dir: Path
) -> None:
    with ConsultationLog.open(data_dir, "root") as record:
        with make_client(kb, record, live_server.url, token) as client:
            assert client.sync_once().ok
        waiting = {record.record_search("删号以后", 0).event_id for _ in range(2)}
        revoke_tokens(live_server.db, AGENT)
        with live_server.db.write() as conn:
            conn.execute(delete(UserRow).where(UserRow.name == AGENT))
        with make_client(kb, record, live_server.url, token) as client:
            report = client.sync_once()
        assert isinstance(report.error, AuthError)
        assert report.account == ""
        assert {e.event_id for e in record.pending_upload()} == waiting
        # Still bound to the account that recorded them: nobody else can upload them.
        account = record.account()
        assert account is not None
        assert account.name == AGENT
        assert {e.agent_id for e in record.pending_upload()} == {AGENT}


def test_the_same_account_signing_in_again_keeps_its_first_sign_in_time(
    data_dir: Path, kb: KnowledgeBase
) -> None:
    with ConsultationLog.open(data_dir, "root") as record:
        first = record.bind_account(
            SignedInAccount("li.na", "agent", "a", "http://s", "2026-11-01")
        )
        assert first.first
        again = record.bind_account(
            SignedInAccount("li.na", "manager", "b", "http://s", "2026-12-02")
        )
        assert not again.changed
        assert again.notice() is None
        account = record.account()
        assert account is not None
        assert (account.role, account.team, account.signed_in_at) == ("manager", "b", "2026-11-01")
