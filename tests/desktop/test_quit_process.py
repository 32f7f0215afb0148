"""Quitting a real ``deskmate`` process during an import or an index rebuild.

The process must end within 3 s of the quit, and the data it leaves must reopen whole:
the store opens, the index opens (or rebuilds from the intact store), search works, and
no half-built index folder is left. (Quitting during a sync: tests/sync.)
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.desktop.sidebar_process import READY_LINE, SidebarProcess, assert_intact

QUIT_LIMIT_S = 3.0


def _config(tmp_path: Path, **settings: str) -> Path:
    config = tmp_path / "config"
    config.mkdir()
    (config / "settings.json").write_text(json.dumps({"language": "en", **settings}), "utf-8")
    return config


@pytest.mark.parametrize("how", ["channel", "sigterm"])
def test_quit_during_an_index_rebuild_ends_within_3_s(
    tmp_path: Path, big_kb_template: Path, how: str
) -> None:
    data = tmp_path / "data"
    shutil.copytree(big_kb_template, data)
    shutil.rmtree(data / "index")
    with SidebarProcess(data, _config(tmp_path), tmp_path / "logs") as sidebar:
        sidebar.wait_for_log("creating the search index")
        seconds = sidebar.quit(how)
    log = sidebar.log()
    assert seconds < QUIT_LIMIT_S, log
    assert sidebar.proc.returncode == 0, sidebar.output()
    assert "search index rebuilt" not in log  # it was quit mid-rebuild
    # The cancelled build never became the live index; the store is whole, so the next
    # opening builds a complete one and searches it.
    assert not (data / "index" / "current").exists(), log
    assert assert_intact(data, min_items=4000) >= 4000, log


def test_quit_during_the_first_start_import_ends_within_3_s(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with SidebarProcess(data, _config(tmp_path), tmp_path / "logs") as sidebar:
        sidebar.wait_for_log("first run: loading the sample pack")
        seconds = sidebar.quit()
    assert seconds < QUIT_LIMIT_S, sidebar.log()
    assert sidebar.proc.returncode == 0, sidebar.output()
    # The pack goes in as one transaction: all of it or nothing, and the index follows.
    assert assert_intact(data) in (0, 253)


def test_the_quit_word_reaches_a_started_sidebar(tmp_path: Path, big_kb_template: Path) -> None:
    """Control: the channel quit works once the sidebar is fully up, and keeps its data."""
    data = tmp_path / "data"
    shutil.copytree(big_kb_template, data)
    with SidebarProcess(data, _config(tmp_path), tmp_path / "logs") as sidebar:
        sidebar.wait_for_log(READY_LINE)
        assert sidebar.quit() < QUIT_LIMIT_S
    assert assert_intact(data, min_items=4000)
