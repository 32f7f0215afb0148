"""Content sync against the real server: full sync, changes, deletions, 304, 410, auth, CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from deskmate.core import Item, KnowledgeBase
from deskmate.core.activity.consultation_log import ConsultationLog
from deskmate.core.sync import AuthError, OfflineError
from deskmate.core.sync.pull import CURSOR_KEY, SWEEP_KEY, local_item_ids
from deskmate.desktop.cli import main
from deskmate.server.auth import revoke_tokens
from deskmate.server.content_import import import_packs

from tests.sync.conftest import (
    AGENT,
    FaultProxy,
    LiveServer,
    content_requests,
    faq,
    local_state,
    make_client,
)


def test_fresh_full_sync_then_search_works(
    live_server: LiveServer, token: str, kb: KnowledgeBase, proxy: FaultProxy
) -> None:
    with make_client(kb, None, proxy.url, token) as client:
        report = client.sync_once()
    assert report.ok, report.problem
    assert report.full_pass
    assert report.added == len(live_server.item_ids()) == sum(kb.count().values())
    assert report.updated == report.deleted == 0
    assert [h.id for h in kb.search("花呗还款", limit=1)] == ["faq-pay-012"]
    assert [h.id for h in kb.search("refund iphone", limit=1)] == ["faq-en-refund-001"]
    assert kb.get_meta("last_sync")
    assert kb.get_meta(CURSOR_KEY)
    # The learning profile, the vocabulary (its index rebuild before the items arrive),
    # then the pages.
    assert [p.split("?")[0] for _m, p, _h in proxy.seen[:3]] == [
        "/api/v1/me/profile",
        "/api/v1/vocabulary",
        "/api/v1/changes",
    ]
    # Pages come gzip-compressed and with the token in the header, never the URL.
    method, path, headers = content_requests(proxy.seen)[1]
    assert method == "GET"
    assert "gzip" in headers["Accept-Encoding"]
    assert headers["Authorization"] == f"Bearer {token}"
    assert token not in path


def test_synced_copy_has_the_packs_vocabulary(
    live_server: LiveServer, token: str, kb: KnowledgeBase
) -> None:
    with make_client(kb, None, live_server.url, token) as client:
        assert client.sync_once().ok
    assert [h.id for h in kb.search("hbhk", limit=1)] == ["faq-pay-012"]


def test_changed_item_and_deletions_arrive_on_the_next_sync(
    live_server: LiveServer, token: str, kb: KnowledgeBase, tmp_path: Path
) -> None:
    with make_client(kb, None, live_server.url, token) as client:
        assert client.sync_once().ok
        before = sum(kb.count().values())
        old = kb.get("faq-pay-012")
        assert old is not None
        changed = {**old.to_dict(), "title": "花呗还款：新规则（星桥彗星计划）"}
        live_server.import_records(
            tmp_path / "edit.jsonl",
            [changed, {"id": "exp-001", "deleted": True}, faq("faq-new-1", "全新的问题 量子退款")],
        )
        report = client.sync_once()
        assert report.ok, report.problem
        assert (report.added, report.updated, report.deleted) == (1, 1, 1)
        assert not report.full_pass
        new = kb.get("faq-pay-012")
        assert new is not None
        assert new.title == changed["title"]
        assert new.version == old.version + 1  # the server numbers versions
        assert kb.get("exp-001") is None
        assert sum(kb.count().values()) == before
        assert [h.id for h in kb.search("彗星计划", limit=1)] == ["faq-pay-012"]
        assert [h.id for h in kb.search("量子退款", limit=1)] == ["faq-new-1"]
        assert not [h for h in kb.search("张伟", kinds=["expert"]) if h.id == "exp-001"]
        assert live_server.item_ids() == _local_ids(kb)


def test_idle_poll_gets_304(
    live_server: LiveServer, token: str, kb: KnowledgeBase, proxy: FaultProxy, tmp_path: Path
) -> None:
    with make_client(kb, None, proxy.url, token) as client:
        assert client.sync_once().ok
        assert client.sync_once().ok  # the first poll at the new cursor: an empty page
        proxy.seen.clear()
        report = client.sync_once()
        assert report.ok
        assert report.not_modified
        assert not report.vocabulary_updated
        # Three conditional requests: the learning profile, the vocabulary and the
        # changes (all answered 304).
        assert [p.split("?")[0] for _m, p, _h in proxy.seen] == [
            "/api/v1/me/profile",
            "/api/v1/vocabulary",
            "/api/v1/changes",
        ]
        assert all("If-None-Match" in headers for _m, _p, headers in proxy.seen)
        # A change on the server ends the 304s at once.
        live_server.import_records(tmp_path / "p.jsonl", [faq("faq-new-2", "新条目")])
        report = client.sync_once()
        assert not report.not_modified
        assert report.added == 1


@pytest.mark.logs_warnings(r"server requires a full resync")
def test_garbled_cursor_410_gives_full_resync_and_sweep(
    live_server: LiveServer, token: str, kb: KnowledgeBase
) -> None:
    with make_client(kb, None, live_server.url, token) as client:
        assert client.sync_once().ok
        kb.upsert([Item.from_dict(faq("local-only-1", "只在本地的条目"))])  # an old server's
        kb.set_meta(CURSOR_KEY, "garbage!")
        report = client.sync_once()
    assert report.ok, report.problem
    assert report.full_pass
    assert report.deleted == 1  # swept
    assert report.added == 0
    assert kb.get("local-only-1") is None
    assert _local_ids(kb) == live_server.item_ids()
    assert kb.get_meta(SWEEP_KEY) == ""


@pytest.mark.logs_warnings(r"server requires a full resync")
def test_recreated_server_database_410_and_the_copy_follows_the_new_one(
    tmp_path: Path, sample_pack: Path, data_dir: Path, kb: KnowledgeBase
) -> None:
    first = LiveServer(f"sqlite:///{tmp_path / 'one.db'}")
    import_packs(first.db, [sample_pack])
    first.start()
    try:
        with make_client(kb, None, first.url, first.add_agent()) as client:
            assert client.sync_once().ok
        port = first.port
    finally:
        first.close()
    # The same address, a new database (another epoch) with less content.
    second = LiveServer(f"sqlite:///{tmp_path / 'two.db'}")
    second.port = port
    second.import_records(tmp_path / "small.jsonl", [faq("faq-only-1", "唯一的条目")])
    second.start()
    try:
        with make_client(kb, None, second.url, second.add_agent()) as client:
            report = client.sync_once()
        assert report.ok, report.problem
        assert report.full_pass
        assert _local_ids(kb) == {"faq-only-1"}
        assert [h.id for h in kb.search("唯一", limit=3)] == ["faq-only-1"]
    finally:
        second.close()


def test_revoked_token_is_an_auth_error_and_nothing_changes(
    live_server: LiveServer, token: str, kb: KnowledgeBase, data_dir: Path, tmp_path: Path
) -> None:
    with make_client(kb, None, live_server.url, token) as client:
        assert client.sync_once().ok
        live_server.import_records(tmp_path / "p.jsonl", [faq("faq-new-3", "新条目")])
        revoke_tokens(live_server.db, AGENT)
        state = local_state(data_dir)
        report = client.sync_once()
    assert isinstance(report.error, AuthError)
    assert report.problem == "Sign in again: the server refused the token."
    assert local_state(data_dir) == state


def test_cli_sync_prints_changes_and_exit_codes(
    live_server: LiveServer,
    token: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = str(tmp_path / "cli-data")
    monkeypatch.setenv("DESKMATE_TOKEN", token)
    monkeypatch.setenv("DESKMATE_SERVER", live_server.url)
    with ConsultationLog.open(data, AGENT) as record:
        record.record_search("花呗", 3)
    (tmp_path / "env-config").mkdir()
    (tmp_path / "env-config" / "settings.json").write_text(json.dumps({"agent_id": AGENT}))
    assert main(["sync", "--data-dir", data]) == 0
    out = capsys.readouterr().out
    count = len(live_server.item_ids())
    assert f"pulled {count} items ({count} new, 0 updated), 0 deleted; pushed 1 events;" in out
    assert main(["sync", "--data-dir", data]) == 0
    assert "pulled 0 items (0 new, 0 updated), 0 deleted; pushed 0 events;" in (
        capsys.readouterr().out
    )
    # Offline: exit 4 with the offline sentence.
    assert main(["sync", "--data-dir", data, "--server", "http://127.0.0.1:9"]) == 4
    assert "Offline: cannot reach 127.0.0.1:9; working from the local copy." in (
        capsys.readouterr().err
    )
    # Revoked: exit 3.
    revoke_tokens(live_server.db, AGENT)
    assert main(["sync", "--data-dir", data]) == 3
    err = capsys.readouterr().err
    assert "Sign in again" in err
    assert token not in err


def test_cli_sync_without_server_or_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import keyring

    from tests.core.sync.test_sync_vault import MemoryKeyring

    before = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    try:
        monkeypatch.delenv("DESKMATE_SERVER", raising=False)
        monkeypatch.delenv("DESKMATE_TOKEN", raising=False)
        assert main(["sync"]) == 2
        assert "no sync server" in capsys.readouterr().err
        assert main(["sync", "--server", "https://kb.example.com"]) == 3
        assert "Sign in again" in capsys.readouterr().err
        monkeypatch.setenv("DESKMATE_TOKEN", "not a token")
        assert main(["sync", "--server", "https://kb.example.com"]) == 3
        assert "Sign in again" in capsys.readouterr().err
    finally:
        keyring.set_keyring(before)


def test_offline_client_keeps_its_copy(
    token: str, kb: KnowledgeBase, live_server: LiveServer, data_dir: Path
) -> None:
    with make_client(kb, None, live_server.url, token) as client:
        assert client.sync_once().ok
        live_server.stop()
        state = local_state(data_dir)
        report = client.sync_once()
    assert isinstance(report.error, OfflineError)
    assert report.problem == (
        f"Offline: cannot reach 127.0.0.1:{live_server.port}; working from the local copy."
    )
    assert local_state(data_dir) == state
    assert [h.id for h in kb.search("花呗还款", limit=1)] == ["faq-pay-012"]


def _local_ids(kb: KnowledgeBase) -> set[str]:
    return local_item_ids(kb.data_dir)
