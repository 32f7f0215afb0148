"""The gap queue over the real API: flags without a query, what agents said, owners, notices.

Every test runs on SQLite and PostgreSQL, against the real server on loopback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from deskmate.core.activity.consultation_log import ConsultationLog
from deskmate.core.activity.events import EventKind, GapFlag, GapType
from deskmate.server.auth import Role, add_user, issue_token
from deskmate.server.workbench.authorship import remove_user
from markupsafe import escape

from tests.server.conftest import RunningServer
from tests.server.console_fixtures import console_client
from tests.server.helpers import event, item_record
from tests.server.learning_fixtures import add_team, import_learning_pack

BILLING = "账单与退款组"
BROADBAND = "宽带技术组"
OWNED = [
    item_record("faq-invoice", "发票抬头怎么改", owner=BILLING),
    item_record("faq-fibre", "光猫红灯怎么办", owner=BROADBAND),
    item_record("faq-roaming", "国际漫游怎么开", owner="zhou.kb"),
]


@pytest.fixture
def tokens(server: RunningServer, tmp_path: Path) -> dict[str, str]:
    import_learning_pack(server, tmp_path / "pack", OWNED)
    team = add_team(server)
    add_user(server.db, "bill.ed", Role.EDITOR, BILLING)
    team["bill.ed"] = issue_token(server.db, "bill.ed")
    add_user(server.db, "fibre.ed", Role.EDITOR, BROADBAND)  # an owner is a user or team
    add_user(server.db, "zhou.kb", Role.EDITOR, None)
    team["zhou.kb"] = issue_token(server.db, "zhou.kb")
    return team


def _post(server: RunningServer, token: str, events: list[dict[str, Any]]) -> None:
    with server.client(token) as client:
        answer = client.post("/api/v1/events", json={"events": events})
    assert answer.status_code == 200, answer.text


def _flag(agent: str, query: str = "", **detail: Any) -> dict[str, Any]:
    item_id = detail.pop("item_id", None)
    body = {"gap_type": "missing", "note": "", "interaction_id": "", **detail}
    flagged = event(agent, EventKind.GAP, query=query, item_id=item_id, detail=body)
    return {**flagged, "result_count": None}


def _topics(server: RunningServer, token: str, **params: str) -> list[dict[str, Any]]:
    with server.client(token) as client:
        answer = client.get("/api/v1/gaps", params={"status": "open", **params})
    assert answer.status_code == 200, answer.text
    return answer.json()["topics"]  # type: ignore[no-any-return]


def _page(server: RunningServer, token: str, params: dict[str, str] | None = None) -> str:
    """The console's gap queue page as the editor with ``token`` sees it."""
    editor = console_client(server, token)
    try:
        answer = editor.get("/console/gaps", params=params or {})
    finally:
        editor.close()
    assert answer.status_code == 200, answer.text
    return answer.text


def _decide(server: RunningServer, token: str, topic: int, **body: Any) -> dict[str, Any]:
    with server.client(token) as client:
        answer = client.post(f"/api/v1/gaps/{topic}", json=body)
    assert answer.status_code == 200, answer.text
    return answer.json()  # type: ignore[no-any-return]


def _notices(server: RunningServer, token: str, lang: str) -> list[dict[str, Any]]:
    with server.client(token) as client:
        answer = client.get("/api/v1/me/profile", params={"lang": lang})
    assert answer.status_code == 200, answer.text
    return [n for n in answer.json()["notices"] if n["kind"].startswith("gap_")]


def test_flags_without_a_query_are_kept_with_what_the_agent_said(
    server: RunningServer, tokens: dict[str, str]
) -> None:
    _post(
        server,
        tokens["li.na"],
        [
            _flag("li.na", note="客户要把发票抬头从个人改成公司", interaction_id="CRM-2026-0042"),
            _flag("li.na", gap_type="unclear", interaction_id="CRM-77"),  # only a case number
            _flag("li.na"),  # nothing at all
        ],
    )
    topics = _topics(server, tokens["ed.itor"])
    noted = next(t for t in topics if t["label"] == "客户要把发票抬头从个人改成公司")
    [flag] = noted["flags"]
    assert flag["note"] == "客户要把发票抬头从个人改成公司"
    assert flag["case"] == "CRM-2026-0042"
    assert flag["gap_type"] == "missing"
    assert flag["agent"] == "li.na"
    assert flag["query"] == ""
    assert noted["cases"] == ["CRM-2026-0042"]
    assert noted["gap_types"] == {"missing": 1}
    bare = next(t for t in topics if t["label"] == "")  # no text: one topic for all such flags
    assert bare["count"] == 2
    assert {f["case"] for f in bare["flags"]} == {"CRM-77", None}
    assert bare["gap_types"] == {"unclear": 1, "missing": 1}
    assert all(f["at"] for f in bare["flags"])
    assert all(f["agent"] == "li.na" for f in bare["flags"])
    page = _page(server, tokens["ed.itor"], {"lang": "en"})
    assert "客户要把发票抬头从个人改成公司" in page
    assert "CRM-2026-0042" in page
    assert "CRM-77" in page
    assert "Flagged from the CRM with no text" in page
    assert "unclear" in page
    assert "missing" in page


def test_a_proposal_shows_its_whole_answer(server: RunningServer, tokens: dict[str, str]) -> None:
    answer = "第一步：核对订单。\n第二步：在「我的发票」里点「修改抬头」。\n" + "补充说明。" * 600
    body = {"title": "发票抬头修改流程", "answer": answer, "item_id": "faq-invoice"}
    with server.client(tokens["li.na"]) as client:
        assert client.post("/api/v1/proposals", json=body).status_code == 201
    [topic] = _topics(server, tokens["ed.itor"])
    [proposal] = topic["proposals"]
    assert proposal["answer"] == answer  # 3,000+ characters, whole
    assert proposal["agent"] == "li.na"
    assert proposal["item_id"] == "faq-invoice"
    assert topic["owner"] == BILLING  # an edit of a billing item: billing's queue
    page = _page(server, tokens["ed.itor"])
    assert escape(answer) in page


def test_signals_about_an_item_go_to_its_owners_queue(
    server: RunningServer, tokens: dict[str, str]
) -> None:
    unhelpful = {"helpful": False}
    _post(
        server,
        tokens["li.na"],
        [
            event("li.na", EventKind.FEEDBACK, item_id="faq-invoice", detail=unhelpful),
            _flag("li.na", item_id="faq-fibre", gap_type="outdated", note="型号变了"),
            event("li.na", EventKind.NO_RESULT, query="日本漫游流量包多少钱", result_count=0),
        ],
    )
    everything = _topics(server, tokens["ed.itor"])
    assert sorted(str(t["owner"]) for t in everything) == sorted([BILLING, BROADBAND, "None"])
    [mine] = _topics(server, tokens["bill.ed"], owner="mine")  # bill.ed is in billing
    assert mine["owner"] == BILLING
    assert mine["items"] == [
        {"id": "faq-invoice", "title": "发票抬头怎么改", "owner": BILLING, "count": 1}
    ]
    [fibre] = _topics(server, tokens["bill.ed"], owner=BROADBAND)
    assert fibre["flags"][0]["item_title"] == "光猫红灯怎么办"
    [unowned] = _topics(server, tokens["bill.ed"], owner="none")  # the editor group's
    assert unowned["queries"] == [{"text": "日本漫游流量包多少钱", "count": 1}]
    assert _topics(server, tokens["ed.itor"], owner="mine") == []  # owns nothing
    page = _page(server, tokens["bill.ed"], {"owner": "mine", "lang": "zh"})
    assert page.count('class="card topic"') == 1
    assert f'id="topic-{mine["id"]}"' in page
    assert "型号变了" not in page
    assert "日本漫游" not in page
    assert f"?status=open&amp;owner={BROADBAND}" not in page  # owners are URL-encoded
    assert "owner=%E5%AE%BD" in page  # a link to broadband's queue


def test_a_deleted_owners_topics_fall_back_to_the_editor_group(
    server: RunningServer, tokens: dict[str, str]
) -> None:
    """Like their items (``deskmate-server user delete``): not listed under the old name."""
    flag = _flag("li.na", item_id="faq-roaming", gap_type="outdated", note="资费变了")
    _post(server, tokens["li.na"], [flag])
    [owned] = _topics(server, tokens["ed.itor"], owner="zhou.kb")
    assert owned["owner"] == "zhou.kb"
    assert "owner=zhou.kb" in _page(server, tokens["ed.itor"])  # their tab
    assert remove_user(server.db, "zhou.kb") == 1
    [topic] = _topics(server, tokens["ed.itor"])
    assert topic["owner"] is None
    assert _topics(server, tokens["ed.itor"], owner="zhou.kb") == []
    assert [t["id"] for t in _topics(server, tokens["ed.itor"], owner="none")] == [topic["id"]]
    page = _page(server, tokens["ed.itor"], {"lang": "en"})
    assert "owner=zhou.kb" not in page  # no tab under the deleted owner's name
    assert "资费变了" in _page(server, tokens["ed.itor"], {"owner": "none"})


def test_each_decision_tells_each_agent_once_in_their_language(
    server: RunningServer, tokens: dict[str, str], tmp_path: Path
) -> None:
    _post(
        server,
        tokens["li.na"],
        [
            _flag("li.na", "发票抬头开错了怎么改"),
            _flag("li.na", "发票抬头开错了怎么改", note="第二次"),
            _flag("li.na", "日本漫游流量包多少钱"),
        ],
    )
    _post(
        server,
        tokens["zhao.lei"],
        [_flag("zhao.lei", "发票抬头开错了怎么改"), _flag("zhao.lei", "宽带光猫红灯一直闪")],
    )
    topics = {t["label"]: t["id"] for t in _topics(server, tokens["ed.itor"])}
    invoice, roaming, fibre = (
        topics["发票抬头开错了怎么改"],
        topics["日本漫游流量包多少钱"],
        topics["宽带光猫红灯一直闪"],
    )
    ed = tokens["ed.itor"]
    _decide(server, ed, invoice, action="accept")
    _decide(server, ed, invoice, action="accept")  # again: nobody is told twice
    dismissed = _decide(server, ed, roaming, action="dismiss", reason="这个套餐已下线 <b>")
    assert dismissed["decision_note"] == "这个套餐已下线 <b>"
    _decide(server, ed, fibre, action="merge", into=invoice)
    import_learning_pack(server, tmp_path / "pack2", [item_record("faq-inv-new", "改发票抬头")])
    _decide(server, ed, invoice, action="resolve", item_id="faq-inv-new")

    li_zh = [n["text"] for n in _notices(server, tokens["li.na"], "zh")]
    assert li_zh == [
        "你反馈缺少的答案现在有了：「改发票抬头」",
        "你反馈的「日本漫游流量包多少钱」已被知识团队关闭：这个套餐已下线 <b>",
        "你反馈的「发票抬头开错了怎么改」已被知识团队接受，正在处理",
    ]
    zhao_en = [n["text"] for n in _notices(server, tokens["zhao.lei"], "en")]
    assert zhao_en == [
        "The answer you asked for now exists: “改发票抬头”",
        "Your report “宽带光猫红灯一直闪” is now handled together with “发票抬头开错了怎么改”",
        "The knowledge team accepted your report “发票抬头开错了怎么改” and is working on it",
    ]
    zhao_kinds = [n["kind"] for n in _notices(server, tokens["zhao.lei"], "zh")]
    assert zhao_kinds == ["gap_resolved", "gap_merged", "gap_accepted"]
    assert _notices(server, tokens["chen.other"], "zh") == []


CONTROL_CASE = "\x1b[31mCRM-7\t8\u200b"  # escape, tab, zero-width space (NUL: see below)
HOSTILE = ["<script>alert('x')</script>", '<img src=x onerror="alert(1)">']


def test_hostile_huge_and_empty_notes_are_stored_and_shown_escaped(
    server: RunningServer, tokens: dict[str, str]
) -> None:
    huge = "客户投诉" + "长" * 100_000
    _post(
        server,
        tokens["li.na"],
        [
            _flag("li.na", "发票抬头", note=HOSTILE[0], interaction_id=CONTROL_CASE),
            _flag("li.na", "发票抬头", note=HOSTILE[1]),
            _flag("li.na", "发票抬头", note=huge),
            _flag("li.na", "发票抬头", note=""),
            _flag("li.na", "发票抬头", note="NUL"),
        ],
    )
    [topic] = _topics(server, tokens["ed.itor"])
    notes = {f["note"] for f in topic["flags"]}
    assert set(HOSTILE) <= notes
    assert "" in notes
    assert "NUL" in notes
    [long] = [f for f in topic["flags"] if f["note_chars"] > 5000]
    assert long["note_chars"] == len(huge)
    assert long["note"] == huge[:5000] + "…"
    assert topic["cases"] == ["[31mCRM-7 8"]  # control and zero-width characters dropped
    page = _page(server, tokens["ed.itor"], {"lang": "en"})
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    assert escape(HOSTILE[0]) in page
    assert escape(HOSTILE[1]) in page
    assert "The note has 100004 characters" in page
    assert "[31mCRM-7 8" in page


def test_a_nul_never_reaches_the_server_and_never_holds_a_flag_back(tmp_path: Path) -> None:
    # The server refuses NUL at its edge (PostgreSQL text cannot hold it); the client drops
    # it from every event it records, so a pasted NUL cannot keep a flag on the computer for
    # ever.
    flag = GapFlag(GapType.MISSING, query="发票抬头\x00", note="NUL\x00", interaction_id="C\x00-1")
    with ConsultationLog.open(tmp_path, "li.na") as record:
        recorded = record.record_gap(flag)
        assert recorded.query == "发票抬头"
        assert (recorded.detail["note"], recorded.detail["interaction_id"]) == ("NUL", "C-1")
        assert record.record_search("退\x00款", 3).query == "退款"
