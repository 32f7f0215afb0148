"""Issue #13: stored false no-results are repaired (migration 0006, ``repair-no-results``).

Runs on SQLite and PostgreSQL. The events are written straight into the table, as the
server stored them before the fix; the gap queue is built from them the old way (as
no-results), then repaired: twice, the second time changing nothing.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from alembic import command
from deskmate.core.activity.events import EventKind
from deskmate.server.auth import Role, User, add_user
from deskmate.server.cli import main
from deskmate.server.database import Database, _alembic_config, head_revision
from deskmate.server.learning.gap_decisions import decide
from deskmate.server.learning.gap_queue import collect_signals, list_topics
from deskmate.server.tables import EventRow, GapSignalRow, GapTopicRow
from sqlalchemy import insert, select, text

from tests.server.helpers import event

AGENT, OTHER = "li.na", "zhao.lei"


def row(agent: str, kind: EventKind, query: str, at: str, count: int | None) -> dict[str, Any]:
    payload = event(agent, kind, query=query, occurred_at=at, result_count=count)
    return {
        "event_id": payload["event_id"],
        "agent": agent,
        "kind": kind.value,
        "occurred_at": at,
        "payload": json.dumps(payload, ensure_ascii=False, sort_keys=True),
        "received_at": "2026-11-30T03:00:00+00:00",
        "item_id": None,
    }


def old_history() -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Events as old sidebars left them; the ids of the no-results by case."""
    search, nothing = EventKind.SEARCH, EventKind.NO_RESULT
    rows: dict[str, dict[str, Any]] = {}
    searches = [
        row(AGENT, search, "退款 多久到账", "2026-11-30T09:50:00+08:00", 7),
        row(AGENT, search, "zzqqxx", "2026-11-30T09:50:00+08:00", 0),
        row(OTHER, search, "发票 抬头", "2026-11-30T09:50:00+08:00", 5),
        row(AGENT, search, "eSIM 激活", "2026-11-26T09:00:00+08:00", 4),  # days before
        row(AGENT, search, "漫游 流量包", "2026-11-30T09:55:00+08:00", 6),
    ]
    # Its own count above 0: nothing_opened whatever the searches say.
    rows["counted"] = row(AGENT, nothing, "refund", "2026-11-30T09:00:00+08:00", 12)
    # No count; the search just before showed 7 results.
    rows["after_search"] = row(AGENT, nothing, "退款 多久到账", "2026-11-30T10:00:00+08:00", None)
    # Real no-results: the search found nothing; the count says 0; another agent's search;
    # the only search with that query is days older.
    rows["empty_search"] = row(AGENT, nothing, "zzqqxx", "2026-11-30T10:00:00+08:00", None)
    rows["zero"] = row(AGENT, nothing, "携号转网 费用", "2026-11-30T10:00:00+08:00", 0)
    rows["other_agent"] = row(AGENT, nothing, "发票 抬头", "2026-11-30T10:00:00+08:00", None)
    rows["too_old"] = row(AGENT, nothing, "eSIM 激活", "2026-11-30T10:00:00+08:00", None)
    # Recorded in UTC after travelling: 02:00Z is after 09:55+08:00 (01:55Z) though its
    # text sorts first; the instant decides.
    rows["other_offset"] = row(AGENT, nothing, "漫游 流量包", "2026-11-30T02:00:00+00:00", None)
    return [*searches, *rows.values()], {case: r["event_id"] for case, r in rows.items()}


FALSE = {"counted": 12, "after_search": 7, "other_offset": 6}
TRUE = {"empty_search", "zero", "other_agent", "too_old"}


def kinds(db: Database) -> dict[str, tuple[str, dict[str, Any]]]:
    with db.read() as conn:
        return {
            event_id: (kind, json.loads(payload))
            for event_id, kind, payload in conn.execute(
                select(EventRow.event_id, EventRow.kind, EventRow.payload)
            )
        }


def seed(db: Database) -> dict[str, str]:
    rows, ids = old_history()
    gap = row(AGENT, EventKind.GAP, "退款 多久到账", "2026-11-30T10:01:00+08:00", None)
    with db.write() as conn:
        conn.execute(insert(EventRow), [*rows, gap])
    add_user(db, "ed", Role.EDITOR, None)
    collect_signals(db)  # the queue as the bug built it: every no_result a signal
    return ids


def topics_by_label(db: Database) -> dict[str, dict[str, Any]]:
    editor = User(0, "ed", Role.EDITOR, None)
    return {t["label"]: t for t in list_topics(db, editor, "all")}


def test_repair_command_reclassifies_and_is_idempotent(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    db = Database.open(db_url)
    try:
        ids = seed(db)
        before = topics_by_label(db)
        assert before["refund"]["kinds"]["no_result"] == 1
        editor = User(0, "ed", Role.EDITOR, None)
        decide(db, editor, before["漫游 流量包"]["id"], "accept")  # an editor's decision stays

        assert main(["repair-no-results", "--db", db_url]) == 0
        assert "3 no_result events" in capsys.readouterr().out
        after = kinds(db)
        for case, count in FALSE.items():
            kind, payload = after[ids[case]]
            assert kind == payload["kind"] == "nothing_opened", case
            assert payload["result_count"] == count, case
            assert payload["detail"]["recorded_as"] == "no_result"
            assert payload["detail"]["reclassified"] == "repair"
        for case in TRUE:
            assert after[ids[case]][0] == "no_result", case

        topics = topics_by_label(db)
        assert "refund" not in topics  # undecided and made only of a false no-result
        assert topics["退款 多久到账"]["kinds"] == {  # the gap flag keeps it; kinds are true
            "gap": 1,
            "no_result": 0,
            "nothing_opened": 1,
            "unhelpful": 0,
            "proposal": 0,
        }
        assert topics["漫游 流量包"]["status"] == "accepted"
        assert topics["漫游 流量包"]["kinds"]["nothing_opened"] == 1
        assert topics["zzqqxx"]["kinds"]["no_result"] == 1
        with db.read() as conn:
            labels = set(conn.execute(select(GapSignalRow.kind)).scalars())
        assert "no_result" in labels
        assert "nothing_opened" in labels

        assert main(["repair-no-results", "--db", db_url]) == 0
        assert capsys.readouterr().out.startswith("0 no_result events")
        assert kinds(db) == after
        assert topics_by_label(db) == topics
    finally:
        db.close()


def test_migration_0006_repairs_what_is_stored(db_url: str) -> None:
    db = Database.open(db_url)
    try:
        ids = seed(db)
        # As if the server last ran with revision 0005: run migration 0006 alone (the
        # later ones change the schema and must not run twice), then mark the head again.
        with db.write() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = '0005'"))
            config = _alembic_config()
            config.attributes["connection"] = conn
            command.upgrade(config, "0006")
            conn.execute(
                text("UPDATE alembic_version SET version_num = :head"), {"head": head_revision()}
            )
    finally:
        db.close()
    db = Database.open(db_url)
    try:
        after = kinds(db)
        assert {case for case in ids if after[ids[case]][0] == "nothing_opened"} == set(FALSE)
        with db.read() as conn:
            signal_kinds = dict(conn.execute(select(GapSignalRow.id, GapSignalRow.kind)).all())
            labels = set(conn.execute(select(GapTopicRow.label)).scalars())
        assert signal_kinds[ids["after_search"]] == "nothing_opened"
        assert signal_kinds[ids["zero"]] == "no_result"
        assert "refund" not in labels
    finally:
        db.close()


def test_old_clients_false_no_results_are_reclassified_on_upload(db_url: str) -> None:
    from deskmate.core.activity.events import ConsultationEvent
    from deskmate.server.events import ingest

    db = Database.open(db_url)
    try:
        agent = add_user(db, AGENT, Role.AGENT, "t1")
        user = User(agent.id, AGENT, Role.AGENT, "t1")

        def send(*raw: dict[str, Any]) -> None:
            ingest(db, user, [ConsultationEvent.from_dict(r) for r in raw])

        send(
            event(
                AGENT,
                EventKind.SEARCH,
                query="退款",
                result_count=8,
                occurred_at="2026-11-30T09:00:00+08:00",
            )
        )
        later = event(
            AGENT,
            EventKind.NO_RESULT,
            query="退款",
            result_count=None,
            occurred_at="2026-11-30T09:03:00+08:00",
        )  # next batch, no count
        counted = event(
            AGENT,
            EventKind.NO_RESULT,
            query="iphone",
            result_count=3,
            occurred_at="2026-11-30T09:04:00+08:00",
        )
        real = event(
            AGENT,
            EventKind.NO_RESULT,
            query="zzqqxx",
            result_count=0,
            occurred_at="2026-11-30T09:05:00+08:00",
        )
        send(later, counted, real)
        send(later)  # re-sent: stored once, still reclassified
        stored = kinds(db)
        assert stored[later["event_id"]][0] == "nothing_opened"
        assert stored[later["event_id"]][1]["result_count"] == 8
        assert stored[later["event_id"]][1]["detail"] == {
            "recorded_as": "no_result",
            "reclassified": "ingest",
        }
        assert stored[counted["event_id"]][0] == "nothing_opened"
        assert stored[real["event_id"]][0] == "no_result"
    finally:
        db.close()
