"""The agent's local data is owner-only: deskmate.db (every search and gap note) and its folder."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from deskmate.core import KnowledgeBase
from deskmate.core.activity.consultation_log import ConsultationLog
from deskmate.core.private_files import make_private_dir, private_sqlite_file

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_knowledge_base_is_owner_only(tmp_path: Path) -> None:
    data = tmp_path / "fresh" / "deskmate"
    KnowledgeBase.open(data).close()
    assert _mode(data) == 0o700
    assert _mode(data.parent) == 0o700
    assert _mode(data / "deskmate.db") == 0o600


def test_the_consultation_record_and_its_side_files_are_0600(tmp_path: Path) -> None:
    data = tmp_path / "data"
    record = ConsultationLog.open(data, "li.na")
    try:
        record.record_search("花呗还款 客户说扣了两次", result_count=0)
    finally:
        record.close()
    created = [p for p in data.iterdir() if p.name.startswith("deskmate.db")]
    assert (data / "deskmate.db") in created
    assert {p.name: _mode(p) for p in created} == {p.name: 0o600 for p in created}
    assert _mode(data) == 0o700


def test_an_old_world_readable_database_is_tightened_on_open(tmp_path: Path) -> None:
    tmp_path.chmod(0o755)
    path = tmp_path / "deskmate.db"
    path.write_bytes(b"")
    path.chmod(0o644)
    private_sqlite_file(path)
    assert _mode(path) == 0o600
    assert _mode(tmp_path) == 0o755  # a folder that existed (maybe shared) keeps its mode


def test_make_private_dir_ignores_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o000)
    try:
        made = make_private_dir(tmp_path / "a" / "b")
    finally:
        os.umask(old)
    assert _mode(made) == 0o700
    assert _mode(made.parent) == 0o700
