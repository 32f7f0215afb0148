"""The packs' vocabulary (synonyms, skill names) through sync: 304, changes, faults, 404."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest
from deskmate.core import KnowledgeBase
from deskmate.core.search.synonyms import SynonymTable
from deskmate.core.sync import ProtocolError
from deskmate.core.sync.vocabulary import VOCABULARY_ETAG_KEY, vocabulary_digest
from deskmate.indexer.pack_import import read_pack
from deskmate.server.content_import import import_packs

from tests.sync.conftest import (
    FaultProxy,
    LiveServer,
    Reply,
    content_requests,
    faq,
    local_state,
    make_client,
)

VOCABULARY = "/api/v1/vocabulary"


def _statuses(proxy: FaultProxy) -> list[tuple[str, int]]:
    """Record (path, status) of every answer the proxy passes on but the learning ones."""
    answers: list[tuple[str, int]] = []

    def record(method: str, path: str, reply: Reply) -> Reply:
        if not path.startswith("/api/v1/me/"):
            answers.append((path.split("?")[0], reply.status))
        return reply

    proxy.fault = record
    return answers


def _import_vocabulary(server: LiveServer, folder: Path, synonyms: str, skills: str) -> None:
    folder.mkdir()
    (folder / "items.jsonl").write_text(
        json.dumps(faq("faq-photon", "光子钱包的开通方法"), ensure_ascii=False) + "\n"
    )
    (folder / "synonyms.txt").write_text(synonyms, encoding="utf-8")
    (folder / "skills.yaml").write_text(skills, encoding="utf-8")
    report = import_packs(server.db, [folder])
    assert not report.problems, report.problems


def test_first_sync_applies_the_packs_vocabulary_then_304(
    live_server: LiveServer, token: str, kb: KnowledgeBase, proxy: FaultProxy, sample_pack: Path
) -> None:
    pack = read_pack([sample_pack])
    assert pack.synonyms is not None
    answers = _statuses(proxy)
    with make_client(kb, None, proxy.url, token) as client:
        first = client.sync_once()
        assert first.ok, first.problem
        assert first.vocabulary_updated
        # Exactly what `deskmate import` gives the knowledge base.
        assert kb.synonyms.to_text() == pack.synonyms.to_text()
        assert kb.skill_names == pack.skill_names
        assert [h.id for h in kb.search("hbhk", limit=1)] == ["faq-pay-012"]
        stored = kb.get_meta(VOCABULARY_ETAG_KEY)
        assert stored
        proxy.seen.clear()
        answers.clear()
        second = client.sync_once()
    assert second.ok, second.problem
    assert not second.vocabulary_updated
    assert answers[0] == (VOCABULARY, 304)
    assert content_requests(proxy.seen)[0][2]["If-None-Match"] == json.loads(stored)["etag"]
    assert kb.get_meta(VOCABULARY_ETAG_KEY) == stored


def test_changed_synonyms_on_the_server_reach_the_client(
    live_server: LiveServer, token: str, kb: KnowledgeBase, proxy: FaultProxy, tmp_path: Path
) -> None:
    live_server.import_records(tmp_path / "item.jsonl", [faq("faq-photon", "光子钱包的开通方法")])
    answers = _statuses(proxy)
    with make_client(kb, None, proxy.url, token) as client:
        assert client.sync_once().ok
        assert kb.get("faq-photon") is not None
        assert not [h for h in kb.search("zorbwallet") if h.id == "faq-photon"]
        _import_vocabulary(
            live_server,
            tmp_path / "v2",
            "钱包, zorbwallet\n",
            "skills:\n  - code: wallet\n    name: 钱包\n",
        )
        answers.clear()
        report = client.sync_once()
    assert report.ok, report.problem
    assert report.vocabulary_updated
    assert report.added == report.updated == 0  # the same item: only the vocabulary is new
    assert answers[0] == (VOCABULARY, 200)
    # The server's list replaces the local one, as `deskmate import` of that pack would.
    assert kb.synonyms.groups == [("钱包", "zorbwallet")]
    assert kb.skill_names == {"wallet": "钱包"}
    assert [h.id for h in kb.search("zorbwallet", limit=1)] == ["faq-photon"]


def test_local_vocabulary_change_is_replaced_by_the_servers(
    live_server: LiveServer, token: str, kb: KnowledgeBase, proxy: FaultProxy
) -> None:
    with make_client(kb, None, proxy.url, token) as client:
        assert client.sync_once().ok
        server_digest = vocabulary_digest(kb)
        kb.set_vocabulary(SynonymTable([["本地", "local"]]), {})  # e.g. `deskmate import`
        answers = _statuses(proxy)
        proxy.seen.clear()
        report = client.sync_once()
    assert report.ok, report.problem
    assert report.vocabulary_updated
    assert "If-None-Match" not in content_requests(proxy.seen)[0][2]
    assert answers[0] == (VOCABULARY, 200)
    assert vocabulary_digest(kb) == server_digest


def _rewrite(change: Any) -> Any:
    def fault(method: str, path: str, reply: Reply) -> Reply:
        if not path.startswith(VOCABULARY) or reply.status != 200:
            return reply
        body = json.loads(reply.body)
        change(body)
        return Reply(200, reply.headers, json.dumps(body, ensure_ascii=False).encode())

    return fault


MALFORMED = {
    "group-not-a-list": (lambda b: b["synonyms"].append("花呗, 借呗"), "synonym group"),
    "word-not-a-string": (lambda b: b["synonyms"].append(["花呗", 7]), "synonym group"),
    "one-word-group": (lambda b: b["synonyms"].append(["花呗"]), "synonym group"),
    "word-with-separator": (lambda b: b["synonyms"].append(["a,b", "c"]), "synonym group"),
    "word-with-comment": (lambda b: b["synonyms"].append(["a#b", "c"]), "synonym group"),
    "skill-name-not-a-string": (lambda b: b["skills"].update({"pay": 1}), "skill 'pay'"),
    "skills-not-a-map": (lambda b: b.update({"skills": [["pay", "支付"]]}), "skills map"),
    "no-version": (lambda b: b.pop("version"), "no version"),
}


@pytest.mark.parametrize("name", list(MALFORMED))
def test_malformed_vocabulary_is_refused_and_nothing_changes(
    name: str,
    live_server: LiveServer,
    token: str,
    kb: KnowledgeBase,
    proxy: FaultProxy,
    data_dir: Path,
    tmp_path: Path,
) -> None:
    with make_client(kb, None, proxy.url, token) as client:
        assert client.sync_once().ok
    _import_vocabulary(live_server, tmp_path / "v2", "钱包, zorbwallet\n", "skills: []\n")
    change, words = MALFORMED[name]
    proxy.fault = _rewrite(change)
    before = (local_state(data_dir), vocabulary_digest(kb), kb.get_meta(VOCABULARY_ETAG_KEY))
    with make_client(kb, None, proxy.url, token) as client:
        report = client.sync_once()
    assert isinstance(report.error, ProtocolError)
    assert report.problem is not None
    assert "vocabulary" in report.problem
    assert words in report.problem
    assert "nothing local was changed" in report.problem
    assert token not in report.problem
    after = (local_state(data_dir), vocabulary_digest(kb), kb.get_meta(VOCABULARY_ETAG_KEY))
    assert after == before
    assert kb.get("faq-photon") is None  # the sync stopped before the content
    # The fault gone, the next sync applies both.
    proxy.fault = None
    with make_client(kb, None, proxy.url, token) as client:
        report = client.sync_once()
    assert report.ok, report.problem
    assert report.vocabulary_updated
    assert kb.synonyms.groups == [("钱包", "zorbwallet")]
    assert kb.get("faq-photon") is not None


@pytest.mark.logs_warnings(r"does not serve a vocabulary")
def test_older_server_without_the_endpoint_is_a_warning(
    live_server: LiveServer, token: str, kb: KnowledgeBase, proxy: FaultProxy
) -> None:
    def no_endpoint(method: str, path: str, reply: Reply) -> Reply:
        if not path.startswith(VOCABULARY):
            return reply
        problem = {
            "type": "https://deskmate.example/problems/not-found",
            "title": "Not found",
            "status": 404,
            "detail": "There is no such endpoint; see /api/v1/ in docs/sync-api.md.",
        }
        headers = {"Content-Type": "application/problem+json"}
        return Reply(404, headers, json.dumps(problem).encode())

    proxy.fault = no_endpoint
    with make_client(kb, None, proxy.url, token) as client:
        report = client.sync_once()
    assert report.ok, report.problem
    assert report.added == len(live_server.item_ids())
    assert not report.vocabulary_updated
    assert any("does not send synonyms and skill names" in w for w in report.warnings)
    assert kb.synonyms.groups == []
    assert not kb.get_meta(VOCABULARY_ETAG_KEY)


def test_index_rebuild_runs_on_the_syncing_thread(
    live_server: LiveServer, token: str, kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: list[str] = []
    rebuild = kb.rebuild_index

    def recording(*args: Any, **kwargs: Any) -> int:
        threads.append(threading.current_thread().name)
        return rebuild(*args, **kwargs)

    monkeypatch.setattr(kb, "rebuild_index", recording)
    reports = []
    with make_client(kb, None, live_server.url, token) as client:
        worker = threading.Thread(
            target=lambda: reports.append(client.sync_once()), name="deskmate-sync"
        )
        worker.start()
        worker.join(60)
    assert reports[0].ok, reports[0].problem
    assert reports[0].vocabulary_updated
    assert threads == ["deskmate-sync"]
