"""The sync goes through the proxy the settings name (a real forward proxy on loopback)."""

from __future__ import annotations

import http.client
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import pytest
from deskmate.core import KnowledgeBase
from deskmate.core.activity.consultation_log import ConsultationLog
from deskmate.core.errors import SettingsError
from deskmate.core.settings import Settings

from tests.sync.conftest import LiveServer, make_client

_HOP_BY_HOP = {
    "connection",
    "proxy-connection",
    "proxy-authorization",
    "keep-alive",
    "transfer-encoding",
    "te",
    "trailer",
    "upgrade",
}


class ForwardProxy:
    """A minimal HTTP forward proxy: absolute-URI requests, forwarded and answered."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _forward(self) -> None:
                target = urlsplit(self.path)  # a proxy gets the whole URL
                proxy.seen.append(f"{self.command} {target.path}")
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
                conn = http.client.HTTPConnection(target.hostname or "", target.port, timeout=30)
                path = target.path + (f"?{target.query}" if target.query else "")
                conn.request(self.command, path, body=body, headers=headers)
                answer = conn.getresponse()
                data = answer.read()
                self.send_response(answer.status)
                for key, value in answer.getheaders():
                    if key.lower() not in _HOP_BY_HOP | {"content-length"}:
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                conn.close()

            do_GET = do_POST = do_PUT = _forward  # noqa: N815

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        """The proxy's address, as a setting holds it."""
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def close(self) -> None:
        """Stop serving."""
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def forward_proxy() -> Iterator[ForwardProxy]:
    proxy = ForwardProxy()
    yield proxy
    proxy.close()


def test_the_sync_goes_through_the_configured_proxy(
    live_server: LiveServer,
    token: str,
    kb: KnowledgeBase,
    events: ConsultationLog,
    forward_proxy: ForwardProxy,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Loopback is normally exempt from proxies; the setting must win over the environment.
    for name in ("NO_PROXY", "no_proxy", "HTTP_PROXY", "http_proxy"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings(server_url=live_server.url, proxy_url=forward_proxy.url)
    with make_client(kb, events, live_server.url, token, proxy=settings.proxy_url) as client:
        report = client.sync_once()
    assert report.ok, report.problem
    assert report.added == 253
    assert "GET /api/v1/changes" in forward_proxy.seen
    assert [h.id for h in kb.search("花呗还款", limit=1)]


def test_a_proxy_setting_that_is_not_an_address_is_refused() -> None:
    assert Settings(proxy_url="").proxy_url == ""
    with pytest.raises(SettingsError, match="proxy_url"):
        Settings(proxy_url="proxy.corp:3128")
