"""The sidebar's sync as a job, against a real server: quitting mid-sync, and a bug in it."""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from typing import Any

import pytest
from deskmate.core.activity.events import GapFlag, GapType
from deskmate.core.paths import Paths
from deskmate.core.sync.client import SyncClient
from deskmate.desktop.app import DeskmateApp
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.sync.conftest import AGENT, FaultProxy, LiveServer, Reply

APOLOGY = "Sorry, something went wrong inside Deskmate."


def _paths(tmp_path: Path, server_url: str) -> Paths:
    config = tmp_path / "config"
    config.mkdir()
    settings = {"server_url": server_url, "agent_id": AGENT, "language": "en"}
    (config / "settings.json").write_text(json.dumps(settings), "utf-8")
    return Paths.resolve(tmp_path / "data", config)


# A sync blocked in a 6 s read cannot be interrupted: by design quit abandons it after its
# bounded wait (it dies with the process) and says so in the log.
@pytest.mark.logs_warnings(r"^quit: abandoned jobs still running after .* s: sync(;|$)")
def test_quit_during_a_sync_ends_within_3_s_with_nothing_half_written(
    qtbot: QtBot,
    qapp: QApplication,
    tmp_path: Path,
    live_server: LiveServer,
    token: str,
    proxy: FaultProxy,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DESKMATE_TOKEN", token)

    def slow_changes(_method: str, path: str, reply: Reply) -> Reply:
        if "/changes" in path:  # a slow network: the page takes 6 s to arrive
            reply.delay = 6.0
        return reply

    proxy.fault = slow_changes
    deskmate = DeskmateApp(qapp, _paths(tmp_path, proxy.url), dock=False)
    deskmate.start()
    qtbot.waitUntil(lambda: any("/changes" in p for _m, p, _h in proxy.seen), timeout=20_000)
    assert deskmate.sync.running
    begun = time.monotonic()
    deskmate.quit()
    deskmate.window.deleteLater()
    assert time.monotonic() - begun < 3.0
    # The sync was stopped before its page arrived: nothing of it is in the store, and
    # the cursor did not move, so the next sync starts the same page again.
    from deskmate.core import KnowledgeBase

    with KnowledgeBase.open(tmp_path / "data") as kb:
        assert sum(kb.count().values()) == 0
        assert not kb.get_meta("sync.cursor")


@pytest.mark.logs_warnings(r"failed unexpectedly")
def test_a_bug_in_the_sync_shows_the_apology_and_loses_no_event(
    qtbot: QtBot,
    qapp: QApplication,
    tmp_path: Path,
    live_server: LiveServer,
    token: str,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv("DESKMATE_TOKEN", token)
    real = SyncClient.sync_once

    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise ZeroDivisionError("injected bug: raw text")

    monkeypatch.setattr(SyncClient, "sync_once", broken)
    deskmate = DeskmateApp(qapp, _paths(tmp_path, live_server.url), dock=False)
    try:
        with caplog.at_level(logging.ERROR):
            deskmate.start()
            gap = deskmate.recorder.gap(GapFlag(GapType.MISSING, query="卫星电话资费"))
            gap.result(timeout=10)
            qtbot.waitUntil(
                lambda: deskmate.window.status.text().startswith(APOLOGY), timeout=20_000
            )
        assert "raw text" not in deskmate.window.status.text()
        assert any(
            r.exc_info and r.exc_info[0] is ZeroDivisionError and "job sync failed" in r.message
            for r in caplog.records
        )
        # The failed sync ended (the gap's own sync may follow, and fail the same way).
        qtbot.waitUntil(lambda: not deskmate.sync.running, timeout=20_000)
        assert deskmate.jobs.wait_until_idle()
        # The gap waited in the record; the next (working) sync sends it.
        monkeypatch.setattr(SyncClient, "sync_once", real)
        with qtbot.waitSignal(deskmate.sync.finished, timeout=60_000) as done:
            deskmate._sync_now()
        assert done.args[1] == ""
        assert gap.result().event_id in live_server.event_ids()
    finally:
        deskmate.quit()
        deskmate.window.deleteLater()
