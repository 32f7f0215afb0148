"""The learning profile cache and outbox: durable, shared safely, never a crash on damage."""

from __future__ import annotations

import json
import logging
import threading
from pathlib import Path
from typing import Any

import pytest
from deskmate.core.errors import ContentError
from deskmate.core.learning import (
    CachedProfile,
    LearningOutbox,
    LearningStore,
    ProfileCache,
    make_proposal,
)
from deskmate.core.learning.outbox import COMPACT_AFTER_LINES, DAMAGED_FILE, latest_per_skill
from deskmate.core.learning.profile import LearningProfile


def profile(agent: str = "li.na", **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "agent": agent,
        "team": "billing-a",
        "role": {"code": "new_agent", "name": "新员工"},
        "computed_at": "2026-11-30T10:00:00+00:00",
        "window_days": 90,
        "skills": [
            {
                "code": "soft.empathy",
                "name": "共情表达",
                "level": 2.5,
                "target": 3,
                "gap": 0.5,
                "reasons": ["自评 3/5"],
                "sources": {"self": 3},
                "looks": 2,
                "flags": 0,
            },
            {
                "code": "billing.refund",
                "name": "退款处理",
                "level": 2.1,
                "target": 3,
                "gap": 0.9,
                "reasons": ["本周查阅「退款流程」9 次"],
                "sources": {"self": None},
                "looks": 14,
                "flags": 1,
            },
        ],
        "recommendations": [
            {"skill": "billing.refund", "item_id": "faq-1", "title": "部分退款", "kind": "faq"}
        ],
        "assignments": [
            {
                "id": 7,
                "title": "复习退款流程",
                "skill": "billing.refund",
                "item_id": "faq-1",
                "url": None,
                "note": "",
                "due_on": "2026-12-05",
                "window_start": "14:00",
                "window_end": "16:00",
                "assigned_by": "wang",
                "assigned_at": "2026-11-30T09:00:00+00:00",
                "done_at": None,
                "overdue": False,
            }
        ],
        "notices": [
            {
                "id": 13,
                "kind": "gap_resolved",
                "text": "答案有了",
                "item_id": "faq-2",
                "created_at": "2026-11-30T09:30:00+00:00",
            },
            {
                "id": 12,
                "kind": "assignment",
                "text": "新作业",
                "item_id": "faq-1",
                "created_at": "2026-11-30T09:00:00+00:00",
            },
        ],
    }
    data.update(changes)
    return data


def write_cache(data_dir: Path, raw: dict[str, Any]) -> None:
    cache = ProfileCache(data_dir)
    cache.update(
        lambda old: CachedProfile(
            server="https://kb.example",
            raw=raw,
            profile=LearningProfile.from_dict(raw),
            checked_at="2026-11-30T10:00:00+08:00",
            seen_notices=old.seen_notices,
        )
    )


def test_profile_is_read_and_sorted_by_gap() -> None:
    read = LearningProfile.from_dict(profile())
    assert [s.code for s in read.skills] == ["billing.refund", "soft.empathy"]
    assert read.skills[1].self_level == 3
    assert read.assignments[0].window_start == "14:00"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"agent": None}, "profile.agent"),
        ({"skills": [{"code": "x", "level": "high"}]}, "skills[0].level"),
        ({"assignments": [{"id": 1, "title": "t", "due_on": "soon"}]}, "assignments[0]"),
        ({"notices": "none"}, "profile.notices"),
    ],
)
def test_a_malformed_profile_is_refused_whole(change: dict[str, Any], field: str) -> None:
    with pytest.raises(ContentError, match=field.replace("[", r"\[").replace("]", r"\]")):
        LearningProfile.from_dict(profile(**change))


def test_cache_survives_a_restart_and_keeps_seen_notices(tmp_path: Path) -> None:
    write_cache(tmp_path, profile())
    store = LearningStore(tmp_path, "li.na")
    assert [n.id for n in store.take_new_notices()] == [13, 12]
    assert store.take_new_notices() == []
    write_cache(tmp_path, profile())  # a new fetch keeps what was seen
    again = LearningStore(tmp_path, "li.na").snapshot()
    assert again.profile is not None
    assert again.checked_at == "2026-11-30T10:00:00+08:00"
    assert again.new_notices() == []


@pytest.mark.logs_warnings(r"the learning profile cache was damaged")
def test_a_damaged_cache_is_moved_aside(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    write_cache(tmp_path, profile())
    path = tmp_path / "learning-profile.json"
    path.write_text(path.read_text()[:200], encoding="utf-8")  # cut short
    with caplog.at_level(logging.WARNING):
        snapshot = LearningStore(tmp_path, "li.na").snapshot()
    assert snapshot.profile is None
    assert not path.exists()
    assert len(list(tmp_path.glob("learning-profile.damaged-*.json"))) == 1
    assert "moved aside" in caplog.text
    write_cache(tmp_path, profile())  # and the next sync writes a new one
    assert LearningStore(tmp_path, "li.na").snapshot().profile is not None


def test_another_agents_profile_is_not_shown(tmp_path: Path) -> None:
    write_cache(tmp_path, profile(agent="wang.wei"))
    store = LearningStore(tmp_path, "li.na")
    assert store.snapshot().profile is None
    assert store.take_new_notices() == []


def test_outbox_entries_survive_and_overlay_the_profile(tmp_path: Path) -> None:
    write_cache(tmp_path, profile())
    store = LearningStore(tmp_path, "li.na")
    store.assess("billing.refund", 2)
    store.assess("billing.refund", 4)
    store.mark_done(7)
    draft = make_proposal("  eSIM   转移 ", " 步骤…… ", ["tech.esim", "tech.esim"], "faq-9")
    entry = store.propose(draft)
    assert entry.body == {
        "title": "eSIM 转移",
        "answer": "步骤……",
        "skills": ["tech.esim"],
        "item_id": "faq-9",
    }
    after_restart = LearningStore(tmp_path, "li.na").snapshot()
    assert after_restart.pending_levels == {"billing.refund": 4}
    assert after_restart.pending_done == {7}
    assert after_restart.pending_proposals == 1
    send, superseded = latest_per_skill(LearningOutbox(tmp_path).pending())
    assert [e.op for e in send] == ["self_assessment", "done", "proposal"]
    assert len(superseded) == 1


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda s: s.assess("billing.refund", 6), "level from 1 to 5"),
        (lambda s: s.assess("", 3), "skill must be a code"),
        (lambda s: s.mark_done(0), "positive whole number"),
        (lambda s: s.propose(make_proposal(" ", "answer", [])), "title"),
        (lambda s: s.propose(make_proposal("title", "", [])), "Write the answer"),
        (lambda s: s.propose(make_proposal("t" * 501, "answer", [])), "too long"),
    ],
)
def test_bad_input_is_explained_and_nothing_is_kept(
    tmp_path: Path, call: Any, message: str
) -> None:
    store = LearningStore(tmp_path, "li.na")
    with pytest.raises(ContentError, match=message):
        call(store)
    assert LearningOutbox(tmp_path).pending() == []


@pytest.mark.logs_warnings(r"damaged line in")
def test_settled_entries_are_compacted_and_damaged_lines_kept(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    outbox = LearningOutbox(tmp_path)
    store = LearningStore(tmp_path, "li.na")
    for n in range(COMPACT_AFTER_LINES):
        store.assess(f"skill.{n}", 3)
    with outbox.path.open("ab") as file:
        file.write(b'{"op": "self_assess')  # a torn line, as after a power cut
        file.write(b"\n")
    with caplog.at_level(logging.WARNING):
        pending = outbox.pending()
        assert len(pending) == COMPACT_AFTER_LINES
        outbox.settle(pending[:-1], "sent")
    assert [e.body["skill"] for e in outbox.pending()] == [f"skill.{COMPACT_AFTER_LINES - 1}"]
    assert len(outbox.path.read_text().splitlines()) == 1  # rewritten with what is pending
    assert (tmp_path / DAMAGED_FILE).read_text() == '{"op": "self_assess\n'
    outbox.settle(outbox.pending(), "sent")
    assert outbox.path.read_bytes() == b""


def test_appends_from_many_threads_are_all_kept(tmp_path: Path) -> None:
    def work(n: int) -> None:
        store = LearningStore(tmp_path, "li.na")
        for k in range(25):
            store.propose(make_proposal(f"提案 {n}-{k}", "答案" * 50, []))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    pending = LearningOutbox(tmp_path).pending()
    assert len(pending) == 200
    assert len({e.id for e in pending}) == 200
    lines = (tmp_path / "learning-outbox.jsonl").read_text().splitlines()
    assert all(json.loads(line)["op"] == "proposal" for line in lines)
