"""Console form posts from another site's page are refused (403), whatever token they carry;
and the console's number fields never turn odd input into a 500."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from deskmate.server.console.origin_check import same_origin
from deskmate.server.console.session import (
    SESSION_COOKIE,
    csrf_token,
    read_session_cookie,
)

from tests.server.conftest import RunningServer
from tests.server.console_fixtures import console_client, form_csrf
from tests.server.learning_fixtures import add_team, import_learning_pack

RATING_FORM = "/console/agents/li.na/ratings"


@pytest.fixture
def tokens(server: RunningServer, tmp_path: Path) -> dict[str, str]:
    import_learning_pack(server, tmp_path / "pack")
    return add_team(server)


def _ratings(server: RunningServer, token: str) -> list[float | None]:
    with server.client(token) as client:
        profile = client.get("/api/v1/agents/li.na/profile").json()
    return [s["sources"].get("manager") for s in profile["skills"] if s["code"] == "tech.esim"]


def test_same_origin_compares_host_and_port() -> None:
    assert same_origin("http://127.0.0.1:8765", "127.0.0.1:8765")
    assert same_origin("https://console.example", "console.example")  # TLS ends at a proxy
    assert same_origin("https://console.example:443", "console.example")
    assert not same_origin("https://evil.example", "console.example")
    assert not same_origin("http://127.0.0.1:9999", "127.0.0.1:8765")
    assert not same_origin("null", "console.example")
    assert not same_origin("http://console.example.evil.example", "console.example")


def test_a_cross_site_post_is_refused_even_with_the_csrf_token(
    server: RunningServer, tokens: dict[str, str]
) -> None:
    client = console_client(server, tokens["wang.mgr"])
    try:
        csrf = form_csrf(client.get("/console/agents/li.na").text, RATING_FORM)
        form = {"csrf": csrf, "skill": "tech.esim", "rating": "1", "comment": "x"}
        own = server.base_url.removeprefix("http://")
        for headers in (
            {"Origin": "https://evil.example"},
            {"Origin": "null"},
            {"Sec-Fetch-Site": "cross-site", "Origin": f"http://{own}"},
            {"Sec-Fetch-Site": "same-site"},
        ):
            refused = client.post(RATING_FORM, data=form, headers=headers)
            assert refused.status_code == 403, (headers, refused.status_code)
            assert "another website" in refused.text or "别的网站" in refused.text
        assert _ratings(server, tokens["wang.mgr"]) == [None]  # nothing was stored
        for headers in (
            {"Origin": f"http://{own}"},
            {"Sec-Fetch-Site": "same-origin", "Origin": f"http://{own}"},
            {},  # no browser headers (a script): the CSRF token decides, as before
        ):
            fine = client.post(RATING_FORM, data=form, headers=headers)
            assert fine.status_code == 303, (headers, fine.text[:200])
        assert _ratings(server, tokens["wang.mgr"]) != [None]
        no_token = client.post(RATING_FORM, data={**form, "csrf": "x"})
        assert no_token.status_code == 403
    finally:
        client.close()


def test_a_cross_site_sign_in_is_refused(server: RunningServer, tokens: dict[str, str]) -> None:
    with server.client() as browser:
        page = browser.get("/console/signin").text
        fields = {"csrf": form_csrf(page, "/console/signin"), "token": tokens["wang.mgr"]}
        answer = browser.post(
            "/console/signin", data=fields, headers={"Origin": "https://evil.example"}
        )
        assert answer.status_code == 403
        assert SESSION_COOKIE not in answer.cookies


def test_odd_numbers_in_console_forms_are_4xx(
    server: RunningServer, tokens: dict[str, str]
) -> None:
    client: httpx.Client = console_client(server, tokens["ed.itor"])
    try:
        session = read_session_cookie(server.console_key, client.cookies.get(SESSION_COOKIE))
        assert session is not None
        csrf = csrf_token(server.console_key, session.id, "gap")
        for topic in ("99999999999999999999999", "²", "2147483648"):
            answer = client.post(f"/console/gaps/{topic}", data={"csrf": csrf, "action": "accept"})
            assert answer.status_code == 404, (topic, answer.status_code)
        for into in ("99999999999999999999999", "²"):
            form = {"csrf": csrf, "action": "merge", "into": into}
            assert client.post("/console/gaps/1", data=form).status_code == 400, into
        assert client.get("/console/articles?days=²").status_code == 200
    finally:
        client.close()


def test_a_form_of_too_many_fields_is_400(server: RunningServer, tokens: dict[str, str]) -> None:
    client = console_client(server, tokens["wang.mgr"])
    try:
        body = "&".join(f"f{n}=x" for n in range(300))
        answer = client.post(
            "/console/signout",
            content=body,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert answer.status_code == 400
        assert answer.headers["content-type"].startswith("text/html")
    finally:
        client.close()


def test_nul_characters_in_console_addresses_and_forms_are_4xx(
    server: RunningServer, tokens: dict[str, str]
) -> None:
    client = console_client(server, tokens["wang.mgr"])
    try:
        assert client.get("/console/agents/li%00na").status_code == 422
        csrf = form_csrf(client.get("/console/assign").text, "/console/assign")
        form = {"csrf": csrf, "target": "team", "title": "复习\x00退款", "due_on": "2026-12-05"}
        assert client.post("/console/assign", data=form).status_code == 400
    finally:
        client.close()
