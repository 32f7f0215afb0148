"""The sidebar records as the account the token belongs to (issue #13, joint 1).

Before: a sidebar whose machine user was ``root`` recorded everything as ``root``; signed
in as ``agent1`` its events, a gap flagged on case CASE-4711 among them, were refused by
the server and stayed on the computer, and My learning never showed the profile. Here
the real sidebar signs in through its Settings dialog against the real server, and the
test reads what arrived on the server and what the agent sees.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from deskmate.core.activity.events import GapFlag, GapType
from deskmate.core.learning.profile import LearningProfile
from deskmate.core.paths import Paths
from deskmate.desktop.app import DeskmateApp
from deskmate.server.tables import EventRow
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from tests.core.sync.test_sync_vault import MemoryKeyring
from tests.sync.conftest import AGENT, LiveServer


@pytest.fixture
def root_paths(tmp_path: Path, live_server: LiveServer) -> Paths:
    """A sidebar set up the old way: the agent id is the machine's user name."""
    config = tmp_path / "config"
    config.mkdir()
    (config / "settings.json").write_text(
        json.dumps({"server_url": live_server.url, "agent_id": "root"}), "utf-8"
    )
    return Paths.resolve(tmp_path / "data", config)


@pytest.mark.logs_warnings(r"^job sync: .* \(sync\.auth\)$")
def test_signing_in_in_settings_uploads_earlier_activity_as_the_account(
    qtbot: QtBot,
    qapp: QApplication,
    root_paths: Paths,
    live_server: LiveServer,
    learner: str,
    memory_keyring: MemoryKeyring,
) -> None:
    deskmate = DeskmateApp(qapp, root_paths, dock=False)
    try:
        deskmate.start()
        qtbot.waitUntil(lambda: "Sign in" in deskmate.window.status.text(), timeout=10_000)
        # Flagged from the CRM before signing in: a note and a case number, no query.
        gap = deskmate.recorder.gap(
            GapFlag(GapType.MISSING, note="客户问国际漫游怎么退订", interaction_id="CASE-4711")
        ).result(timeout=10)
        assert gap.agent_id == "root"

        dialog = deskmate.settings_dialog()
        qtbot.addWidget(dialog)
        dialog.show()
        assert "Nobody yet" in dialog.account_label.text()
        dialog.token.setText(learner)
        with qtbot.waitSignal(deskmate.sync.finished, timeout=60_000) as done:
            dialog.sign_in.click()
        assert done.args[1] == ""
        assert dialog.account_label.text().startswith(f"{AGENT} (agent · team team1) since ")
        assert dialog.sign_in_result.text() == (
            f"Activity recorded before you signed in will be uploaded as {AGENT}: 1 in all."
        )
        dialog.reject()

        with live_server.db.read() as conn:
            rows = conn.execute(select(EventRow.agent, EventRow.kind, EventRow.payload)).all()
        assert [(r.agent, r.kind) for r in rows] == [(AGENT, "gap")]
        assert json.loads(rows[0].payload)["detail"]["interaction_id"] == "CASE-4711"
        assert deskmate.recorder.log.pending_upload() == []

        # My learning shows the account's profile, not "appears after the next sync".
        shown: list[LearningProfile | None] = []
        deskmate.learning.snapshot_shown.connect(lambda snap: shown.append(snap.profile))
        deskmate.learning.refresh()
        qtbot.waitUntil(lambda: bool(shown), timeout=10_000)
        assert shown[-1] is not None
        assert shown[-1].agent == AGENT
    finally:
        deskmate.quit()
        deskmate.window.deleteLater()

    # After a restart the sidebar still knows who is signed in, and records as them.
    again = DeskmateApp(qapp, root_paths, dock=False)
    try:
        assert again.session.account is not None
        assert again.session.account.name == AGENT
        assert again.recorder.log.agent_id == AGENT
        dialog = again.settings_dialog()
        qtbot.addWidget(dialog)
        assert dialog.account_label.text().startswith(f"{AGENT} (")
        dialog.reject()
    finally:
        again.quit()
        again.window.deleteLater()
