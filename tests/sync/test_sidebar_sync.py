"""The sidebar signs in and syncs with a real server: content down, a gap flag up."""

from __future__ import annotations

import pytest
from deskmate.core.activity.events import GapFlag, GapType
from deskmate.core.paths import Paths
from deskmate.desktop.app import DeskmateApp
from deskmate.desktop.settings_dialog import SettingsDialog
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.core.sync.test_sync_vault import MemoryKeyring
from tests.sync.conftest import LiveServer


@pytest.mark.logs_warnings(r"^job sync: .* \(sync\.auth\)$")
def test_sign_in_then_sync_brings_the_server_content_and_sends_gaps(
    qtbot: QtBot,
    qapp: QApplication,
    app_paths: Paths,
    live_server: LiveServer,
    token: str,
    memory_keyring: MemoryKeyring,
) -> None:
    deskmate = DeskmateApp(qapp, app_paths, dock=False)
    try:
        deskmate.start()
        # No token yet: the first sync says how to sign in, and the sample pack is not
        # loaded (the server's content is the source).
        qtbot.waitUntil(lambda: "Sign in" in deskmate.window.status.text(), timeout=10_000)
        gap = deskmate.recorder.gap(GapFlag(GapType.MISSING, query="卫星电话资费"))
        gap.result(timeout=10)

        dialog = SettingsDialog(deskmate.settings, parent=deskmate.window)
        qtbot.addWidget(dialog)
        dialog.sign_in_requested.connect(lambda url, tok: deskmate._sign_in(dialog, url, tok))
        dialog.token.setText(token)
        with qtbot.waitSignal(deskmate.sync.finished, timeout=60_000) as done:
            dialog.sign_in.click()
        summary, problem = done.args
        assert deskmate.jobs.wait_until_idle()  # the status line's facts are read by a job
        assert problem == ""
        assert "253" in summary
        assert memory_keyring.passwords  # the token is in the credential store
        assert token not in (app_paths.config_dir / "settings.json").read_text("utf-8")
        assert sum(deskmate.kb.count().values()) == len(live_server.item_ids())
        assert gap.result().event_id in live_server.event_ids()
        assert deskmate.window.permanent_status.startswith("Online · last sync: ")
        assert "never" not in deskmate.window.permanent_status
        assert deskmate.kb.search("花呗还款", limit=1)
    finally:
        deskmate.quit()
        deskmate.window.deleteLater()
