"""The sidebar's freshness line and a script's agent-only guidance (issue #17)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from deskmate.core.content.model import Item
from deskmate.desktop.item_view import ItemView
from pytestqt.qtbot import QtBot

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


def _item(kind: str = "faq", **extra: object) -> Item:
    record = {
        "id": "faq-1", "kind": kind, "title": "退款多久到账", "body": "三天内。{订单号}",
        "language": "zh", "updated_at": "2026-10-01T09:00:00+08:00", "version": 2, **extra,
    }  # fmt: skip
    return Item.from_dict(record)


def test_verified_fresh_stale_and_never(qtbot: QtBot) -> None:
    view = ItemView()
    qtbot.addWidget(view)
    fresh = _item(verified_by="王芳", verified_at=(NOW - timedelta(days=3)).isoformat())
    view.show_item(fresh, {})
    view._show_freshness(fresh, NOW)
    assert view.freshness.text() == "Verified by 王芳 · 3 days ago"
    assert view.freshness.property("stale") is False

    old = _item(verified_by="王芳", verified_at=(NOW - timedelta(days=120)).isoformat())
    view._show_freshness(old, NOW)
    assert view.freshness.text().startswith("⚠ Not verified for 120 days (last: 王芳)")
    assert view.freshness.property("stale") is True

    view.show_item(_item(), {})
    assert view.freshness.text() == "Not verified yet"
    assert not view.freshness.isHidden()


def test_script_guidance_is_shown_as_text_and_never_copied(qtbot: QtBot) -> None:
    view = ItemView()
    qtbot.addWidget(view)
    script = _item(
        "script",
        id="s-1",
        guidance="<b>先核实身份</b>再念这段",
        verified_by="李",
        verified_at=NOW.isoformat(),
    )
    view.show_item(script, {})
    assert (
        view.guidance.text() == "Guidance for you (not for the customer): <b>先核实身份</b>再念这段"
    )
    assert not view.guidance.isHidden()
    from tests.desktop.test_script_blanks import answer_blanks_question

    answer_blanks_question(view.script, copy_anyway=True)  # issue #18: blanks asked once
    view.copy()
    from PySide6.QtGui import QGuiApplication

    assert "先核实身份" not in QGuiApplication.clipboard().text()
    expert = Item.from_dict({
        "id": "e-1", "kind": "expert", "title": "张工", "body": "", "language": "zh",
        "updated_at": "2026-10-01T09:00:00+08:00", "version": 1, "name": "张工", "team": "网络",
    })  # fmt: skip
    view.show_item(expert, {})
    assert view.freshness.isHidden()
    assert view.guidance.isHidden()
