"""My learning, notices and proposals in the sidebar, from a profile in the cache.

The cache is what the view reads (also offline); writing a profile there is how the last
sync leaves it. The outbox is then checked for what the agent did.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from deskmate.core import KnowledgeBase
from deskmate.core.errors import ContentError
from deskmate.core.learning import CachedProfile, LearningOutbox, LearningProfile, LearningStore
from deskmate.desktop.gap_dialog import GapDialog
from deskmate.desktop.learning_controller import LearningController
from deskmate.desktop.learning_view import Connection
from deskmate.desktop.proposal_dialog import ProposalDialog
from deskmate.desktop.sidebar import SidebarWindow
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from tests.desktop.conftest import press, type_text, wait_for_results

AGENT = "agent-007"  # the recorder fixture's agent


ENGLISH = {
    "新员工": "New agent",
    "共情表达": "Empathy",
    "退款处理": "Refunds",
    "eSIM 开通与转移": "eSIM activation and transfer",
    "自评 3/5": "self-assessed 3/5",
    "主管评分 4/5：沟通自然": "manager rated 4/5: natural conversation",
    "本周查阅「退款流程」9 次": "looked up Refund process 9 times this week",
    "QA 成绩 62 分（2026-11-02）": "QA score 62 in Refunds (2026-11-02)",
    "暂无数据：可以先自评，或请主管评估": "no data yet: rate yourself, or ask your manager",
    "复习退款流程": "Review the refund process",
    "周五前完成": "finish by Friday",
    "阅读 eSIM 转移指南": "Read the eSIM transfer guide",
    "你反馈缺少的答案现在有了：「eSIM 转移指南」": (
        "The answer you asked for now exists: eSIM transfer guide"
    ),
    "wang.manager 给你布置了学习：阅读 eSIM 转移指南": (
        "wang.manager assigned you: Read the eSIM transfer guide"
    ),
}


# billing.refund's weekly levels in sample_profile(): learning that worked.
TREND = [
    ("2026-W44", 1.4),
    ("2026-W45", 1.5),
    ("2026-W46", 1.9),
    ("2026-W47", 1.8),
    ("2026-W48", 2.1),
]


def sample_profile(
    agent: str = AGENT, today: date | None = None, language: str = "zh"
) -> dict[str, Any]:
    """A profile like the server's (texts in ``language``), naming items of the sample pack."""
    profile = _sample_profile(agent, today or date.today())
    if language == "en":
        for skill in profile["skills"]:
            skill["name"] = ENGLISH[skill["name"]]
            skill["reasons"] = [ENGLISH[r] for r in skill["reasons"]]
        for entry in (*profile["assignments"], *profile["notices"]):
            for key in ("title", "note", "text"):
                if entry.get(key):
                    entry[key] = ENGLISH[entry[key]]
        profile["role"]["name"] = ENGLISH[profile["role"]["name"]]
    return profile


def _sample_profile(agent: str, today: date) -> dict[str, Any]:
    return {
        "agent": agent,
        "team": "billing-a",
        "role": {"code": "new_agent", "name": "新员工"},
        "computed_at": "2026-11-30T10:00:00+00:00",
        "window_days": 90,
        "skills": [
            {
                "code": "soft.empathy",
                "name": "共情表达",
                "level": 3.4,
                "target": 3,
                "gap": 0.0,
                "reasons": ["自评 3/5", "主管评分 4/5：沟通自然"],
                "sources": {"self": 3},
                "looks": 1,
                "flags": 0,
            },
            {
                "code": "billing.refund",
                "name": "退款处理",
                "level": 2.1,
                "target": 3,
                "gap": 0.9,
                "reasons": ["本周查阅「退款流程」9 次", "QA 成绩 62 分（2026-11-02）"],
                "sources": {"self": None},
                "looks": 14,
                "flags": 1,
                "trend": [{"week": w, "level": v} for w, v in TREND],
                "since": {"week": "2026-W44", "date": "2026-11-01", "level": 1.4, "change": 0.7},
            },
            {
                "code": "tech.esim",
                "name": "eSIM 开通与转移",
                "level": None,
                "target": 2,
                "gap": 2.0,
                "reasons": ["暂无数据：可以先自评，或请主管评估"],
                "sources": {},
                "looks": 0,
                "flags": 0,
            },
        ],
        "recommendations": [
            {
                "skill": "billing.refund",
                "item_id": "faq-refund-001",
                "title": "七天无理由退货有什么条件？",
                "kind": "faq",
            },
            {
                "skill": "tech.esim",
                "item_id": "faq-esim-transfer-guide",
                "title": "eSIM 转移指南",
                "kind": "faq",
            },
        ],
        "assignments": [
            {
                "id": 7,
                "title": "复习退款流程",
                "skill": "billing.refund",
                "item_id": "faq-refund-002",
                "url": None,
                "note": "周五前完成",
                "due_on": (today - timedelta(days=2)).isoformat(),
                "window_start": "14:00",
                "window_end": "16:00",
                "assigned_by": "wang.manager",
                "assigned_at": "2026-11-20T09:00:00+00:00",
                "done_at": None,
                "overdue": False,
            },
            {
                "id": 8,
                "title": "阅读 eSIM 转移指南",
                "skill": "tech.esim",
                "item_id": "faq-esim-transfer-guide",
                "url": None,
                "note": "",
                "due_on": (today + timedelta(days=5)).isoformat(),
                "window_start": None,
                "window_end": None,
                "assigned_by": "wang.manager",
                "assigned_at": "2026-11-29T09:00:00+00:00",
                "done_at": None,
                "overdue": False,
            },
        ],
        "notices": [
            {
                "id": 13,
                "kind": "gap_resolved",
                "text": "你反馈缺少的答案现在有了：「eSIM 转移指南」",
                "item_id": "faq-esim-transfer-guide",
                "created_at": "2026-11-30T09:30:00+00:00",
            },
            {
                "id": 12,
                "kind": "assignment",
                "text": "wang.manager 给你布置了学习：阅读 eSIM 转移指南",
                "item_id": None,
                "created_at": "2026-11-29T09:00:00+00:00",
            },
        ],
    }


def cache_profile(data_dir: Path, raw: dict[str, Any]) -> None:
    """Leave ``raw`` in the cache, as a sync does."""
    LearningStore(data_dir, AGENT).cache.update(
        lambda old: CachedProfile(
            server="https://kb.example",
            language="zh",
            checked_at="2026-11-30T18:00:00+08:00",
            raw=raw,
            profile=LearningProfile.from_dict(raw),
            seen_notices=old.seen_notices,
        )
    )


@pytest.fixture
def controller(sidebar: SidebarWindow) -> Iterator[LearningController]:
    learning = LearningController(LearningStore(sidebar.kb.data_dir, AGENT), sidebar)
    yield learning
    learning.shutdown()


def show(qtbot: QtBot, learning: LearningController) -> None:
    with qtbot.waitSignal(learning.snapshot_shown, timeout=5000):
        press(qtbot, learning.window.search_box, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert learning.window.pages.currentWidget() is learning.window.learning


def test_profile_is_shown_from_the_cache(
    qtbot: QtBot, sidebar: SidebarWindow, controller: LearningController
) -> None:
    cache_profile(sidebar.kb.data_dir, sample_profile())
    show(qtbot, controller)
    view = sidebar.learning
    assert [c.skill.code for c in view.skill_cards] == [
        "tech.esim",
        "billing.refund",
        "soft.empathy",
    ]
    assert view.skill_cards[1].bar.level == 2.1
    assert view.skill_cards[1].bar.target == 3
    reasons = view.skill_cards[1].findChild(QLabel, "reasons")
    assert reasons is not None
    assert "QA 成绩 62 分" in reasons.text()
    overdue, upcoming = view.assignment_cards
    assert overdue.overdue
    assert not upcoming.overdue
    due = overdue.findChild(QLabel, "dueLine")
    assert due is not None
    assert "#c0392b" in due.text()
    assert "14:00–16:00" in due.text()
    assert "Last updated" in view.status.text()
    assert "新员工" in view.status.text()

    reading = view.skill_cards[1].findChild(QLabel, "reading")  # under its skill too
    assert reading is not None
    assert "faq-refund-001" in reading.text()
    recommendation = view.findChild(QLabel, "recommendation:faq-refund-001")
    assert recommendation is not None
    recommendation.linkActivated.emit("faq-refund-001")
    current = sidebar.current_item()
    assert current is not None
    assert current.id == "faq-refund-001"
    press(qtbot, sidebar.search_box, Qt.Key.Key_Escape)  # back to the results
    show(qtbot, controller)
    overdue = sidebar.learning.assignment_cards[0]
    qtbot.mouseClick(overdue.open_button, Qt.MouseButton.LeftButton)
    current = sidebar.current_item()
    assert current is not None
    assert current.id == "faq-refund-002"


def test_self_assessment_and_done_wait_in_the_outbox(
    qtbot: QtBot, sidebar: SidebarWindow, controller: LearningController
) -> None:
    cache_profile(sidebar.kb.data_dir, sample_profile())
    show(qtbot, controller)
    card = sidebar.learning.skill_cards[1]
    assert card.levels.checkedId() == -1  # never rated
    with qtbot.waitSignal(controller.snapshot_shown, timeout=5000):
        qtbot.mouseClick(card.levels.button(2), Qt.MouseButton.LeftButton)
    card = sidebar.learning.skill_cards[1]
    assert card.levels.checkedId() == 2
    assert card.findChild(QLabel, "pending") is not None
    assert "saved" in sidebar.status.text()
    with qtbot.waitSignal(controller.snapshot_shown, timeout=5000):
        qtbot.mouseClick(
            sidebar.learning.assignment_cards[0].done_button, Qt.MouseButton.LeftButton
        )
    done = sidebar.learning.assignment_cards[-1]  # done ones move to the end
    assert done.assignment.id == 7
    label = done.findChild(QLabel, "doneLabel")
    assert label is not None
    assert "waiting to sync" in label.text()
    assert "waiting for the next sync: 2" in sidebar.learning.status.text()
    pending = LearningOutbox(sidebar.kb.data_dir).pending()
    assert [(e.op, e.agent) for e in pending] == [("self_assessment", AGENT), ("done", AGENT)]
    assert pending[0].body == {"skill": "billing.refund", "level": 2}


def test_new_notices_are_shown_once_and_open_their_item(
    qtbot: QtBot, sidebar: SidebarWindow, controller: LearningController
) -> None:
    cache_profile(sidebar.kb.data_dir, sample_profile())
    with qtbot.waitSignal(controller.notices_shown, timeout=5000) as shown:
        controller.load()
    assert [n.id for n in shown.args[0]] == [13, 12]
    banner = sidebar.notice_banner
    assert banner.isVisible()
    assert "eSIM 转移指南" in banner.text.text()
    assert "1 more" in banner.text.text()
    banner.text.linkActivated.emit("item")
    current = sidebar.current_item()
    assert current is not None
    assert current.id == "faq-esim-transfer-guide"
    assert not banner.isVisible()

    controller.load()  # e.g. after the next sync: nothing new
    controller.wait_until_idle()
    qtbot.wait(50)
    assert not banner.isVisible()
    assert LearningStore(sidebar.kb.data_dir, AGENT).snapshot().new_notices() == []


@pytest.mark.parametrize(
    ("connection", "words"),
    [
        (Connection.NO_SERVER, "Settings"),
        (Connection.SIGNED_OUT, "Sign in"),
        (Connection.OFFLINE, "Offline"),
        (Connection.ONLINE, "after the next sync"),
    ],
)
def test_without_a_profile_a_plain_message(
    qtbot: QtBot, sidebar: SidebarWindow, connection: Connection, words: str
) -> None:
    sidebar.learning.show_snapshot(LearningStore(sidebar.kb.data_dir, AGENT).snapshot(), connection)
    assert words in sidebar.learning.status.text()
    assert sidebar.learning.skill_cards == []


def test_another_agents_profile_is_never_shown(
    qtbot: QtBot, sidebar: SidebarWindow, controller: LearningController
) -> None:
    cache_profile(sidebar.kb.data_dir, sample_profile(agent="someone.else"))
    show(qtbot, controller)
    assert sidebar.learning.skill_cards == []
    assert sidebar.learning.assignment_cards == []
    assert "someone.else" not in sidebar.learning.status.text()


def test_propose_an_answer_from_no_results(
    qtbot: QtBot,
    sidebar: SidebarWindow,
    controller: LearningController,
    sample_kb: KnowledgeBase,
) -> None:
    type_text(qtbot, sidebar.search_box, "zzqqxx")
    wait_for_results(qtbot, sidebar, "zzqqxx")
    assert "propose" in sidebar.empty_label.text()
    sidebar.empty_label.linkActivated.emit("propose")
    dialog = controller.dialog
    assert dialog is not None
    qtbot.addWidget(dialog)
    assert dialog.title_edit.text() == "zzqqxx"
    dialog.title_edit.clear()
    type_text(qtbot, dialog.title_edit, "卫星电话资费")
    assert dialog.skill_list.count() == len(sample_kb.skill_names)
    dialog.accept()  # no answer yet: explained, not closed
    assert dialog.isVisible()
    assert "answer" in dialog.error_label.text()
    type_text(qtbot, dialog.answer_edit, "卫星电话按分钟计费")
    type_text(qtbot, dialog.skill_filter, "esim")
    visible = [
        dialog.skill_list.item(n)
        for n in range(dialog.skill_list.count())
        if not dialog.skill_list.item(n).isHidden()
    ]
    assert [row.data(Qt.ItemDataRole.UserRole) for row in visible] == ["tech.esim"]
    visible[0].setCheckState(Qt.CheckState.Checked)
    with qtbot.waitSignal(controller.snapshot_shown, timeout=5000):
        qtbot.mouseClick(dialog.send_button, Qt.MouseButton.LeftButton)
    assert controller.dialog is None
    (entry,) = LearningOutbox(sidebar.kb.data_dir).pending()
    assert entry.op == "proposal"
    assert entry.body == {
        "title": "卫星电话资费",
        "answer": "卫星电话按分钟计费",
        "skills": ["tech.esim"],
        "item_id": None,
    }


def _open_dialog(controller: LearningController) -> ProposalDialog | None:
    """``controller.dialog`` read anew (mypy would keep an earlier assert's narrowing)."""
    return controller.dialog


def test_propose_an_edit_from_an_item_and_from_the_gap_dialog(
    qtbot: QtBot, sidebar: SidebarWindow, controller: LearningController
) -> None:
    sidebar.open_item("faq-refund-001")
    assert sidebar.item_view.propose_link.isVisible()
    sidebar.item_view.propose_link.linkActivated.emit("propose")
    dialog = controller.dialog
    assert dialog is not None
    qtbot.addWidget(dialog)
    item = sidebar.current_item()
    assert item is not None
    assert dialog.title_edit.text() == item.title
    assert dialog.answer_edit.toPlainText() == item.body
    assert dialog.checked_skills() == sorted(item.skills)
    dialog.reject()
    assert controller.dialog is None

    gap = GapDialog("退款多久到账", "faq-refund-001", item.title)
    qtbot.addWidget(gap)
    gap.propose_requested.connect(controller.propose)
    gap.show()
    qtbot.mouseClick(gap.propose_button, Qt.MouseButton.LeftButton)
    assert not gap.isVisible()
    assert gap.flag is None  # no gap recorded
    dialog = _open_dialog(controller)
    assert dialog is not None
    qtbot.addWidget(dialog)
    assert dialog.title_edit.text() == "退款多久到账"
    assert "faq-refund-001" not in dialog.windowTitle()
    dialog.reject()


def test_each_skill_shows_its_trend_and_an_old_cache_still_reads(
    qtbot: QtBot, sidebar: SidebarWindow, controller: LearningController
) -> None:
    raw = sample_profile()
    cache_profile(sidebar.kb.data_dir, raw)
    show(qtbot, controller)
    cards = {c.skill.code: c for c in sidebar.learning.skill_cards}
    refund = cards["billing.refund"]
    assert refund.trend_line.levels == [level for _week, level in TREND]
    assert refund.trend_line.isVisible()
    text = refund.trend_label.text()
    assert "Level 1.4 → 2.1 since 1 Nov" in text
    assert "+0.7" in text
    assert "2026-W44: 1.4" in refund.trend_line.toolTip()
    # One week known: drawn as a dot, said in words; no level history: no trend row.
    assert cards["soft.empathy"].findChild(QLabel, "trend") is None
    # A profile cached before trends existed reads as before, without a trend.
    for skill in raw["skills"]:
        skill.pop("trend", None)
        skill.pop("since", None)
    old = LearningProfile.from_dict(raw)
    assert all(s.trend == () and s.since is None for s in old.skills)
    raw["skills"][0]["trend"] = [{"week": "2026-W48", "level": 3.4}]
    raw["skills"][0]["since"] = None
    cache_profile(sidebar.kb.data_dir, raw)
    with qtbot.waitSignal(controller.snapshot_shown, timeout=5000):
        controller.load()
    empathy = next(c for c in sidebar.learning.skill_cards if c.skill.code == "soft.empathy")
    assert empathy.trend_line.levels == [3.4]
    assert "from this week" in empathy.trend_label.text()


def test_a_garbled_trend_is_refused_whole() -> None:
    raw = sample_profile()
    raw["skills"][1]["trend"] = [{"week": "2026-W44", "level": "high"}]
    with pytest.raises(ContentError, match=r"skills\[1\]\.trend\[0\]\.level"):
        LearningProfile.from_dict(raw)
