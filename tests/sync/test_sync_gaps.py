"""Gap flags from the sidebar reach the editors whole, and the decisions reach the agent.

The real client path: a ConsultationLog in a data directory records the flags, the
SyncClient uploads them to the real server on loopback; the editor reads the queue over
the API and the console; the agent's next sync brings the notices, worded in the
language the sidebar asks for.
"""

from __future__ import annotations

from typing import Any

import httpx
from deskmate.core import KnowledgeBase
from deskmate.core.activity.consultation_log import ConsultationLog
from deskmate.core.activity.events import GapFlag, GapType
from deskmate.core.learning import LearningStore
from deskmate.server.auth import Role, add_user, issue_token

from tests.server.console_fixtures import sign_in
from tests.sync.conftest import AGENT, LiveServer, make_client

BILLING = "账单与退款组"
BILLING_ITEM = "faq-extra-huabei-cancel-001"  # owned by 账单与退款组 in the sample pack


def _editor(server: LiveServer, name: str, team: str | None = None) -> str:
    add_user(server.db, name, Role.EDITOR, team)
    return issue_token(server.db, name)


def _gaps(server: LiveServer, token: str, **params: str) -> list[dict[str, Any]]:
    headers = {"Authorization": f"Bearer {token}"}
    answer = httpx.get(f"{server.url}/api/v1/gaps", params=params, headers=headers, timeout=30)
    assert answer.status_code == 200, answer.text
    return answer.json()["topics"]  # type: ignore[no-any-return]


def _decide(server: LiveServer, token: str, topic: int, **body: Any) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    url = f"{server.url}/api/v1/gaps/{topic}"
    answer = httpx.post(url, json=body, headers=headers, timeout=30)
    assert answer.status_code == 200, answer.text


def _console_page(server: LiveServer, token: str, query: str) -> str:
    with httpx.Client(base_url=server.url, timeout=30) as browser:
        assert sign_in(browser, token).status_code == 303
        page = browser.get(f"/console/gaps?{query}")
    assert page.status_code == 200, page.text
    return page.text


def test_a_flag_with_only_a_note_and_a_case_number_reaches_the_editors(
    live_server: LiveServer, token: str, kb: KnowledgeBase, events: ConsultationLog
) -> None:
    # The most common flag: from the CRM, with the hotkey: no search, no item.
    note = "客户问：企业发票抬头开成个人了，能不能作废重开？"
    events.record_gap(GapFlag(GapType.MISSING, note=note, interaction_id="CRM-2026-0042"))
    events.record_gap(GapFlag(GapType.UNCLEAR))  # nothing typed at all
    with make_client(kb, events, live_server.url, token) as client:
        report = client.sync_once()
    assert report.ok, report.problem
    assert report.pushed == 2

    editor = _editor(live_server, "editor1")
    topics = _gaps(live_server, editor)
    noted = next(t for t in topics if t["flags"] and t["flags"][0]["note"] == note)
    assert noted["label"].startswith("客户问：企业发票抬头开成个人了")
    assert noted["cases"] == ["CRM-2026-0042"]
    assert noted["gap_types"] == {"missing": 1}
    assert noted["flags"][0]["agent"] == AGENT
    bare = next(t for t in topics if t["label"] == "")
    assert bare["flags"][0]["gap_type"] == "unclear"
    assert bare["flags"][0]["agent"] == AGENT

    for lang, words in (
        ("zh", ("工单 CRM-2026-0042", "缺失", "从 CRM 标记，无文字")),
        ("en", ("case CRM-2026-0042", "missing", "with no text")),
    ):
        page = _console_page(live_server, editor, f"lang={lang}")
        assert note in page
        for word in words:
            assert word in page, (lang, word)


def test_owners_queue_and_the_agents_notices_in_their_language(
    live_server: LiveServer,
    learner: str,
    kb: KnowledgeBase,
    events: ConsultationLog,
    data_dir: Any,
) -> None:
    events.record_gap(
        GapFlag(GapType.OUTDATED, item_id=BILLING_ITEM, note="手续费规则改了", interaction_id="C-9")
    )
    events.record_gap(GapFlag(GapType.MISSING, query="卫星电话漫游怎么收费？"))
    events.record_gap(GapFlag(GapType.MISSING, query="卫星电话漫游怎么收费"))
    events.record_gap(GapFlag(GapType.MISSING, query="国际快递 海关 扣件"))
    with make_client(kb, events, live_server.url, learner) as client:
        assert client.sync_once().ok

    billing = _editor(live_server, "billing.editor", BILLING)
    [mine] = _gaps(live_server, billing, owner="mine")
    assert mine["owner"] == BILLING
    assert mine["flags"][0]["note"] == "手续费规则改了"
    unowned = _gaps(live_server, billing, owner="none")
    assert len(unowned) == 2
    assert all(t["owner"] is None for t in unowned)
    page = _console_page(live_server, billing, "owner=mine&lang=zh")
    assert "手续费规则改了" in page
    assert "卫星电话" not in page

    satellite = next(t for t in unowned if "卫星电话" in t["label"])
    parcel = next(t for t in unowned if "快递" in t["label"])
    _decide(live_server, billing, mine["id"], action="accept")
    _decide(live_server, billing, satellite["id"], action="dismiss", reason="不提供卫星电话业务")
    _decide(live_server, billing, parcel["id"], action="merge", into=mine["id"])
    _decide(live_server, billing, mine["id"], action="resolve", item_id=BILLING_ITEM)

    expected = {
        "zh": [
            "你反馈缺少的答案现在有了：「花呗分期下单后马上取消订单，会收手续费吗？」",
            f"你反馈的「{parcel['label']}」已并入「{mine['label']}」一起处理",
            f"你反馈的「{satellite['label']}」已被知识团队关闭：不提供卫星电话业务",
            f"你反馈的「{mine['label']}」已被知识团队接受，正在处理",
        ],
        "en": [
            "The answer you asked for now exists: “花呗分期下单后马上取消订单，会收手续费吗？”",
            f"Your report “{parcel['label']}” is now handled together with “{mine['label']}”",
            f"The knowledge team closed your report “{satellite['label']}”: 不提供卫星电话业务",
            f"The knowledge team accepted your report “{mine['label']}” and is working on it",
        ],
    }
    for lang, texts in expected.items():
        with make_client(kb, events, live_server.url, learner, language=lang) as client:
            assert client.sync_once().ok
        profile = LearningStore(data_dir, AGENT).snapshot().profile
        assert profile is not None
        said = [n.text for n in profile.notices if n.kind.startswith("gap_")]
        assert said == texts, lang  # one per action: two satellite flags, one notice


def test_nul_characters_anywhere_in_an_event_never_hold_it_back(
    live_server: LiveServer, token: str, kb: KnowledgeBase, events: ConsultationLog
) -> None:
    # PostgreSQL text refuses NUL and so does the server (422). Pasted text carries them into
    # queries, notes and the case reference; each must still arrive, minus the NUL.
    events.record_gap(
        GapFlag(
            GapType.MISSING, query="花呗\x00还款", note="发票\x00作废", interaction_id="CRM\x00-9"
        )
    )
    events.record_search("退\x00款", 3)
    with make_client(kb, events, live_server.url, token) as client:
        report = client.sync_once()
    assert report.ok, report.problem
    assert report.pushed == 2

    flags = [f for t in _gaps(live_server, _editor(live_server, "editor-nul")) for f in t["flags"]]
    flag = next(f for f in flags if f["note"] == "发票作废")
    assert flag["query"] == "花呗还款"
    assert flag["case"] == "CRM-9"
    assert events.pending_upload(agent_id=AGENT) == []


def test_an_event_read_back_loses_nul_at_any_depth_of_its_detail() -> None:
    # Events also come back from the side file and from older databases: the same rule holds.
    from deskmate.core.activity.events import ConsultationEvent

    event = ConsultationEvent.from_dict(
        {
            "event_id": "e1",
            "agent_id": AGENT,
            "kind": "copy",
            "occurred_at": "2026-12-02T10:00:00+08:00",
            "item_id": "faq\x00-1",
            "detail": {"filled": True, "case": "C\x00-1", "fields": ["a\x00b", {"k\x00": "v\x00"}]},
        }
    )
    assert event.item_id == "faq-1"
    assert dict(event.detail) == {"filled": True, "case": "C-1", "fields": ["ab", {"k": "v"}]}
