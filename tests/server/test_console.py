"""The web console over HTTP (SQLite and PostgreSQL): sign-in, sessions, CSRF, every page's
role and team boundaries, and the forms that assign, rate and decide gaps."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from deskmate.server.auth import hash_token, revoke_tokens
from deskmate.server.console.session import SESSION_COOKIE, start_session

from tests.server.conftest import RunningServer
from tests.server.console_fixtures import (
    console_client,
    form_csrf,
    post_gap,
    seed_activity,
    sign_in,
)
from tests.server.helpers import item_record
from tests.server.learning_fixtures import add_team, import_learning_pack

MANAGER_PAGES = ["/console/team", "/console/agents/li.na", "/console/assign", "/console/trends"]
EDITOR_PAGES = ["/console/gaps"]
SHARED_PAGES = ["/console/articles"]
ALL_PAGES = MANAGER_PAGES + EDITOR_PAGES + SHARED_PAGES
FORMS = ["/console/assign", "/console/agents/li.na/ratings", "/console/gaps/1", "/console/signout"]
ASSIGNMENT = {
    "target": "team",
    "title": "复习退款流程",
    "item_id": "faq-refund",
    "due_on": "2026-12-05",
}


@pytest.fixture
def tokens(server: RunningServer, tmp_path: Path) -> dict[str, str]:
    import_learning_pack(server, tmp_path / "pack")
    return add_team(server)


@pytest.fixture
def signed_in(
    server: RunningServer, tokens: dict[str, str]
) -> Iterator[Callable[[str], httpx.Client]]:
    clients: list[httpx.Client] = []

    def open_as(name: str) -> httpx.Client:
        clients.append(console_client(server, tokens[name]))
        return clients[-1]

    yield open_as
    for client in clients:
        client.close()


def _cookie_for(server: RunningServer, token: str, now: float | None = None) -> str:
    return start_session(server.console_key, hash_token(token), now)[1]


def _tampered(cookie: str) -> str:
    return cookie[:-1] + ("1" if cookie.endswith("0") else "0")


def test_sign_in_sets_a_hardened_session_cookie_and_goes_home_by_role(
    server: RunningServer, tokens: dict[str, str]
) -> None:
    with server.client() as client:
        answer = sign_in(client, tokens["wang.mgr"], "/console/trends")
        assert answer.status_code == 303
        assert answer.headers["location"] == "/console/trends"
        cookie = next(
            c for c in answer.headers.get_list("set-cookie") if c.startswith(SESSION_COOKIE + "=")
        )
        assert "HttpOnly" in cookie
        assert "SameSite=lax" in cookie
        assert "Path=/console" in cookie
        assert tokens["wang.mgr"] not in cookie  # only the token's hash, signed
        assert client.get("/console/").headers["location"] == "/console/team"
    with server.client() as client:
        sign_in(client, tokens["ed.itor"], "https://evil.example/")  # no open redirect
        home = client.get("/console/")
        assert home.headers["location"] == "/console/gaps"


def test_bad_tokens_and_agents_get_no_session(
    server: RunningServer, tokens: dict[str, str]
) -> None:
    with server.client() as client:
        wrong = sign_in(client, "not-a-token")
        assert wrong.status_code == 401
        assert "无效或已被吊销" in wrong.text
        agent = sign_in(client, tokens["li.na"])
        assert agent.status_code == 403
        assert "仅供主管和知识编辑使用" in agent.text
        assert SESSION_COOKIE not in client.cookies
        assert client.get("/console/team").status_code == 303


def test_every_page_sends_strangers_to_sign_in(
    server: RunningServer, tokens: dict[str, str]
) -> None:
    with server.client() as client:
        for page in ALL_PAGES:
            answer = client.get(page)
            assert answer.status_code == 303, page
            assert answer.headers["location"].startswith("/console/signin?next=/console/"), page
        for action in FORMS:
            assert client.post(action, data={"csrf": "x"}).status_code == 303, action


def test_role_boundaries_of_every_page(
    server: RunningServer, tokens: dict[str, str], signed_in: Callable[[str], httpx.Client]
) -> None:
    expected = {
        "wang.mgr": {**dict.fromkeys(MANAGER_PAGES + SHARED_PAGES, 200), "/console/gaps": 403},
        "sun.mgr2": {
            **dict.fromkeys(MANAGER_PAGES + SHARED_PAGES, 200),
            "/console/agents/li.na": 404,  # another team's agent is not even confirmed
            "/console/gaps": 403,
        },
        "ed.itor": {
            **dict.fromkeys(MANAGER_PAGES, 403),
            "/console/gaps": 200,
            "/console/articles": 200,
        },
    }
    for name, pages in expected.items():
        client = signed_in(name)
        for page, status in pages.items():
            answer = client.get(page)
            assert answer.status_code == status, (name, page, answer.text[:300])
            assert answer.headers["content-type"].startswith("text/html"), (name, page)
    # An agent never gets a session; one made for them anyway (say, demoted after signing
    # in) opens no page.
    with server.client() as client:
        client.cookies.set(SESSION_COOKIE, _cookie_for(server, tokens["li.na"]), path="/console")
        for page in ["/console/", *ALL_PAGES]:
            answer = client.get(page)
            assert answer.status_code == 403, page
            assert "managers and editors" in answer.text or "主管和知识编辑" in answer.text
        for action in FORMS:
            assert client.post(action, data={"csrf": "x"}).status_code == 403, action
    # Every form refuses the roles it is not for, whatever token the form carries.
    editor = signed_in("ed.itor")
    csrf = form_csrf(editor.get("/console/gaps").text, "/console/signout")
    for action in ("/console/assign", "/console/agents/li.na/ratings"):
        assert editor.post(action, data={**ASSIGNMENT, "csrf": csrf}).status_code == 403, action
    manager = signed_in("wang.mgr")
    csrf = form_csrf(manager.get("/console/team").text, "/console/signout")
    assert (
        manager.post("/console/gaps/1", data={"csrf": csrf, "action": "accept"}).status_code == 403
    )


def test_a_manager_sees_and_changes_only_their_own_team(
    server: RunningServer, tokens: dict[str, str], signed_in: Callable[[str], httpx.Client]
) -> None:
    seed_activity(server, tokens, days=3)
    client = signed_in("wang.mgr")
    team = client.get("/console/team").text
    assert "li.na" in team
    assert "zhao.lei" in team
    assert "chen.other" not in team
    assert "chen.other" not in client.get("/console/trends").text
    assert client.get("/console/agents/chen.other").status_code == 404
    page = client.get("/console/agents/li.na").text
    rating = {"csrf": form_csrf(page, "/console/agents/li.na/ratings"), "skill": "tech.esim"}
    refused = client.post("/console/agents/chen.other/ratings", data={**rating, "rating": "2"})
    assert refused.status_code == 404
    assign_page = client.get("/console/assign").text
    csrf = form_csrf(assign_page, "/console/assign")
    stranger = {**ASSIGNMENT, "csrf": csrf, "target": "agent", "agent": "chen.other"}
    answer = client.post("/console/assign", data=stranger)
    assert answer.status_code == 400
    assert "not in your team" in answer.text
    with server.client(tokens["chen.other"]) as agent:
        assert agent.get("/api/v1/me/profile").json()["assignments"] == []
    # Article analytics are the team's own: chen.other's opens are not counted for wang.mgr.
    articles = client.get("/console/articles").text
    assert "范围：你的团队 t1" in articles
    assert "常见的无结果搜索" not in articles  # what agents typed: editors only


def test_forms_need_the_sessions_csrf_token(
    server: RunningServer, tokens: dict[str, str], signed_in: Callable[[str], httpx.Client]
) -> None:
    manager = signed_in("wang.mgr")
    page = manager.get("/console/assign").text
    good = form_csrf(page, "/console/assign")
    other_purpose = form_csrf(page, "/console/signout")
    other_session = form_csrf(signed_in("wang.mgr").get("/console/assign").text, "/console/assign")
    for csrf in (None, "", "0" * 64, other_purpose, other_session):
        data = {**ASSIGNMENT, **({"csrf": csrf} if csrf is not None else {})}
        answer = manager.post("/console/assign", data=data)
        assert answer.status_code == 403, csrf
        assert "安全令牌" in answer.text
    with server.client(tokens["li.na"]) as agent:
        assert agent.get("/api/v1/me/profile").json()["assignments"] == []
    assert manager.post("/console/assign", data={**ASSIGNMENT, "csrf": good}).status_code == 303
    # The sign-in form is bound to its pre-session cookie: a post from elsewhere is refused.
    with server.client() as stranger:
        forged = stranger.post("/console/signin", data={"csrf": good, "token": tokens["wang.mgr"]})
        assert forged.status_code == 403
        assert SESSION_COOKIE not in stranger.cookies


def test_revoking_the_token_or_twelve_hours_end_the_session(
    server: RunningServer, tokens: dict[str, str], signed_in: Callable[[str], httpx.Client]
) -> None:
    client = signed_in("wang.mgr")
    assert client.get("/console/team").status_code == 200
    revoke_tokens(server.db, "wang.mgr")
    ended = client.get("/console/team")
    assert ended.status_code == 303
    assert ended.headers["location"] == "/console/signin?next=/console/team&ended=1"
    assert SESSION_COOKIE not in client.cookies  # the cookie is dropped
    assert "已过期或令牌已被吊销" in client.get(ended.headers["location"]).text
    editor = tokens["ed.itor"]
    for cookie in (
        _cookie_for(server, editor, time.time() - 12 * 3600 - 60),  # too old
        _tampered(_cookie_for(server, editor)),
        _cookie_for(server, editor).replace(".", ".9", 1),  # another sign-in time
    ):
        with server.client() as other:
            other.cookies.set(SESSION_COOKIE, cookie, path="/console")
            assert other.get("/console/gaps").status_code == 303
    with server.client() as fresh:
        fresh.cookies.set(SESSION_COOKIE, _cookie_for(server, editor), path="/console")
        assert fresh.get("/console/gaps").status_code == 200


def test_sign_out_ends_the_session(
    server: RunningServer, signed_in: Callable[[str], httpx.Client]
) -> None:
    client = signed_in("ed.itor")
    page = client.get("/console/gaps").text
    out = client.post("/console/signout", data={"csrf": form_csrf(page, "/console/signout")})
    assert out.status_code == 303
    assert SESSION_COOKIE not in client.cookies
    assert client.get("/console/gaps").status_code == 303


def test_a_second_server_on_the_same_database_accepts_the_session(
    server: RunningServer,
    tokens: dict[str, str],
    db_url: str,
    server_factory: Callable[[str], RunningServer],
) -> None:
    other = server_factory(db_url)
    with server.client() as client:
        sign_in(client, tokens["ed.itor"])
        cookie = client.cookies[SESSION_COOKIE]
    with other.client() as client:
        client.cookies.set(SESSION_COOKIE, cookie, path="/console")
        assert client.get("/console/gaps").status_code == 200


def test_assigning_and_rating_through_the_forms(
    server: RunningServer, tokens: dict[str, str], signed_in: Callable[[str], httpx.Client]
) -> None:
    client = signed_in("wang.mgr")
    csrf = form_csrf(client.get("/console/assign").text, "/console/assign")
    bad = client.post("/console/assign", data={**ASSIGNMENT, "csrf": csrf, "due_on": "12/05"})
    assert bad.status_code == 400
    assert "YYYY-MM-DD" in bad.text
    assert 'value="复习退款流程"' in bad.text  # what was typed is kept
    window = {"window_start": "14:00", "window_end": "16:00", "target": "agent", "agent": "li.na"}
    made = client.post("/console/assign", data={**ASSIGNMENT, **window, "csrf": csrf})
    assert made.status_code == 303
    assert "已布置给 1 位坐席" in client.get(made.headers["location"]).text
    with server.client(tokens["li.na"]) as agent:
        [assignment] = agent.get("/api/v1/me/profile").json()["assignments"]
    assert (assignment["title"], assignment["window_start"]) == ("复习退款流程", "14:00")
    with server.client(tokens["zhao.lei"]) as agent:
        assert agent.get("/api/v1/me/profile").json()["assignments"] == []
    page = client.get("/console/agents/li.na")
    assert "复习退款流程" in page.text
    rating = {
        "csrf": form_csrf(page.text, "/console/agents/li.na/ratings"),
        "skill": "tech.esim",
        "rating": "2",
        "comment": "换机流程不熟",
    }
    rated = client.post("/console/agents/li.na/ratings", data=rating)
    assert rated.status_code == 303
    assert "主管 wang.mgr 评为 2/5：换机流程不熟" in client.get(rated.headers["location"]).text
    assert (
        client.post("/console/agents/li.na/ratings", data={**rating, "rating": "9"}).status_code
        == 400
    )


def test_the_gap_queue_decides_topics_and_tells_the_agents(
    server: RunningServer,
    tokens: dict[str, str],
    signed_in: Callable[[str], httpx.Client],
    tmp_path: Path,
) -> None:
    post_gap(server, tokens["li.na"], "li.na", "eSIM 换机后无法激活")
    post_gap(server, tokens["zhao.lei"], "zhao.lei", "日本漫游流量包多少钱")
    post_gap(server, tokens["zhao.lei"], "zhao.lei", "发票抬头开错了怎么改")
    editor = signed_in("ed.itor")
    queue = editor.get("/console/gaps").text
    assert "eSIM 换机后无法激活" in queue
    assert "日本漫游流量包多少钱" in queue
    esim, roaming, invoice = sorted(int(t) for t in re.findall(r'id="topic-(\d+)"', queue))
    action = f"/console/gaps/{esim}"
    csrf = form_csrf(queue, action)
    # Merge: the roaming flag now counts for the eSIM topic (the editor judged them one).
    itself = editor.post(action, data={"csrf": csrf, "action": "merge", "into": str(esim)})
    assert itself.status_code == 400
    merged = editor.post(
        f"/console/gaps/{roaming}", data={"csrf": csrf, "action": "merge", "into": f"#{esim}"}
    )
    assert merged.status_code == 303
    queue = editor.get(merged.headers["location"]).text
    assert "已更新：已合并" in queue
    assert f'id="topic-{roaming}"' not in queue
    missing = editor.post(action, data={"csrf": csrf, "action": "resolve", "item_id": "nope"})
    assert missing.status_code == 400
    assert "import it first" in missing.text
    import_learning_pack(
        server, tmp_path / "pack2", [item_record("faq-esim-activate", "eSIM 换机激活")]
    )
    done = editor.post(
        action, data={"csrf": csrf, "action": "resolve", "item_id": "faq-esim-activate"}
    )
    assert done.status_code == 303
    assert "已更新：已解决" in editor.get(done.headers["location"]).text
    for name in ("li.na", "zhao.lei"):  # zhao.lei through the merged topic
        with server.client(tokens[name]) as agent:
            notices = agent.get("/api/v1/me/profile").json()["notices"]
        assert notices[0]["kind"] == "gap_resolved", name
        assert notices[0]["item_id"] == "faq-esim-activate", name
    dismissed = editor.post(f"/console/gaps/{invoice}", data={"csrf": csrf, "action": "dismiss"})
    assert dismissed.status_code == 303
    assert "发票抬头" not in editor.get("/console/gaps").text
    assert "发票抬头" in editor.get("/console/gaps?status=dismissed").text
    assert (
        editor.post("/console/gaps/999", data={"csrf": csrf, "action": "accept"}).status_code == 404
    )
    assert (
        editor.post("/console/gaps/x", data={"csrf": csrf, "action": "accept"}).status_code == 404
    )
    # A manager may not decide topics, even with a valid form of their own session.
    manager = signed_in("wang.mgr")
    token = form_csrf(manager.get("/console/team").text, "/console/signout")
    assert manager.post(action, data={"csrf": token, "action": "reopen"}).status_code == 403


def test_analytics_and_trends_count_the_activity(
    server: RunningServer, tokens: dict[str, str], signed_in: Callable[[str], httpx.Client]
) -> None:
    seed_activity(server, tokens, days=10)
    editor = signed_in("ed.itor")
    articles = editor.get("/console/articles?lang=en").text
    assert "Scope: all agents" in articles
    assert "退款流程" in articles  # most consulted
    assert "退款退到哪张卡" in articles  # voted unhelpful by everyone, every day
    assert "携号转网 费用" in articles  # a frequent no-result search (editors see the text)
    assert "<svg" in articles
    manager = signed_in("wang.mgr")
    trends = manager.get("/console/trends?days=30").text
    assert trends.count("<svg") >= 3 + 2  # three charts and a sparkline per agent
    assert "li.na" in trends
    assert "zhao.lei" in trends
    history = manager.get("/console/agents/li.na").text
    assert "近 30 天查阅记录" in history
    assert "部分退款怎么算" in history  # li.na opened it, by title


def test_language_follows_the_switch_and_the_browser(
    server: RunningServer, tokens: dict[str, str], signed_in: Callable[[str], httpx.Client]
) -> None:
    with server.client() as client:
        english = client.get("/console/signin", headers={"Accept-Language": "en-GB,en;q=0.9"})
        assert "Sign in with the API token" in english.text
    client = signed_in("wang.mgr")
    assert "团队技能矩阵" in client.get("/console/team").text  # zh by default
    assert "Team skill matrix" in client.get("/console/team?lang=en").text
    assert "Team skill matrix" in client.get("/console/team").text  # remembered
    missing = client.get("/console/no-such-page")
    assert missing.status_code == 404
    assert "The console has no such page" in missing.text
