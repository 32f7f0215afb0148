"""Gap signal texts are encoded before collect_signals' write transaction (issue #16): a
backlog of texts to encode never holds the write lock that uploads and publishes need."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path

from deskmate.core.search.encoder import FloatMatrix, TextEncoder
from deskmate.server.learning.gap_queue import collect_signals
from deskmate.server.tables import GapTextVectorRow
from sqlalchemy import func, select

from tests.server.conftest import RunningServer
from tests.server.learning_fixtures import add_team, import_learning_pack
from tests.server.test_gap_vectors import PARAPHRASES, PRODUCTS, CountingEncoder, _post, _topic_of


class _ProbesTheWriteLock(CountingEncoder):
    """The real encoder; before each call it tries to commit a write of its own (SQLite)."""

    def __init__(self, inner: TextEncoder, db_file: Path) -> None:
        super().__init__(inner)
        self.db_file = db_file
        self.writes: list[bool] = []  # whether each probe's write could commit

    def encode(self, texts: Sequence[str]) -> FloatMatrix:
        probe = sqlite3.connect(self.db_file, timeout=0.5, isolation_level=None)
        try:
            probe.execute("BEGIN IMMEDIATE")  # the write lock, as any writer takes it
            probe.execute("COMMIT")
            self.writes.append(True)
        except sqlite3.OperationalError:  # "database is locked": a writer holds it
            self.writes.append(False)
        finally:
            probe.close()
        return super().encode(texts)


def test_the_write_lock_is_free_while_the_texts_are_encoded_and_topics_are_the_same(
    tmp_path: Path,
    server_factory: Callable[[str], RunningServer],
    encoder: TextEncoder,
) -> None:
    db_file = tmp_path / "server.db"
    server = server_factory(f"sqlite:///{db_file}")
    import_learning_pack(server, tmp_path / "pack")
    tokens = add_team(server)
    _post(server, tokens["li.na"], "li.na", [PARAPHRASES[0], PRODUCTS[0]])
    _post(server, tokens["zhao.lei"], "zhao.lei", [PARAPHRASES[1], PRODUCTS[1]])
    probing = _ProbesTheWriteLock(encoder, db_file)
    assert collect_signals(server.db, encoder=lambda: probing) == 4
    assert probing.writes == [True]  # one batch of the four texts, the lock free meanwhile
    assert len(probing.texts) == 4
    topic = _topic_of(server)  # as before: paraphrases together, products apart
    assert topic[PARAPHRASES[0]] == topic[PARAPHRASES[1]]
    assert topic[PRODUCTS[0]] != topic[PRODUCTS[1]]
    with server.db.read() as conn:
        assert conn.execute(select(func.count()).select_from(GapTextVectorRow)).scalar() == 4


def test_a_signal_uploaded_while_encoding_waits_for_the_next_collection_and_its_vector(
    server: RunningServer, tmp_path: Path, encoder: TextEncoder
) -> None:
    import_learning_pack(server, tmp_path / "pack")
    tokens = add_team(server)
    _post(server, tokens["li.na"], "li.na", [PARAPHRASES[0]])

    class _UploadsMeanwhile(CountingEncoder):
        def encode(self, texts: Sequence[str]) -> FloatMatrix:
            if len(self.texts) == 0:  # the upload needs the write lock: it is free
                _post(server, tokens["zhao.lei"], "zhao.lei", [PARAPHRASES[1]])
            return super().encode(texts)

    uploading = _UploadsMeanwhile(encoder)
    assert collect_signals(server.db, encoder=lambda: uploading) == 1
    assert list(_topic_of(server)) == [PARAPHRASES[0]]  # not placed without its vector
    assert collect_signals(server.db, encoder=lambda: uploading) == 1
    assert uploading.texts == list(PARAPHRASES)
    topic = _topic_of(server)
    assert topic[PARAPHRASES[0]] == topic[PARAPHRASES[1]]  # joined by meaning
