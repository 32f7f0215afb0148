"""Quitting a real ``deskmate`` process during a sync with a real server on loopback."""

from __future__ import annotations

import json
import time
from pathlib import Path

from deskmate.core import KnowledgeBase

from tests.desktop.sidebar_process import SidebarProcess, assert_intact
from tests.sync.conftest import AGENT, FaultProxy, LiveServer, Reply


def test_quit_during_a_sync_ends_within_3_s_with_nothing_half_written(
    tmp_path: Path, live_server: LiveServer, token: str, proxy: FaultProxy
) -> None:
    def slow_changes(_method: str, path: str, reply: Reply) -> Reply:
        if "/changes" in path:  # a slow network: the page takes 8 s to arrive
            reply.delay = 8.0
        return reply

    proxy.fault = slow_changes
    config = tmp_path / "config"
    config.mkdir()
    settings = {"server_url": proxy.url, "agent_id": AGENT, "language": "en"}
    (config / "settings.json").write_text(json.dumps(settings), "utf-8")
    data = tmp_path / "data"
    with SidebarProcess(data, config, tmp_path / "logs", DESKMATE_TOKEN=token) as sidebar:
        deadline = time.monotonic() + 60
        while not any("/changes" in p for _m, p, _h in proxy.seen):
            assert time.monotonic() < deadline, sidebar.log()
            assert sidebar.proc.poll() is None, sidebar.log()
            time.sleep(0.02)
        seconds = sidebar.quit()
    assert seconds < 3.0, sidebar.log()
    assert sidebar.proc.returncode == 0, sidebar.output()
    # The page never arrived: nothing of it is stored and the cursor did not move, so
    # the next sync asks for the same page again; what is there reopens whole.
    assert assert_intact(data) == 0
    with KnowledgeBase.open(data) as kb:
        assert not kb.get_meta("sync.cursor")
    # The next start syncs everything the server has.
    proxy.fault = None
    with SidebarProcess(data, config, tmp_path / "logs", DESKMATE_TOKEN=token) as sidebar:
        sidebar.wait_for_log("sync with 127.0.0.1", timeout=60)
        sidebar.quit()
    assert assert_intact(data) == len(live_server.item_ids())
