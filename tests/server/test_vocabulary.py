"""GET /api/v1/vocabulary: the packs' synonyms and skill names, versions, ETag/304, gzip."""

from __future__ import annotations

from pathlib import Path

import pytest
from deskmate.core.search.synonyms import SynonymTable
from deskmate.indexer.pack_import import read_pack
from deskmate.server.auth import Role, revoke_tokens
from deskmate.server.content_import import import_packs

from tests.server.conftest import RunningServer
from tests.server.helpers import item_record, write_pack

SKILLS_YAML = """skills:
  - code: pay
    name: {zh: 支付, en: Payment}
  - code: ship
    name: 物流
"""


def _vocabulary_pack(folder: Path, synonyms: str | None, skills: str | None) -> Path:
    write_pack(folder, [item_record("faq-v-1", "花呗还款")])
    if synonyms is not None:
        (folder / "synonyms.txt").write_text(synonyms, encoding="utf-8")
    if skills is not None:
        (folder / "skills.yaml").write_text(skills, encoding="utf-8")
    return folder


def test_empty_before_any_pack_with_a_vocabulary(server: RunningServer) -> None:
    with server.client(server.user("alice")) as client:
        response = client.get("/api/v1/vocabulary")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.headers["cache-control"] == "no-cache"
    assert response.headers["etag"].startswith('"')
    assert response.json() == {"version": 0, "synonyms": [], "skills": {}}


def test_sample_pack_vocabulary_is_what_the_desktop_importer_uses(
    server: RunningServer, sample_pack: Path
) -> None:
    report = import_packs(server.db, [sample_pack])
    assert not report.problems
    pack = read_pack([sample_pack])  # what `deskmate import` gives set_vocabulary
    assert pack.synonyms is not None
    assert pack.skill_names
    with server.client(server.user("alice")) as client:
        body = client.get("/api/v1/vocabulary").json()
        assert body["version"] == 1
        assert body["synonyms"] == [list(g) for g in pack.synonyms.groups]
        assert body["skills"] == pack.skill_names
        assert list(body["skills"]) == list(pack.skill_names)  # the pack's order
        assert SynonymTable(body["synonyms"]).to_text() == pack.synonyms.to_text()
        # Importing the same pack again changes nothing: same version, same ETag.
        etag = client.get("/api/v1/vocabulary").headers["etag"]
        import_packs(server.db, [sample_pack])
        again = client.get("/api/v1/vocabulary")
        assert again.json()["version"] == 1
        assert again.headers["etag"] == etag


def test_etag_304_and_gzip(server: RunningServer, sample_pack: Path) -> None:
    import_packs(server.db, [sample_pack])
    with server.client(server.user("alice")) as client:
        first = client.get("/api/v1/vocabulary", headers={"Accept-Encoding": "gzip"})
        assert first.status_code == 200
        assert first.headers["content-encoding"] == "gzip"  # over 1000 bytes
        etag = first.headers["etag"]
        cached = client.get("/api/v1/vocabulary", headers={"If-None-Match": etag})
        assert cached.status_code == 304
        assert cached.content == b""
        assert cached.headers["etag"] == etag
        weak = client.get("/api/v1/vocabulary", headers={"If-None-Match": f'"x", W/{etag}'})
        assert weak.status_code == 304
        stale = client.get("/api/v1/vocabulary", headers={"If-None-Match": '"not-it"'})
        assert stale.status_code == 200
        assert stale.json() == first.json()


def test_imports_replace_synonyms_and_skills_separately(
    server: RunningServer, tmp_path: Path
) -> None:
    token = server.user("alice")
    with server.client(token) as client:
        import_packs(server.db, [_vocabulary_pack(tmp_path / "a", "花呗, 蚂蚁花呗\n", SKILLS_YAML)])
        first = client.get("/api/v1/vocabulary")
        assert first.json() == {
            "version": 1,
            "synonyms": [["花呗", "蚂蚁花呗"]],
            "skills": {"pay": "支付 Payment", "ship": "物流"},
        }
        # A pack without synonyms.txt or skills.yaml leaves the vocabulary alone.
        import_packs(server.db, [_vocabulary_pack(tmp_path / "b", None, None)])
        assert client.get("/api/v1/vocabulary").json() == first.json()
        # A new synonyms.txt replaces the synonyms (not merged) and keeps the skills.
        import_packs(server.db, [_vocabulary_pack(tmp_path / "c", "退款, 退钱\nA, b\n", None)])
        second = client.get("/api/v1/vocabulary", headers={"If-None-Match": first.headers["etag"]})
        assert second.status_code == 200
        assert second.json() == {
            "version": 2,
            "synonyms": [["退款", "退钱"], ["a", "b"]],
            "skills": {"pay": "支付 Payment", "ship": "物流"},
        }
        assert second.headers["etag"] != first.headers["etag"]
        # A new skills.yaml replaces the skill names and keeps the synonyms.
        import_packs(server.db, [_vocabulary_pack(tmp_path / "d", None, "skills: []\n")])
        third = client.get("/api/v1/vocabulary").json()
        assert third == {"version": 3, "synonyms": second.json()["synonyms"], "skills": {}}


def test_strict_import_with_problems_keeps_the_vocabulary(
    server: RunningServer, tmp_path: Path
) -> None:
    folder = _vocabulary_pack(tmp_path / "bad", "花呗, 蚂蚁花呗\n", SKILLS_YAML)
    (folder / "broken.jsonl").write_text('{"id": "faq-x", "kind": "faq"}\n', encoding="utf-8")
    report = import_packs(server.db, [folder], strict=True)
    assert report.problems
    assert not report.applied
    with server.client(server.user("alice")) as client:
        assert client.get("/api/v1/vocabulary").json() == {
            "version": 0,
            "synonyms": [],
            "skills": {},
        }


@pytest.mark.parametrize("role", list(Role))
def test_every_role_reads_the_vocabulary(server: RunningServer, role: Role) -> None:
    with server.client(server.user(f"user-{role.value}", role)) as client:
        assert client.get("/api/v1/vocabulary").status_code == 200


def test_revoked_token_is_401_problem(server: RunningServer) -> None:
    token = server.user("alice")
    revoke_tokens(server.db, "alice")
    with server.client(token) as client:
        response = client.get("/api/v1/vocabulary")
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"].endswith("/unauthorized")
