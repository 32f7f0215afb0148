"""Skills looked up reach the agent's own profile through a real sync, role or not.

The sidebar's sync client uploads the consultations; the profile it brings back lists the
skill looked up (target null: this agent has no learning role) with its trend so far.
"""

from __future__ import annotations

import json
from pathlib import Path

from deskmate.core import KnowledgeBase
from deskmate.core.activity.consultation_log import ConsultationLog
from deskmate.core.learning import ProfileCache
from deskmate.server.tables import ItemRow
from sqlalchemy import select

from tests.sync.conftest import AGENT, LiveServer, make_client


def test_an_agent_without_a_learning_role_gets_the_skill_of_eight_opens(
    live_server: LiveServer,
    token: str,
    kb: KnowledgeBase,
    events: ConsultationLog,
    data_dir: Path,
) -> None:
    with live_server.db.read() as conn:
        record = json.loads(
            conn.execute(select(ItemRow.record).where(ItemRow.id == "faq-pay-012")).scalar_one()
        )
    skill = record["skills"][0]
    with make_client(kb, events, live_server.url, token) as client:
        first = client.sync_once()
        assert first.ok, first.problem
    before = ProfileCache(data_dir).load().profile
    assert before is not None
    assert before.agent == AGENT
    assert before.role_code == ""
    assert before.skills == ()

    for _ in range(8):
        events.record_open("faq-pay-012", query="花呗还款")
    with make_client(kb, events, live_server.url, token) as client:
        report = client.sync_once()
        assert report.ok, report.problem
        assert report.profile_updated
    profile = ProfileCache(data_dir).load().profile
    assert profile is not None
    standing = next(s for s in profile.skills if s.code == skill)
    assert standing.target is None
    assert standing.looks == 8
    assert standing.level is not None
    assert standing.gap == 0
    # The level computed now is the first point of its trend.
    assert [p.level for p in standing.trend] == [standing.level]
    assert standing.since is None
