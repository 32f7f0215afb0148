from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import datetime
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from deskmate.core import Item, KnowledgeBase
from deskmate.core.activity import event_table
from deskmate.core.activity.consultation_log import ConsultationLog
from deskmate.core.activity.events import ConsultationEvent, EventKind, GapFlag, GapType
from deskmate.core.activity.spool import DAMAGED_FILE, SPOOL_FILE
from deskmate.core.errors import ContentError
from deskmate.core.store import database
from deskmate.core.store.database import DB_FILE
from deskmate.core.store.tables import Base
from sqlalchemy import Engine, create_engine, event

from tests.core.content.test_model import faq


@pytest.fixture
def record(tmp_path: Path) -> Iterator[ConsultationLog]:
    with ConsultationLog.open(tmp_path, "agent-7") as log:
        yield log


def _engine(log: ConsultationLog) -> Engine:
    engine = log._store.engine
    assert engine is not None
    return engine


@contextmanager
def _connection_pragma(log: ConsultationLog, pragma: str) -> Iterator[None]:
    """Run ``pragma`` on every connection of the log's engine while the block runs."""

    def _apply(conn: sqlite3.Connection, _record: object) -> None:
        conn.execute(pragma)

    engine = _engine(log)
    event.listen(engine, "connect", _apply)
    engine.dispose()
    try:
        yield
    finally:
        event.remove(engine, "connect", _apply)
        engine.dispose()


def _table_rows(data_dir: Path) -> list[tuple[str, str, int | None]]:
    with closing(sqlite3.connect(data_dir / DB_FILE)) as conn:
        return conn.execute(
            "SELECT event_id, kind, dwell_ms FROM consultation_events ORDER BY rowid"
        ).fetchall()


# -- recording and reading ------------------------------------------------------------


def test_every_kind_of_event_round_trips_through_recent(record: ConsultationLog) -> None:
    search = record.record_search("花呗还款", 3)
    opened = record.record_open("faq-1", query="花呗还款")
    copied = record.record_copy("faq-1", filled=True)
    voted = record.record_feedback("faq-1", helpful=False)
    gap = record.record_gap(
        GapFlag(
            GapType.OUTDATED,
            query="花呗还款",
            item_id="faq-1",
            note="利率已变",
            interaction_id="C-42",
        )
    )
    nothing = record.record_no_result("iphone 17 退款")

    recent = record.recent()
    assert [e.event_id for e in recent] == [
        e.event_id for e in (nothing, gap, voted, copied, opened, search)
    ]
    assert recent == [nothing, gap, voted, copied, opened, search]
    by_kind = {e.kind: e for e in recent}
    assert by_kind[EventKind.SEARCH].result_count == 3
    assert by_kind[EventKind.OPEN].query == "花呗还款"
    assert by_kind[EventKind.COPY].detail == {"filled": True}
    assert by_kind[EventKind.FEEDBACK].detail == {"helpful": False}
    assert by_kind[EventKind.GAP].detail == {
        "gap_type": "outdated",
        "note": "利率已变",
        "interaction_id": "C-42",
    }
    assert by_kind[EventKind.NO_RESULT].query == "iphone 17 退款"
    for e in recent:
        assert e.agent_id == "agent-7"
        assert e.uploaded_at is None
        assert datetime.fromisoformat(e.occurred_at).utcoffset() is not None
    assert record.spooled() == 0
    assert record.last_problem is None


def test_event_ids_are_unique_uuid_hex(record: ConsultationLog) -> None:
    ids = {record.record_search(f"q{n}", n).event_id for n in range(200)}
    assert len(ids) == 200
    assert all(len(i) == 32 and int(i, 16) >= 0 for i in ids)


def test_recent_is_per_agent_and_limited(tmp_path: Path) -> None:
    with (
        ConsultationLog.open(tmp_path, "a1") as first,
        ConsultationLog.open(tmp_path, "a2") as second,
    ):
        for n in range(5):
            first.record_search(f"q{n}", n)
        second.record_search("other", 0)
        assert [e.query for e in first.recent(limit=2)] == ["q4", "q3"]
        assert [e.query for e in second.recent()] == ["other"]


def test_order_follows_the_instant_not_the_text_of_the_time(record: ConsultationLog) -> None:
    # 10:00 in Beijing is 02:00 UTC, an hour *before* 03:00 UTC although "10" > "03".
    early = ConsultationEvent("e1", "agent-7", EventKind.SEARCH, "2024-01-01T10:00:00+08:00")
    late = ConsultationEvent("e2", "agent-7", EventKind.SEARCH, "2024-01-01T03:00:00+00:00")
    with _engine(record).begin() as conn:
        event_table.write_entries(conn, [late, early])
    assert [e.event_id for e in record.recent()] == ["e2", "e1"]
    assert [e.event_id for e in record.pending_upload()] == ["e1", "e2"]


@pytest.mark.logs_warnings(r"dwell time for unknown open event")
def test_dwell_time_updates_the_open_event(record: ConsultationLog, tmp_path: Path) -> None:
    opened = record.record_open("faq-9")
    record.record_dwell(opened.event_id, 4200)
    record.record_dwell("not-an-event", 10)  # ignored, logged
    assert record.recent()[0].dwell_ms == 4200
    assert _table_rows(tmp_path) == [(opened.event_id, "open", 4200)]


def test_pending_upload_and_mark_uploaded(record: ConsultationLog) -> None:
    events = [record.record_search(f"q{n}", n) for n in range(5)]
    assert [e.event_id for e in record.pending_upload()] == [e.event_id for e in events]
    assert [e.event_id for e in record.pending_upload(limit=2)] == [e.event_id for e in events[:2]]
    assert record.mark_uploaded([events[0].event_id, events[1].event_id, "unknown"]) == 2
    assert record.mark_uploaded([events[0].event_id]) == 0  # already marked
    assert [e.event_id for e in record.pending_upload()] == [e.event_id for e in events[2:]]
    uploaded = {e.event_id: e.uploaded_at for e in record.recent()}
    assert uploaded[events[0].event_id] is not None
    assert datetime.fromisoformat(uploaded[events[0].event_id] or "").tzinfo is not None


def test_usage_counts_feed_the_knowledge_base(tmp_path: Path) -> None:
    with (
        ConsultationLog.open(tmp_path, "a1") as first,
        ConsultationLog.open(tmp_path, "a2") as second,
    ):
        first.record_open("faq-1")
        first.record_open("faq-1")
        second.record_open("faq-1")
        first.record_feedback("faq-1", helpful=True)
        second.record_feedback("faq-1", helpful=False)
        first.record_feedback("faq-2", helpful=True)
        first.record_copy("faq-3", filled=False)  # a copy is not a consultation count
        first.record_search("faq", 2)
        counts = first.usage_counts()
    assert counts == {"faq-1": (3, 1, 1), "faq-2": (0, 1, 0)}
    assert counts["faq-1"].consulted == 3
    with KnowledgeBase.open(tmp_path) as kb:  # the same database file
        kb.upsert([Item.from_dict(faq(id="faq-1"))])
        for item_id, usage in counts.items():
            kb.record_usage(item_id, *usage)


def test_event_dict_is_json_ready_and_reads_back(record: ConsultationLog) -> None:
    gap = record.record_gap(GapFlag(GapType.MISSING, query="携号转网", note="没有这条"))
    text = json.dumps(gap.to_dict(), ensure_ascii=False)
    again = ConsultationEvent.from_dict(json.loads(text))
    assert again == gap
    assert set(gap.to_dict()) == {
        "event_id",
        "agent_id",
        "kind",
        "occurred_at",
        "query",
        "item_id",
        "result_count",
        "dwell_ms",
        "detail",
        "uploaded_at",
    }
    with pytest.raises(ContentError, match="not a kind of event"):
        ConsultationEvent.from_dict({**gap.to_dict(), "kind": "teleport"})
    with pytest.raises(ContentError, match="UTC offset"):
        ConsultationEvent.from_dict({**gap.to_dict(), "occurred_at": "2024-01-01T10:00:00"})


def test_gap_flag_validation_messages() -> None:
    GapFlag(GapType.WRONG, note="x" * 2000, interaction_id="i" * 64)
    assert GapFlag("unclear").gap_type is GapType.UNCLEAR  # type: ignore[arg-type]
    with pytest.raises(ContentError, match="note is 2001 characters long; please shorten it"):
        GapFlag(GapType.WRONG, note="x" * 2001)
    with pytest.raises(ContentError, match="interaction reference is 65 characters long"):
        GapFlag(GapType.WRONG, interaction_id="i" * 65)
    with pytest.raises(ContentError, match="'lost' is not a kind of gap; choose one of: missing"):
        GapFlag("lost")  # type: ignore[arg-type]


def test_bad_arguments_are_refused(tmp_path: Path, record: ConsultationLog) -> None:
    with pytest.raises(ContentError, match="agent id"):
        ConsultationLog.open(tmp_path, " ")
    with pytest.raises(ContentError, match="result count"):
        record.record_search("x", -1)
    with pytest.raises(ContentError, match="item id"):
        record.record_open("")
    with pytest.raises(ContentError, match="dwell time"):
        record.record_dwell("e", -5)


def _last_problem(record: ConsultationLog) -> str | None:
    """``record.last_problem`` read anew (mypy would keep an earlier assert's narrowing)."""
    return record.last_problem


# -- no event is ever lost -------------------------------------------------------------


@pytest.mark.logs_warnings(r"consultation record kept in the side file")
def test_read_only_database_spools_then_drains(record: ConsultationLog, tmp_path: Path) -> None:
    before = record.record_search("before", 1)
    with _connection_pragma(record, "PRAGMA query_only = ON"):
        opened = record.record_open("faq-1", query="宽带")
        record.record_dwell(opened.event_id, 1500)
        gap = record.record_gap(GapFlag(GapType.MISSING, query="宽带"))
        assert record.spooled() == 3
        assert record.last_problem == (
            "Your activity is being kept in a side file because the database is read-only; "
            "it will be saved when the database is writable again."
        )
        lines = (tmp_path / SPOOL_FILE).read_text(encoding="utf-8").splitlines()
        assert [json.loads(line)["type"] for line in lines] == ["event", "dwell", "event"]
        assert len(_table_rows(tmp_path)) == 1
        # What the agent did is visible even while it waits in the side file.
        recent = record.recent()
        assert [e.event_id for e in recent] == [gap.event_id, opened.event_id, before.event_id]
        assert recent[1].dwell_ms == 1500
    after = record.record_feedback("faq-1", helpful=True)
    assert record.spooled() == 0
    assert _last_problem(record) is None
    assert (tmp_path / SPOOL_FILE).read_text() == ""
    rows = _table_rows(tmp_path)
    assert [r[0] for r in rows] == [before.event_id, opened.event_id, gap.event_id, after.event_id]
    assert rows[1] == (opened.event_id, "open", 1500)


@pytest.mark.logs_warnings(r"consultation record kept in the side file")
def test_locked_database_spools_then_drains(tmp_path: Path) -> None:
    with ConsultationLog.open(tmp_path, "agent-7", busy_timeout_ms=50) as record:
        record.record_search("warm-up", 0)
        locker = sqlite3.connect(tmp_path / DB_FILE, isolation_level=None)
        locker.execute("BEGIN EXCLUSIVE")
        try:
            waiting = record.record_search("while locked", 2)
            assert record.spooled() == 1
            assert "busy with another program" in (record.last_problem or "")
        finally:
            locker.execute("ROLLBACK")
            locker.close()
        record.record_search("after", 0)
        assert record.spooled() == 0
        assert waiting.event_id in [r[0] for r in _table_rows(tmp_path)]


@pytest.mark.logs_warnings(r"consultation record kept in the side file")
def test_full_disk_spools_then_drains(record: ConsultationLog, tmp_path: Path) -> None:
    record.record_search("first", 0)
    with closing(sqlite3.connect(tmp_path / DB_FILE)) as conn:
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
    spooled: list[ConsultationEvent] = []
    with _connection_pragma(record, f"PRAGMA max_page_count = {pages}"):
        for n in range(500):  # the free room of the last pages runs out quickly
            event_ = record.record_gap(GapFlag(GapType.MISSING, note="长" * 1500, query=str(n)))
            if record.spooled():
                spooled.append(event_)
                break
        assert spooled, "the page limit never filled up"
        assert "the disk is full" in (record.last_problem or "")
    record.record_search("space again", 0)
    assert record.spooled() == 0
    assert spooled[0].event_id in {r[0] for r in _table_rows(tmp_path)}


def _permissions_enforced(tmp_path: Path) -> bool:
    """False for root (or anyone with CAP_DAC_OVERRIDE): chmod then blocks nothing."""
    probe = tmp_path / "probe"
    probe.mkdir()
    probe.chmod(0o555)
    try:
        (probe / "file").write_text("x")
    except PermissionError:
        return True
    finally:
        probe.chmod(0o755)
    return False


def _make_writable(data: Path) -> None:
    data.chmod(0o755)
    # SQLite gives the -wal and -shm files the database file's mode: fix them all.
    for path in data.glob(f"{DB_FILE}*"):
        path.chmod(0o644)


def test_read_only_file_and_folder_spool_then_drain(tmp_path: Path) -> None:
    if not _permissions_enforced(tmp_path):
        pytest.skip("file permissions do not apply to root; the query_only test covers this")
    data = tmp_path / "data"
    with ConsultationLog.open(data, "agent-7") as record:
        record.record_search("before", 0)
    db = data / DB_FILE
    try:
        db.chmod(0o444)  # the database file only: the side file can still be written
        with ConsultationLog.open(data, "agent-7") as record:
            in_file = record.record_search("file read-only", 0)
            assert record.spooled() == 1
            assert (data / SPOOL_FILE).stat().st_size > 0
            assert "because the database is read-only" in (record.last_problem or "")
            _make_writable(data)
            record.record_search("writable", 0)
            assert record.spooled() == 0
            assert record.last_problem is None
        (data / SPOOL_FILE).unlink()  # empty now; an existing file could still be appended to
        db.chmod(0o555)
        data.chmod(0o555)  # the folder too: the side file cannot even be created
        with ConsultationLog.open(data, "agent-7") as record:
            in_memory = record.record_search("all read-only", 0)
            assert record.spooled() == 1
            assert "kept in memory" in (record.last_problem or "")
            _make_writable(data)
            record.record_search("writable again", 0)
            assert record.spooled() == 0
    finally:
        _make_writable(data)
    ids = {r[0] for r in _table_rows(data)}
    assert {in_file.event_id, in_memory.event_id} <= ids


@pytest.mark.logs_warnings(
    r"cannot write the event side file", r"consultation record kept in the side file"
)
def test_side_file_unwritable_keeps_events_in_memory(
    record: ConsultationLog, tmp_path: Path
) -> None:
    (tmp_path / SPOOL_FILE).mkdir()  # a folder in its place: not even root can append to it
    with _connection_pragma(record, "PRAGMA query_only = ON"):
        first = record.record_search("one", 1)
        second = record.record_search("two", 2)
        assert record.spooled() == 2
        assert "kept in memory" in (record.last_problem or "")
        assert "unless Deskmate is closed first" in (record.last_problem or "")
    record.record_search("three", 3)
    assert record.spooled() == 0
    ids = [r[0] for r in _table_rows(tmp_path)]
    assert ids[:2] == [first.event_id, second.event_id]


@pytest.mark.logs_warnings(
    r"cannot read",
    r"cannot read the event side file",
    r"cannot write the event side file",
    r"consultation record kept in the side file",
)
def test_close_moves_events_kept_in_memory_to_the_side_file(tmp_path: Path) -> None:
    (tmp_path / SPOOL_FILE).mkdir()
    record = ConsultationLog.open(tmp_path, "agent-7")
    with _connection_pragma(record, "PRAGMA query_only = ON"):
        waiting = record.record_search("in memory", 0)
        assert "kept in memory" in (record.last_problem or "")
        (tmp_path / SPOOL_FILE).rmdir()  # the side file can be written again, the db not
        record.close()
    assert len((tmp_path / SPOOL_FILE).read_text().splitlines()) == 1
    with ConsultationLog.open(tmp_path, "agent-7") as reopened:
        assert reopened.spooled() == 0
    assert [r[0] for r in _table_rows(tmp_path)] == [waiting.event_id]


@pytest.mark.logs_warnings(r"consultation record kept in the side file")
def test_side_file_survives_a_restart_and_drains_on_open(tmp_path: Path) -> None:
    record = ConsultationLog.open(tmp_path, "agent-7")
    with _connection_pragma(record, "PRAGMA query_only = ON"):
        # U+2028 is a line break to str.splitlines() but not to the side file.
        waiting = record.record_open("faq-1", query="宽带\u2028断网\n")
        record.record_dwell(waiting.event_id, 900)
    record.close()
    assert (tmp_path / SPOOL_FILE).read_bytes().count(b"\n") == 2
    with ConsultationLog.open(tmp_path, "agent-7") as reopened:
        assert reopened.spooled() == 0
        assert reopened.recent()[0].dwell_ms == 900
        assert reopened.recent()[0].query == "宽带\u2028断网\n"
    assert not (tmp_path / DAMAGED_FILE).exists()
    assert _table_rows(tmp_path) == [(waiting.event_id, "open", 900)]


@pytest.mark.logs_warnings(r"damaged line in")
def test_draining_twice_is_harmless_and_damaged_lines_are_kept_aside(tmp_path: Path) -> None:
    with ConsultationLog.open(tmp_path, "agent-7") as record:
        stored = record.record_search("stored", 1)
    # As after a crash between the commit and emptying the side file: the event is in
    # both places; plus a line that is not an entry at all.
    line = json.dumps({"type": "event", "event": stored.to_dict()})
    (tmp_path / SPOOL_FILE).write_text(line + "\n{broken\n", encoding="utf-8")
    with ConsultationLog.open(tmp_path, "agent-7") as record:
        assert record.spooled() == 0
        assert [e.event_id for e in record.recent()] == [stored.event_id]
    assert (tmp_path / DAMAGED_FILE).read_text(encoding="utf-8") == "{broken\n"


@pytest.mark.logs_warnings(
    r"consultation record cannot open", r"consultation record kept in the side file"
)
def test_unopenable_database_spools_from_the_start(tmp_path: Path) -> None:
    (tmp_path / DB_FILE).write_bytes(b"this is not sqlite" * 100)
    with ConsultationLog.open(tmp_path, "agent-7") as record:
        assert "cannot be opened" in (record.last_problem or "")
        waiting = record.record_search("while broken", 0)
        assert record.spooled() == 1
        (tmp_path / DB_FILE).unlink()  # what "move it aside and rebuild" does
        record.record_search("fixed", 0)
        assert record.spooled() == 0
        assert record.last_problem is None
    assert waiting.event_id in {r[0] for r in _table_rows(tmp_path)}


# -- schema ------------------------------------------------------------------------------


def test_tables_match_the_migrations(tmp_path: Path) -> None:
    engine = database.open_engine(tmp_path / DB_FILE)
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    engine.dispose()


def test_revision_0002_database_is_upgraded_keeping_items(tmp_path: Path) -> None:
    path = tmp_path / DB_FILE
    engine = create_engine(f"sqlite:///{path}")
    record = Item.from_dict(faq()).to_dict()
    with engine.begin() as conn:
        config = database._alembic_config()
        config.attributes["connection"] = conn
        command.upgrade(config, "0002")
        conn.exec_driver_sql(
            "INSERT INTO items (id, kind, language, version, updated_at, record, seq) "
            "VALUES (?, 'faq', 'zh', 1, ?, ?, 1)",
            ("faq-1", record["updated_at"], json.dumps(record, ensure_ascii=False)),
        )
    engine.dispose()
    with ConsultationLog.open(tmp_path, "agent-7") as log:
        log.record_open("faq-1")
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (
            database.SCHEMA_REVISION,
        )
        assert conn.execute("SELECT id FROM items").fetchall() == [("faq-1",)]
        indexes = {r[1] for r in conn.execute("PRAGMA index_list(consultation_events)")}
    assert {
        "ix_consultation_events_uploaded_at",
        "ix_consultation_events_agent_occurred",
    } <= indexes
    with KnowledgeBase.open(tmp_path) as kb:
        assert kb.get("faq-1") is not None


def test_copied_or_pasted_queries_are_kept_locally_and_uploaded_without_text(
    tmp_path: Path,
) -> None:
    """Issue #18: detail.source marks them; upload_dict leaves the words out."""
    with ConsultationLog.open(tmp_path, "agent-1") as record:
        record.query_source = "clipboard"
        copied = record.record_search("客户说：退款没到账", 3)
        no_query = record.record_copy("faq-1", filled=False)
        record.query_source = ""
        typed = record.record_search("refund", 2)
        with pytest.raises(ContentError):
            record.query_source = "screen"
        stored = {e.event_id: e for e in record.pending_upload()}
    assert stored[copied.event_id].query == "客户说：退款没到账"  # kept here
    assert stored[copied.event_id].detail["source"] == "clipboard"
    assert stored[copied.event_id].upload_dict()["query"] == ""
    assert stored[copied.event_id].upload_dict()["detail"]["source"] == "clipboard"
    assert "source" not in stored[no_query.event_id].detail  # no query, nothing to mark
    assert stored[typed.event_id].upload_dict()["query"] == "refund"
