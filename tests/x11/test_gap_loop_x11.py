"""The whole gap loop as an agent lives it: the CRM has focus, the gap hotkey, a note and a
case number typed, Enter — then the knowledge editor reads it on the server.

The real `deskmate` process on a real X server, syncing with the real `deskmate-server`
on loopback. Before issue #13 this loop broke twice: the sidebar recorded the flag as the
machine's user name (so the server refused it), and a flag without a query never became
a gap signal (so the editors never saw it).
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from deskmate.server.auth import Role, add_user, issue_token, set_learning_role
from deskmate.server.content_import import import_packs

from tests.sync.conftest import AGENT, LiveServer
from tests.x11.test_app_end_to_end_x11 import (
    app_log,
    deskmate,
    open_gap_dialog_over,
    wait_for_log,
)
from tests.x11.x11_tools import find_window, run, screenshot, start_xterm

pytestmark = pytest.mark.x11
NOTE = "customer asks how to stop roaming data in Japan"
CASE = "CASE-4711"


@pytest.fixture
def loop_server(tmp_path: Path, sample_pack: Path) -> Iterator[LiveServer]:
    server = LiveServer(f"sqlite:///{tmp_path / 'server.db'}")
    assert not import_packs(server.db, [sample_pack]).problems
    server.start()
    try:
        yield server
    finally:
        server.close()


def _gap_topics(server: LiveServer, editor_token: str) -> list[dict[str, object]]:
    answer = httpx.get(
        f"{server.url}/api/v1/gaps",
        headers={"Authorization": f"Bearer {editor_token}"},
        timeout=10,
    )
    answer.raise_for_status()
    topics: list[dict[str, object]] = answer.json()["topics"]
    return topics


def test_a_flag_from_the_crm_reaches_the_editors_under_the_signed_in_account(
    app_env: dict[str, str],
    loop_server: LiveServer,
    xterms: list[subprocess.Popen[bytes]],
) -> None:
    token = loop_server.add_agent()
    set_learning_role(loop_server.db, AGENT, "new_agent")
    add_user(loop_server.db, "editor1", Role.EDITOR, "kb")
    editor_token = issue_token(loop_server.db, "editor1")
    config = Path(app_env["DESKMATE_CONFIG_DIR"])
    config.mkdir(parents=True, exist_ok=True)
    # Set up as before the fix: the agent id is the machine's user name, not agent1.
    (config / "settings.json").write_text(
        json.dumps({"server_url": loop_server.url, "agent_id": "root"}), "utf-8"
    )
    env = {**app_env, "DESKMATE_TOKEN": token}  # IT's preseeded sign-in
    process = deskmate(env)
    try:
        find_window("Deskmate", timeout=30, visible_only=True)
        wait_for_log(env, "sync with 127.0.0.1")  # the first sync binds agent1
        xterms.append(start_xterm("CRM"))
        crm = find_window("CRM")
        open_gap_dialog_over(crm, env)
        run("xdotool", "type", "--delay", "20", NOTE)  # the note field has the focus
        run("xdotool", "key", "Tab")
        run("xdotool", "type", "--delay", "20", CASE)
        screenshot("loop-gap-dialog.png")
        run("xdotool", "key", "Return")

        # The flag is sent at once; the editor sees it with the note and the case.
        deadline = time.monotonic() + 60
        topics: list[dict[str, object]] = []
        while time.monotonic() < deadline and not topics:
            time.sleep(0.5)
            topics = _gap_topics(loop_server, editor_token)
        assert topics, f"no gap topic on the server; the app's log:\n{app_log(env)[-3000:]}"
        flags = [f for t in topics for f in t["flags"]]  # type: ignore[attr-defined]
        assert [(f["agent"], f["note"], f["case"]) for f in flags] == [(AGENT, NOTE, CASE)]
        assert topics[0]["agents"] == [AGENT]
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
