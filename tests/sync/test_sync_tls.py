"""TLS: certificates are always verified; a CA bundle makes a private CA trusted."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from deskmate.core import KnowledgeBase
from deskmate.server.content_import import import_packs

from tests.sync.conftest import LiveServer, make_client


@pytest.fixture
def tls_server(tmp_path: Path, sample_pack: Path) -> Iterator[LiveServer]:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    server = LiveServer(f"sqlite:///{tmp_path / 'tls.db'}")
    import_packs(server.db, [sample_pack])
    server.tls = (cert, key)
    server.start()
    try:
        yield server
    finally:
        server.close()


@pytest.mark.logs_warnings(r"learning profile not synced")
@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")
def test_untrusted_certificate_is_refused_and_a_ca_bundle_fixes_it(
    tls_server: LiveServer, kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = tls_server.add_agent()
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    monkeypatch.delenv("DESKMATE_CA_BUNDLE", raising=False)
    with make_client(kb, None, tls_server.url, token) as client:
        report = client.sync_once()
    assert report.problem is not None
    assert "could not be verified" in report.problem
    assert "DESKMATE_CA_BUNDLE" in report.problem
    assert sum(kb.count().values()) == 0

    assert tls_server.tls is not None
    with make_client(kb, None, tls_server.url, token, ca_bundle="/nonexistent/ca.pem") as client:
        report = client.sync_once()
    assert report.problem is not None
    assert "/nonexistent/ca.pem does not exist" in report.problem

    monkeypatch.setenv("DESKMATE_CA_BUNDLE", str(tls_server.tls[0]))
    with make_client(kb, None, tls_server.url, token) as client:
        report = client.sync_once()
    assert report.ok, report.problem
    assert report.added == sum(kb.count().values()) > 0
