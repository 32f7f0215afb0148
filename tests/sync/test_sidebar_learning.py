"""The whole sidebar against the real server: an assignment arrives as a notice, the agent
rates themselves and marks it done in "My learning", and the server has both."""

from __future__ import annotations

from deskmate.core import KnowledgeBase
from deskmate.core.activity.consultation_log import ConsultationLog
from deskmate.core.learning import LearningOutbox
from deskmate.core.paths import Paths
from deskmate.core.sync import TokenVault
from deskmate.desktop.app import DeskmateApp
from deskmate.desktop.background_sync import BackgroundSync
from deskmate.server.auth import Role, add_user
from deskmate.server.learning.assignments import AssignmentRequest, create_assignments
from deskmate.server.tables import AssignmentRow, SelfAssessmentRow
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from tests.core.sync.test_sync_vault import MemoryKeyring
from tests.sync.conftest import AGENT, LiveServer
from tests.sync.test_sync_learning import MANAGER


def test_assignment_notice_then_rating_and_done_reach_the_server(
    qtbot: QtBot,
    qapp: QApplication,
    app_paths: Paths,
    live_server: LiveServer,
    learner: str,
    memory_keyring: MemoryKeyring,
) -> None:
    manager = add_user(live_server.db, MANAGER, Role.MANAGER, "team1")
    request = AssignmentRequest(
        (AGENT,),
        False,
        "复习退款流程",
        "2026-12-05",
        skill="billing.refund",
        item_id="faq-refund-001",
    )
    (assignment,) = create_assignments(live_server.db, manager, request)
    TokenVault(live_server.url).save(learner)

    deskmate = DeskmateApp(qapp, app_paths, dock=False)
    try:
        learning = deskmate.learning
        with qtbot.waitSignal(learning.notices_shown, timeout=60_000) as shown:
            deskmate.start()
        (notice,) = shown.args[0]
        assert notice.kind == "assignment"
        assert deskmate.window.notice_banner.isVisible()
        assert "复习退款流程" in deskmate.window.notice_banner.text.text()

        with qtbot.waitSignal(learning.snapshot_shown, timeout=10_000):
            deskmate.window.show_learning()
        view = deskmate.window.learning
        (card,) = view.assignment_cards
        assert card.assignment.id == assignment
        refund = next(c for c in view.skill_cards if c.skill.code == "billing.refund")
        # Right after each other: the second may come while the first one's sync runs;
        # then the sync after it sends it (not the periodic one, five minutes later).
        qtbot.mouseClick(refund.levels.button(3), Qt.MouseButton.LeftButton)
        qtbot.mouseClick(view.assignment_cards[0].done_button, Qt.MouseButton.LeftButton)

        def on_the_server() -> None:
            with live_server.db.read() as conn:
                levels = [
                    tuple(r)
                    for r in conn.execute(select(SelfAssessmentRow.skill, SelfAssessmentRow.level))
                ]
                done_at = conn.scalar(select(AssignmentRow.done_at))
            waiting = LearningOutbox(app_paths.data_dir).pending()
            state = (
                f"server: {levels}, {done_at}; outbox: {[e.op for e in waiting]}; "
                f"sync running: {deskmate.sync.running}, {deskmate.sync.last_error_code!r}"
            )
            assert levels == [("billing.refund", 3)], state
            assert done_at is not None, state

        qtbot.waitUntil(on_the_server, timeout=60_000)

        def shown_as_synced() -> bool:
            snapshot = view.snapshot
            return (
                not deskmate.sync.running
                and snapshot is not None
                and not snapshot.pending_levels
                and not snapshot.pending_done
            )

        qtbot.waitUntil(shown_as_synced, timeout=60_000)
        assert view.assignment_cards[0].assignment.done_at is not None
    finally:
        deskmate.quit()
        deskmate.window.deleteLater()


def test_a_sync_asked_for_while_one_runs_follows_it(
    qtbot: QtBot,
    live_server: LiveServer,
    token: str,
    kb: KnowledgeBase,
    events: ConsultationLog,
    memory_keyring: MemoryKeyring,
) -> None:
    TokenVault(live_server.url).save(token)
    sync = BackgroundSync(kb, events)
    sync.configure(live_server.url)
    ended: list[str] = []
    sync.finished.connect(lambda summary, problem: ended.append(problem or summary))
    try:
        assert sync.sync_now() is None
        assert sync.running  # a first sync of 253 items takes a while
        assert sync.sync_now() is None  # not a second thread: one more sync afterwards
        qtbot.waitUntil(lambda: len(ended) == 2 and not sync.running, timeout=60_000)
        assert ended[0].startswith("253 new, 0 updated, 0 deleted")
        assert ended[1] == "everything is up to date"  # the poll after a sync: a 304
        qtbot.wait(200)
        assert len(ended) == 2  # and no more
    finally:
        sync.stop()
