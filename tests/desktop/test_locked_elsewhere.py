"""Another program holds the database, the data folder is read-only: the agent keeps working.

Each state has its own sentence, searching goes on with the last good index, no event the
recorder was given is lost, and the GUI thread never waits (the watchdog fixture fails a
test on a stall).
"""

from __future__ import annotations

import errno
import json
import subprocess
import sys

import pytest
from deskmate.core.activity.events import EventKind
from deskmate.core.paths import Paths
from deskmate.core.search.index_store import META_FILE, SearchIndex
from deskmate.desktop.app import DeskmateApp
from pytestqt.qtbot import QtBot

from tests.desktop.conftest import type_text

LOCKER = """
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")  # the write lock, as a backup tool or a second copy holds it
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
db.execute("ROLLBACK")
"""


def _ready(qtbot: QtBot, deskmate: DeskmateApp) -> None:
    deskmate.start()
    qtbot.waitUntil(lambda: deskmate.kb.index_ready, timeout=20_000)
    assert deskmate.jobs.wait_until_idle()


@pytest.mark.logs_warnings(r"^consultation record kept in the side file: ")
def test_a_database_locked_10_s_by_another_process(
    qtbot: QtBot, start_app: DeskmateApp, paths: Paths
) -> None:
    deskmate = start_app
    _ready(qtbot, deskmate)
    locker = subprocess.Popen(
        [sys.executable, "-c", LOCKER, str(paths.data_dir / "deskmate.db"), "10"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert locker.stdout is not None
        assert locker.stdout.readline().strip() == "locked"
        deskmate.recorder.search("宽带套餐", 2)  # a write: waits for the lock, then gives up
        # Searching goes on while the other program holds the lock.
        type_text(qtbot, deskmate.window.search_box, "refund")
        qtbot.waitUntil(lambda: deskmate.window.model.rowCount() > 0, timeout=5_000)
        assert locker.poll() is None  # still locked while the agent searched
        qtbot.waitUntil(
            lambda: "in use by another program" in deskmate.window.status.text(),
            timeout=15_000,
        )
        assert "read-only" not in deskmate.window.status.text()
    finally:
        locker.wait(20)
        if locker.stdout is not None:
            locker.stdout.close()
    # The lock is gone: what waited goes in with the next write; nothing was lost.
    deskmate.recorder.copy("faq-refund-001", True)
    deskmate.recorder.flush()
    events = [(e.kind, e.query) for e in deskmate.recorder.recent(20)]
    assert (EventKind.SEARCH, "宽带套餐") in events
    assert EventKind.COPY in [kind for kind, _query in events]


@pytest.mark.logs_warnings(
    r"^search index built with other settings", r"^job prepare-index: .* \(index\.failed\)$"
)
@pytest.mark.parametrize("code", [errno.EROFS, errno.EACCES])
def test_a_read_only_data_folder_during_the_rebuild_keeps_searching_the_old_index(
    qtbot: QtBot,
    start_app: DeskmateApp,
    paths: Paths,
    monkeypatch: pytest.MonkeyPatch,
    code: int,
) -> None:
    deskmate = start_app
    meta_path = paths.data_dir / "index" / "current" / META_FILE
    meta = json.loads(meta_path.read_text("utf-8"))
    meta["fingerprint"] = "built-by-an-older-version"  # an upgrade: a rebuild is due
    meta_path.write_text(json.dumps(meta), "utf-8")

    def read_only(*_args: object) -> int:
        raise OSError(code, "Read-only file system")  # as root, chmod would not stop it

    monkeypatch.setattr(SearchIndex, "_fill", read_only)
    deskmate.start()
    qtbot.waitUntil(lambda: deskmate.kb.index_ready, timeout=20_000)
    assert deskmate.jobs.wait_until_idle()
    status = deskmate.window.status.text()
    assert "cannot write to its data folder" in status
    assert "disk is full" not in status  # its own sentence, not the full disk's
    assert [p.name for p in (paths.data_dir / "index").iterdir()] == ["current"]
    type_text(qtbot, deskmate.window.search_box, "refund")
    qtbot.waitUntil(lambda: deskmate.window.model.rowCount() > 0)
