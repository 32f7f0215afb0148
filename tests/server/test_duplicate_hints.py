"""Duplicate hints by meaning (issue #16): a draft or a gap topic that says what an article
says, in other words, names it; the real server, the real encoder."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import httpx
import pytest
from deskmate.core.search.encoder import (
    EncoderUnavailableError,
    FloatMatrix,
    TextEncoder,
    shared_encoder,
)
from deskmate.core.search.encoder_guard import BASE_SECONDS, SECONDS_PER_TEXT
from deskmate.server.auth import Role, User
from deskmate.server.content_import import import_packs
from deskmate.server.learning.gap_queue import collect_signals
from deskmate.server.tables import GapTopicRow
from deskmate.server.workbench.similar import dice, similar_items
from deskmate.server.workbench.similar_vectors import FLOOR, Lookalike, rule
from sqlalchemy import select

from tests.server.conftest import RunningServer
from tests.server.console_fixtures import console_client, form_csrf, post_gap
from tests.server.helpers import item_record, write_pack

#: Published articles on unrelated subjects (the crowd a paraphrase must stand out of).
ARTICLES = {
    "faq-printer": "打印机卡纸了怎么办",
    "faq-broadband": "宽带报装需要哪些材料",
    "faq-annual-fee": "信用卡年费怎么免除",
    "faq-roaming": "日本漫游流量包多少钱",
    "faq-refund-post": "退货运费谁承担",
    "faq-password": "如何修改登录密码",
    "faq-invoice": "发票怎样开具",
}
#: Says what faq-printer says, sharing almost no characters with it.
PARAPHRASE = "打印时纸张卡住如何处理"
UNRELATED = "营业厅周末几点关门"


@pytest.fixture
def encoder() -> TextEncoder:
    """The bundled encoder; the test is skipped only where the engine cannot load."""
    found = shared_encoder()
    if found is None:
        pytest.skip(f"the sentence encoder cannot load here: {shared_encoder.problem}")
    return found


@pytest.fixture
def articles(server: RunningServer, tmp_path: Path, encoder: TextEncoder) -> None:
    """The articles, imported (published, with their vectors)."""
    records = [item_record(i, title) for i, title in ARTICLES.items()]
    report = import_packs(server.db, [write_pack(tmp_path / "pack", records)])
    assert report.added == len(records), report


@pytest.fixture
def stack() -> Iterator[contextlib.ExitStack]:
    """Closes the test's clients."""
    with contextlib.ExitStack() as exits:
        yield exits


class _Unavailable:
    """An encoder that cannot run (a damaged engine): every call is refused."""

    model_id = "broken"
    dimension = 384

    def encode(self, texts: Sequence[str]) -> FloatMatrix:
        raise EncoderUnavailableError("the engine is damaged")


def _draft(item_id: str, title: str) -> dict[str, Any]:
    record = item_record(item_id, title)
    del record["version"], record["updated_at"]
    return record


def test_a_paraphrase_is_named_by_meaning_and_an_unrelated_draft_is_not(
    server: RunningServer, articles: None
) -> None:
    assert dice(PARAPHRASE, ARTICLES["faq-printer"]) < 0.2  # few shared characters
    with server.client(server.user("wang.fang", role=Role.EDITOR)) as editor:
        near = editor.post("/api/v1/items", json=_draft("faq-paper-jam", PARAPHRASE))
        assert near.status_code == 201, near.text
        similar = near.json()["similar"]
        assert [(s["id"], s["kind"]) for s in similar] == [("faq-printer", "meaning")]
        assert similar[0]["score"] >= FLOOR
        far = editor.post("/api/v1/items", json=_draft("faq-hours", UNRELATED))
        assert far.json()["similar"] == []
        # Its own saved draft is never its duplicate, and wording still counts.
        again = editor.post("/api/v1/items", json=_draft("faq-printer-2", "打印机卡纸了怎么办？"))
        kinds = {s["id"]: (s["kind"], s["meaning"]) for s in again.json()["similar"]}
        assert kinds["faq-printer"][0] == "wording"
        assert kinds["faq-printer"][1] is not None  # the vectors found it too
        assert "faq-printer-2" not in kinds


def test_a_new_article_is_found_after_the_cache_was_read_and_archived_ones_are_not(
    server: RunningServer, articles: None
) -> None:
    with server.client(server.user("wang.fang", role=Role.EDITOR)) as editor:
        first = editor.post("/api/v1/items", json=_draft("faq-hours", UNRELATED))
        assert first.json()["similar"] == []  # the vectors are now cached in the process
        made = editor.post("/api/v1/items", json=_draft("faq-opening", "营业网点的营业时间"))
        assert made.status_code == 201
        assert editor.post("/api/v1/items/faq-opening/publish").is_success
        again = editor.post("/api/v1/items", json=_draft("faq-hours-2", UNRELATED))
        found = [(s["id"], s["kind"]) for s in again.json()["similar"]]
        assert found == [("faq-hours", "wording"), ("faq-opening", "meaning")]

        assert editor.post("/api/v1/items/faq-printer/archive").is_success
        near = editor.post("/api/v1/items", json=_draft("faq-paper-jam", PARAPHRASE))
        assert near.json()["similar"] == []


def test_without_an_encoder_the_hint_is_by_wording_as_before(
    server: RunningServer, articles: None
) -> None:
    broken = _Unavailable()
    record = {"title": "打印机卡纸了怎么处理", "body": "答案"}
    found = similar_items(server.db, record, "faq-new", encoder=broken)
    assert [(s["id"], s["kind"], s["meaning"]) for s in found] == [("faq-printer", "wording", None)]
    assert similar_items(server.db, {"title": PARAPHRASE}, "faq-new", encoder=broken) == []


def test_the_rule_names_only_what_stands_out_of_the_crowd() -> None:
    crowd = [(f"i{n}", 0.95) for n in range(6)]
    assert rule([("top", 0.96), *crowd], ()) == []  # close, but so is everything
    assert rule([("top", 0.975), *crowd], ()) == [Lookalike("top", 0.975)]
    assert rule([("top", 0.975), *crowd], {"top"}) == []
    # A small base: the missing crowd counts as FLOOR - MARGIN, so the floor decides.
    assert rule([("a", FLOOR + 0.001), ("b", 0.7)], ()) == [Lookalike("a", FLOOR + 0.001)]
    assert rule([("a", FLOOR - 0.001)], ()) == []


def test_the_console_editor_and_the_gap_queue_show_the_lookalike(
    server: RunningServer, articles: None, stack: contextlib.ExitStack
) -> None:
    agent = server.user("li.na", team="t1")
    post_gap(server, agent, "li.na", PARAPHRASE)
    collect_signals(server.db)
    with server.db.read() as conn:
        topic = conn.execute(select(GapTopicRow.id)).scalar_one()
    editor: httpx.Client = console_client(server, server.user("wang.fang", Role.EDITOR))
    stack.callback(editor.close)

    queue = editor.get("/console/gaps").text
    section = queue[queue.index(f'id="topic-{topic}"') :]
    assert "看起来已有相应条目" in section
    assert 'href="/console/items/faq-printer/edit"' in section
    assert 'name="item_id" value="faq-printer"' in section  # resolve with it, one click
    assert "意思相近" in section

    english = editor.get("/console/gaps?lang=en").text
    assert "Looks like an existing article" in english
    assert "similar meaning" in english


def test_saving_a_paraphrase_in_the_console_editor_shows_the_meaning_hint(
    server: RunningServer, articles: None, stack: contextlib.ExitStack
) -> None:
    editor: httpx.Client = console_client(server, server.user("wang.fang", Role.EDITOR))
    stack.callback(editor.close)
    for lang, wanted in (("zh", "意思相近"), ("en", "similar meaning")):
        page = editor.get(f"/console/items/new?lang={lang}")
        fields = {
            "csrf": form_csrf(page.text, "/console/items/save"),
            "new": "1",
            "id": f"faq-paper-jam-{lang}",
            "kind": "faq",
            "language": "zh",
            "title": PARAPHRASE,
            "body": "先关机，再取出卡住的纸张。",
            "action": "save",
        }
        saved = editor.post("/console/items/save", data=fields)
        assert saved.status_code == 200, saved.text  # the editor again, with the hint
        hint = saved.text[saved.text.index('class="notice similar"') :]
        assert 'href="/console/items/faq-printer/edit"' in hint
        assert wanted in hint
    unrelated = editor.get("/console/items/new")
    fields |= {
        "csrf": form_csrf(unrelated.text, "/console/items/save"),
        "id": "faq-hours",
        "title": UNRELATED,
        "body": "周一至周日 9:00-18:00。",
    }
    quiet = editor.post("/console/items/save", data=fields)
    assert quiet.status_code == 303  # saved, nothing to warn about


def test_an_owner_who_is_not_an_editor_is_not_shown_another_teams_article(
    server: RunningServer, tmp_path: Path, encoder: TextEncoder
) -> None:
    records = [
        item_record("faq-printer", ARTICLES["faq-printer"], teams=["t1"]),
        item_record("faq-printer-all", "打印机卡纸了如何解决"),
    ]
    assert import_packs(server.db, [write_pack(tmp_path / "pack", records)]).added == 2
    draft = {"title": "打印机卡纸了怎么办呢", "body": "答案"}

    def ids(user: User | None) -> set[str]:
        return {s["id"] for s in similar_items(server.db, draft, "faq-x", user)}

    everyone = {"faq-printer", "faq-printer-all"}
    assert ids(None) == everyone
    assert ids(User(1, "ed", Role.EDITOR, None)) == everyone  # editors see every item
    assert ids(User(2, "li.na", Role.AGENT, "t1")) == everyone
    assert ids(User(3, "zhao", Role.AGENT, "t2")) == {"faq-printer-all"}


class _Hanging:
    """The real encoder, except that it hangs (until released) on a text with 卡住."""

    def __init__(self, inner: TextEncoder) -> None:
        self.inner = inner
        self.model_id = inner.model_id
        self.dimension = inner.dimension
        self.release = threading.Event()

    def encode(self, texts: Sequence[str]) -> FloatMatrix:
        if any("卡住" in t for t in texts):
            self.release.wait(30)
        return self.inner.encode(texts)


@pytest.mark.logs_warnings(r"^the sentence encoder did not answer within")
def test_an_encoder_that_hangs_delays_one_save_by_the_deadline_then_none(
    server: RunningServer, articles: None, encoder: TextEncoder
) -> None:
    hanging = _Hanging(encoder)
    draft = {"title": "打印机卡纸了怎么处理", "body": "纸张卡住时"}
    try:
        started = time.monotonic()
        found = similar_items(server.db, draft, "faq-new", encoder=hanging)
        assert time.monotonic() - started < BASE_SECONDS + SECONDS_PER_TEXT + 2
        assert [(s["id"], s["kind"]) for s in found] == [("faq-printer", "wording")]
        started = time.monotonic()  # still stuck: the next save does not wait at all
        again = similar_items(server.db, {"title": PARAPHRASE}, "faq-new", encoder=hanging)
        assert again == []
        assert time.monotonic() - started < 1.0
    finally:
        hanging.release.set()
