"""A clipboard, selection or pasted search never sends its text to the server (issue #18).

The real sidebar widgets (offscreen), the real SyncClient and the real server on loopback:
the events of a suggestion search arrive (counted, with ``detail.source``) without the
copied words, which stay in the local consultation record; a typed search still uploads
its query for the gap analytics.
"""

from __future__ import annotations

import json

from deskmate.core import KnowledgeBase
from deskmate.core.activity.consultation_log import ConsultationLog
from deskmate.core.activity.events import EventKind
from deskmate.desktop.activity_recorder import ActivityRecorder
from deskmate.desktop.clipboard_suggest import ClipboardSuggest
from deskmate.desktop.sidebar import SidebarWindow
from deskmate.server.tables import EventRow
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from tests.desktop.conftest import type_text, wait_for_results
from tests.sync.conftest import LiveServer, make_client

COPIED = "客户张三说退款还没到账订单号A1B2C3"
PASTED = "老客户反馈：花呗还款日能不能改到月底"
TYPED = "refund"


def test_copied_and_pasted_text_stays_local_and_typed_text_is_uploaded(
    qtbot: QtBot,
    live_server: LiveServer,
    token: str,
    kb: KnowledgeBase,
    events: ConsultationLog,
) -> None:
    with make_client(kb, events, live_server.url, token) as client:
        assert client.sync_once().ok  # the sample pack's content
    recorder = ActivityRecorder(events)
    window = SidebarWindow(kb, recorder)
    qtbot.addWidget(window)
    window.show()
    suggest = ClipboardSuggest(window, recorder, window.show, parent=window)
    try:
        for text, source in ((COPIED, "clipboard"), (PASTED, "paste")):
            assert suggest.suggest(text, source)
            wait_for_results(qtbot, window, text)
            window.open_row(0)  # an open carries the query too
            window.back()
            window.end_session()
            window.search_box.clear()
        type_text(qtbot, window.search_box, TYPED)
        wait_for_results(qtbot, window, TYPED)
        window.end_session()
    finally:
        window.shutdown()
        recorder.flush()
    local = events.recent(50)
    for text, source in ((COPIED, "clipboard"), (PASTED, "paste")):
        kept = [e for e in local if e.query == text]
        assert {e.kind for e in kept} >= {EventKind.SEARCH, EventKind.OPEN}
        assert all(e.detail["source"] == source for e in kept)

    with make_client(kb, events, live_server.url, token) as client:
        report = client.sync_once()
    assert report.ok, report.problem
    assert events.pending_upload() == []
    with live_server.db.read() as conn:
        payloads = [json.loads(p) for p in conn.scalars(select(EventRow.payload))]
    assert {e.event_id for e in local} <= {p["event_id"] for p in payloads}
    everything = json.dumps(payloads, ensure_ascii=False)
    assert COPIED not in everything
    assert PASTED not in everything
    assert "A1B2C3" not in everything
    sources = [p for p in payloads if p["detail"].get("source") in ("clipboard", "paste")]
    assert len(sources) >= 4  # two searches and two opens, counted without their words
    assert all(p["query"] == "" for p in sources)
    assert any(p["query"] == TYPED and p["kind"] == "search" for p in payloads)
