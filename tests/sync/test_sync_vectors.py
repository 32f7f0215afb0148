"""Item vectors in the sync feed (issue #16): encoded by the server, stored by the client."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from pathlib import Path

import pytest
from deskmate.core import KnowledgeBase
from deskmate.core.search.encoder import FloatMatrix, shared_encoder
from deskmate.core.store.sync_status_keys import SERVER_VECTOR_MODEL_KEY
from deskmate.server.content_import import import_packs
from deskmate.server.tables import ItemVectorRow
from sqlalchemy import delete, func, select, update

from tests.encoders import WrappedEncoder
from tests.sync.conftest import LiveServer, faq, make_client


class _Counting(WrappedEncoder):
    """The real encoder, counting the texts it is asked to encode."""

    def __init__(self) -> None:
        super().__init__()
        self.texts = 0

    def encode(self, texts: Sequence[str]) -> FloatMatrix:
        self.texts += len(texts)
        return self.inner.encode(texts)


def _server_vectors(live_server: LiveServer) -> int:
    with live_server.db.read() as conn:
        return int(conn.scalar(select(func.count()).select_from(ItemVectorRow)) or 0)


def test_vectors_arrive_with_the_items_and_are_never_encoded_here(
    live_server: LiveServer, token: str, tmp_path: Path
) -> None:
    items = len(live_server.item_ids())
    assert _server_vectors(live_server) == items  # encoded at import
    counting = _Counting()
    with KnowledgeBase.open(tmp_path / "client", lambda: counting) as kb:
        with make_client(kb, None, live_server.url, token) as client:
            report = client.sync_once()
        assert report.ok, report.problem
        assert kb.semantic.vectors.count(counting.model_id) == items
        again = kb.semantic.encode_items()
        assert (again.encoded, again.kept) == (0, items)
        hits = [h.id for h in kb.search("我要换个地方住家里的网络能跟着搬走吗", 3)]
        assert "faq-bb-007" in hits
    assert counting.texts == 1  # the query only; no item was encoded on the client


@pytest.mark.logs_warnings(
    r"^the server sent 3 vectors this client cannot use \(e\.g\. faq-bb-001: "
)
def test_unusable_vectors_are_refused_and_their_items_stay_lexical(
    live_server: LiveServer, token: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    bad: dict[str, dict[str, object]] = {
        "faq-bb-001": {"model_id": "another-model"},
        "faq-bb-002": {"vector": b"\x01" * 10},
    }
    bad["faq-bb-003"] = {"scale": float("inf")}
    with live_server.db.write() as conn:
        for item_id, values in bad.items():
            conn.execute(
                update(ItemVectorRow).where(ItemVectorRow.item_id == item_id).values(**values)
            )
    with (
        caplog.at_level(logging.WARNING),
        KnowledgeBase.open(tmp_path / "client", shared_encoder) as kb,
    ):
        with make_client(kb, None, live_server.url, token) as client:
            assert client.sync_once().ok
        encoder = shared_encoder()
        assert encoder is not None
        digests = kb.semantic.vectors.digests(encoder.model_id)
        assert not set(bad) & set(digests)
        assert len(digests) == len(live_server.item_ids()) - len(bad)
        hits = kb.search("宽带下单后多久能装好", 3)  # faq-bb-002: lexical still finds it
        assert hits[0].id == "faq-bb-002"
    said = [r.getMessage() for r in caplog.records if "cannot use" in r.getMessage()]
    assert len(said) == 1
    assert "3 vectors" in said[0]


def test_vectors_made_later_reach_clients_that_already_have_the_items(
    tmp_path: Path, sample_pack: Path
) -> None:
    from deskmate.server.content_import import import_packs

    server = LiveServer(f"sqlite:///{tmp_path / 'server.db'}")
    assert not import_packs(server.db, [sample_pack], encoder=lambda: None).problems
    assert _server_vectors(server) == 0  # no encoder on the server at first
    server.start()
    try:
        token = server.add_agent()
        with KnowledgeBase.open(tmp_path / "client", lambda: None) as kb:
            with make_client(kb, None, server.url, token) as client:
                assert client.sync_once().ok
                model = shared_encoder()
                assert model is not None
                assert kb.semantic.vectors.count(model.model_id) == 0
                # The same pack again, now with an encoder: content unchanged, vectors new.
                report = import_packs(server.db, [sample_pack])
                assert report.added == report.updated == 0
                assert _server_vectors(server) == len(server.item_ids())
                second = client.sync_once()
            assert second.ok
            assert second.updated == second.added == 0  # nothing but vectors changed
            assert kb.semantic.vectors.count(model.model_id) == len(server.item_ids())
    finally:
        server.close()


def test_a_server_encoding_with_this_model_is_left_to_send_the_missing_vectors(
    live_server: LiveServer, token: str, tmp_path: Path
) -> None:
    """Server-side first: items the server has not encoded yet are not encoded here."""
    waiting = ["faq-bb-001", "faq-bb-002"]  # e.g. not re-encoded yet after a model change
    with live_server.db.write() as conn:
        conn.execute(delete(ItemVectorRow).where(ItemVectorRow.item_id.in_(waiting)))
    counting = _Counting()
    with KnowledgeBase.open(tmp_path / "client", lambda: counting) as kb:
        with make_client(kb, None, live_server.url, token) as client:
            assert client.sync_once().ok
        assert kb.get_meta(SERVER_VECTOR_MODEL_KEY) == counting.model_id
        assert kb.semantic.vectors.count(counting.model_id) == len(live_server.item_ids()) - 2
        assert kb.semantic.plan_encoding() == []  # what the background job would encode
    assert counting.texts == 0


@pytest.mark.logs_warnings(r"^the server sent 253 vectors this client cannot use .*older-model")
def test_a_server_on_another_model_leaves_the_encoding_to_the_client(
    live_server: LiveServer, token: str, tmp_path: Path
) -> None:
    """A client upgraded before its server encodes the items itself (search stays hybrid)."""
    with live_server.db.write() as conn:
        conn.execute(update(ItemVectorRow).values(model_id="intfloat/older-model@q4"))
    counting = _Counting()
    with KnowledgeBase.open(tmp_path / "client", lambda: counting) as kb:
        with make_client(kb, None, live_server.url, token) as client:
            assert client.sync_once().ok
        assert kb.get_meta(SERVER_VECTOR_MODEL_KEY) == "intfloat/older-model@q4"
        assert kb.semantic.vectors.count(counting.model_id) == 0
        planned = kb.semantic.plan_encoding()
        assert sorted(t.item_id for t in planned) == sorted(live_server.item_ids())


def test_a_server_that_stopped_sending_vectors_leaves_the_encoding_to_the_client(
    live_server: LiveServer, token: str, tmp_path: Path
) -> None:
    """Its encoder no longer loads: new items come without vectors, so the client encodes."""
    counting = _Counting()
    with KnowledgeBase.open(tmp_path / "client", lambda: counting) as kb:
        with make_client(kb, None, live_server.url, token) as client:
            assert client.sync_once().ok
            assert kb.get_meta(SERVER_VECTOR_MODEL_KEY) == counting.model_id
            pack = tmp_path / "new.jsonl"
            record = faq("faq-new-1", "新上线的宽带套餐怎么办理")
            pack.write_text(json.dumps(record, ensure_ascii=False) + "\n", "utf-8")
            assert import_packs(live_server.db, [pack], encoder=lambda: None).added == 1
            assert client.sync_once().ok
        assert kb.get_meta(SERVER_VECTOR_MODEL_KEY) == ""
        assert [t.item_id for t in kb.semantic.plan_encoding()] == ["faq-new-1"]
