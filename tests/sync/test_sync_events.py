"""Consultation events reach the real server exactly once, whatever happens in between."""

from __future__ import annotations

from pathlib import Path

from deskmate.core import KnowledgeBase
from deskmate.core.activity.account import SignedInAccount
from deskmate.core.activity.consultation_log import ConsultationLog
from deskmate.core.activity.events import GapFlag, GapType
from deskmate.core.sync import OfflineError
from deskmate.core.sync.transport import SyncSession

from tests.sync.conftest import LiveServer, make_client


def test_5000_events_recorded_offline_arrive_exactly_once(
    live_server: LiveServer, token: str, kb: KnowledgeBase, events: ConsultationLog
) -> None:
    live_server.stop()
    recorded = {events.record_search(f"查询 {n}", n % 7).event_id for n in range(5000)}
    with make_client(kb, events, live_server.url, token) as client:
        report = client.sync_once()
    assert isinstance(report.error, OfflineError)
    assert report.pushed == 0
    assert len(events.pending_upload(10_000)) == 5000
    assert live_server.event_count() == 0

    live_server.start()  # back, on the same address
    with make_client(kb, events, live_server.url, token) as client:
        report = client.sync_once()
    assert report.ok, report.problem
    assert report.pushed == 5000
    stored = live_server.event_ids()
    assert len(stored) == 5000
    assert set(stored) == recorded
    assert events.pending_upload() == []

    # A crash after the POST but before the mark: the events are sent again next time,
    # the server reports them as duplicates and still stores each once.
    late = [events.record_open("faq-pay-012", "花呗").event_id for _ in range(10)]
    session = SyncSession(live_server.url, token)
    try:
        ack = session.post_events([e.to_dict() for e in events.pending_upload()])
    finally:
        session.close()
    assert sorted(ack.accepted) == sorted(late)
    with make_client(kb, events, live_server.url, token) as client:
        report = client.sync_once()
    assert report.ok, report.problem
    assert report.pushed == 10
    assert events.pending_upload() == []
    stored = live_server.event_ids()
    assert len(stored) == len(set(stored)) == 5010


def test_too_large_batches_are_split(
    live_server: LiveServer, token: str, kb: KnowledgeBase, events: ConsultationLog
) -> None:
    # 1000 gap reports with 2000-character notes: over the server's 2 MB request limit.
    for n in range(1000):
        events.record_gap(GapFlag(GapType.MISSING, query=f"缺 {n}", note="注" * 2000))
    with make_client(kb, events, live_server.url, token, batch_size=1000) as client:
        report = client.sync_once()
    assert report.ok, report.problem
    assert report.pushed == 1000
    assert report.warnings == ()
    assert live_server.event_count() == 1000


def test_other_agents_events_wait_and_do_not_block(
    live_server: LiveServer, token: str, kb: KnowledgeBase, data_dir: Path
) -> None:
    # Someone else signed in on this machine profile before and left events behind.
    with ConsultationLog.open(data_dir, "local-label") as other:
        other.bind_account(SignedInAccount("someone-else", "agent", "t2", "http://x", "2026-11-01"))
        foreign = {other.record_search("别人的", 1).event_id for _ in range(3)}
    with ConsultationLog.open(data_dir, "local-label") as record:
        with make_client(kb, record, live_server.url, token) as client:
            report = client.sync_once()  # agent1 signs in: their own record from now on
            assert report.ok, report.problem
            assert report.account == "agent1"
            assert report.pushed == 0
            assert report.account_notice is not None
            assert "someone-else" in report.account_notice
            own = {record.record_search("我的", 1).event_id for _ in range(4)}
            report = client.sync_once()
        assert report.ok, report.problem
        assert report.pushed == 4
        assert set(live_server.event_ids()) == own
        assert report.warnings == ()
        assert {e.event_id for e in record.pending_upload()} == foreign
