"""kill -9 of `deskmate reindex` mid-build: no process stays behind, the next run cleans up.

A real ``deskmate reindex`` of ~20,000 generated items (so the analysis runs in a spawned
worker process) is killed with SIGKILL at random points of its build (issue #15). Within
5 s every process it had started (the analysis worker and multiprocessing's resource
tracker) must be gone, and the next ``deskmate reindex`` removes the abandoned
``building-*`` folders and leaves an index that agrees with the store.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psutil
import pytest
from deskmate.core import Item, KnowledgeBase

from benchmarks.corpus import build_corpus

ITEMS = 20_000
TRIALS = int(os.environ.get("DESKMATE_KILL_TRIALS", "5"))
DESKMATE = Path(sys.executable).parent / "deskmate"


@pytest.fixture(scope="module")
def template_kb(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """A data directory with 20k generated items and their index (built once), and an item."""
    root = tmp_path_factory.mktemp("kill-kb")
    records = build_corpus(ITEMS, None, seed=5)
    with KnowledgeBase.open(root) as kb:
        kb.upsert([Item.from_dict(r) for r in records])
    return root, records[ITEMS // 2]


def _reindex(data: Path, tmp_path: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DESKMATE_CONFIG_DIR": str(tmp_path / "config"),
        "DESKMATE_LOG_DIR": str(tmp_path / "logs"),
    }
    return subprocess.Popen(
        [str(DESKMATE), "reindex", "--data-dir", str(data)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _gone(process: psutil.Process) -> bool:
    try:
        return not process.is_running() or process.status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def _wait_for_worker(proc: subprocess.Popen[bytes], data: Path) -> list[psutil.Process]:
    """The children of ``proc`` once its analysis worker runs and a build folder exists."""
    deadline = time.monotonic() + 60
    parent = psutil.Process(proc.pid)
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
        try:
            children = parent.children(recursive=True)
            worker = any("spawn_main" in " ".join(c.cmdline()) for c in children)
        except psutil.NoSuchProcess:
            children, worker = [], False
        if worker and list((data / "index").glob("building-*")):
            return list(children)
        time.sleep(0.05)
    raise AssertionError("the reindex never started its analysis worker")


def test_killed_reindex_leaves_no_process_and_the_next_one_cleans_up(
    template_kb: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    template, some = template_kb
    data = tmp_path / "data"
    shutil.copytree(template, data)
    rng = random.Random(os.environ.get("DESKMATE_KILL_SEED", "15"))  # noqa: S311 - kill points
    killed_folders: set[str] = set()
    for _trial in range(TRIALS):
        proc = _reindex(data, tmp_path)
        children = _wait_for_worker(proc, data)
        time.sleep(rng.uniform(0.0, 3.0))
        if proc.poll() is not None:  # finished before the kill point: nothing to check
            proc.communicate()
            continue
        known = {c.pid for c in children}
        children += [
            c for c in psutil.Process(proc.pid).children(recursive=True) if c.pid not in known
        ]
        killed_folders |= {p.name for p in (data / "index").glob("building-*")}
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        if proc.stderr is not None:
            proc.stderr.close()
        limit = time.monotonic() + 5
        while time.monotonic() < limit and not all(map(_gone, children)):
            time.sleep(0.1)
        left = [(c.pid, " ".join(c.cmdline())[:120]) for c in children if not _gone(c)]
        for pid, _cmd in left:  # clean up for the next trial, then fail below
            os.kill(pid, signal.SIGKILL)
        assert not left, f"still running 5 s after the kill: {left}"
    assert killed_folders, "no trial was killed mid-build"
    assert killed_folders & {p.name for p in (data / "index").iterdir()}

    final = _reindex(data, tmp_path)
    _stdout, stderr = final.communicate(timeout=300)
    assert final.returncode == 0, stderr.decode(errors="replace")
    leftovers = [p.name for p in (data / "index").iterdir() if p.name != "current"]
    assert leftovers == []
    with KnowledgeBase.open(data) as kb:
        state = kb._index.state()
        assert state is not None
        assert state.doc_count == sum(kb.count().values()) == ITEMS
        assert some["id"] in {hit.id for hit in kb.search(some["title"], limit=20)}
