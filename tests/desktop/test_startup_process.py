"""A real ``deskmate`` process started with its index deleted: the window comes first.

The 1.5 s target is measured at 100k items by benchmarks/sidebar_rebuild_start.py; here
the order is checked on a process (window, then the rebuild, then searching), with a
loose time limit that a busy CI machine still meets.
"""

from __future__ import annotations

import json
import re
import shutil
import time
from pathlib import Path

from tests.desktop.sidebar_process import READY_LINE, SidebarProcess, assert_intact

WINDOW_LIMIT_S = 6.0  # the benchmark's target is 1.5 s; CI machines are shared


def test_the_window_shows_before_the_index_is_rebuilt(
    tmp_path: Path, big_kb_template: Path
) -> None:
    data = tmp_path / "data"
    shutil.copytree(big_kb_template, data)
    shutil.rmtree(data / "index")
    config = tmp_path / "config"
    config.mkdir()
    (config / "settings.json").write_text(json.dumps({"language": "en"}), "utf-8")
    launched = time.time()
    with SidebarProcess(data, config, tmp_path / "logs") as sidebar:
        sidebar.wait_for_log(READY_LINE)
        sidebar.wait_for_log("search index rebuilt", timeout=120)
        sidebar.quit()
    log = sidebar.log()
    ready = float(re.search(rf"{READY_LINE} ([0-9.]+)", log).group(1))  # type: ignore[union-attr]
    assert ready - launched < WINDOW_LIMIT_S, log
    # The window was up before the rebuild began, and the rebuild ended after it.
    assert (
        log.index(READY_LINE)
        < log.index("creating the search index")
        < log.index("search index rebuilt")
    )
    assert assert_intact(data, min_items=4000) >= 4000
