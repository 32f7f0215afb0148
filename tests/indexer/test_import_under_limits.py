"""The real ``deskmate import`` under a 1 GB address-space cap (issue #15): a hostile pack
(an alias bomb, a 100 MB file, a 100,000-deep record) is refused within a minute, with
problems and no traceback, and the good item beside it is imported."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.indexer.pack_files import ALIAS_BOMB, jsonl, markdown, record, write

ONE_GB = 1024 * 1024 * 1024


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ONE_GB, ONE_GB))


@pytest.mark.slow
def test_hostile_pack_under_a_memory_cap(tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    write(pack / "bomb.md", markdown("bomb-1", extra=ALIAS_BOMB))
    write(pack / "skills.yaml", ALIAS_BOMB)
    write(pack / "deep.jsonl", '{"id": "deep", "x": ' + "[" * 100_000 + "]" * 100_000 + "}\n")
    with (pack / "huge.jsonl").open("w", encoding="utf-8") as out:
        out.write('{"id": "huge", "title": "')
        for _ in range(100):
            out.write("x" * 1_000_000)
        out.write('"}\n')
    write(pack / "good.jsonl", jsonl(record("good-1")))
    deskmate = Path(sys.executable).with_name("deskmate")
    env = {**os.environ, "DESKMATE_DATA_DIR": str(tmp_path / "data")}
    started = time.monotonic()
    done = subprocess.run(
        [str(deskmate), "import", str(pack)],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        preexec_fn=_cap_memory,  # the cap applies to the child only
        check=False,
    )
    elapsed = time.monotonic() - started
    assert elapsed < 60
    assert "Traceback" not in done.stderr
    assert "Error" not in done.stderr
    assert done.returncode == 0, done.stderr
    assert "4 problems" in done.stdout, done.stdout
    assert "1 added" in done.stdout
    for name in ("bomb.md:8", "skills.yaml:1", "deep.jsonl:1", "huge.jsonl:1"):
        assert name in done.stdout
    search = subprocess.run(
        [str(deskmate), "search", "--json", "好的标题"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=True,
    )
    assert '"good-1"' in search.stdout
