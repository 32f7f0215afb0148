"""Issue #13: the consultation record keeps no-result and nothing-opened apart."""

from __future__ import annotations

from pathlib import Path

import pytest
from deskmate.core.activity.consultation_log import ConsultationLog
from deskmate.core.activity.events import EventKind
from deskmate.core.errors import ContentError


def test_no_result_has_no_results_and_nothing_opened_has_a_count(tmp_path: Path) -> None:
    with ConsultationLog.open(tmp_path, "agent-7") as record:
        empty = record.record_no_result("携号转网 费用")
        left = record.record_nothing_opened("退款", result_count=12)
        with pytest.raises(ContentError, match="not a no-result"):
            record.record_no_result("退款", result_count=12)
        assert [e.kind for e in record.recent()] == [EventKind.NOTHING_OPENED, EventKind.NO_RESULT]
    assert empty.to_dict()["result_count"] == 0
    assert left.to_dict() | {"event_id": "", "occurred_at": ""} == {
        "event_id": "",
        "agent_id": "agent-7",
        "kind": "nothing_opened",
        "occurred_at": "",
        "query": "退款",
        "item_id": None,
        "result_count": 12,
        "dwell_ms": None,
        "detail": {},
        "uploaded_at": None,
    }
