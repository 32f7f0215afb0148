"""A small, realistic history for ``deskmate-server demo``: a team, its look-ups and gaps.

Seeded once per database (when ``demo-manager`` does not exist yet), reproducibly
(a fixed random seed), with times relative to now so the profile reads "this week".
A newcomer then sees a meaningful profile in the sidebar, a team matrix, and a gap
queue in the console at once.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from deskmate.core.activity.events import ConsultationEvent, EventKind, new_event_id
from deskmate.server.auth import Role, User, add_user, get_user, set_learning_role
from deskmate.server.database import Database
from deskmate.server.errors import NotFoundError
from deskmate.server.events import ingest
from deskmate.server.learning.assessments import rate_skill, set_self_assessment
from deskmate.server.learning.assignments import AssignmentRequest, create_assignments
from deskmate.server.learning.profile_inputs import item_catalogue
from deskmate.server.tables import ScoreRow
from sqlalchemy import insert

DEMO_TEAM = "demo"
DEMO_AGENT = "demo-agent"
DEMO_MANAGER = "demo-manager"
DEMO_EDITOR = "demo-editor"
_SEED = 20261130


@dataclass(frozen=True)
class DemoAgent:
    """An agent of the demo team, the role they grow into and what they look up a lot."""

    name: str
    role: str
    weak: tuple[str, ...]


AGENTS = (
    DemoAgent(DEMO_AGENT, "new_agent", ("billing.refund", "product.payment")),
    DemoAgent("li.na", "billing_specialist", ("billing.invoice", "billing.instalment")),
    DemoAgent("zhao.lei", "tech_support", ("tech.esim", "tech.broadband_fault")),
    DemoAgent("wang.fang", "new_agent", ("product.orders", "soft.verification")),
    DemoAgent("chen.jie", "senior_agent", ("complaint.escalation",)),
)
# What agents searched for and did not find, with how many results the sample pack's
# search shows for it in the sidebar (12 at most; tests/server/test_demo_truth.py checks
# them): the gap queue's raw material. Most found something that was not the answer
# (the agent left the results unopened); a few found nothing at all.
MISSING = (
    ("eSIM 换机后无法激活", "missing", 12),
    ("eSIM 换新手机激活失败", "missing", 12),
    ("新手机 eSIM 激活不了", "missing", 12),
    ("发票抬头开错了怎么改", "wrong", 12),
    ("发票抬头写错 重开", "missing", 12),
    ("日本漫游流量包多少钱", "outdated", 12),
    ("日本 漫游 流量包 价格", "missing", 12),
    ("refund to an expired card", "missing", 12),
    ("refund when the card has expired", "missing", 12),
    ("以旧换新 估价 不认可", "unclear", 7),
    ("以旧换新估价太低 客户不接受", "missing", 12),
    ("比特币", "missing", 0),
    ("bitcoin", "missing", 0),
    ("crypto wallet", "missing", 0),
    ("卫星", "missing", 0),
)


def _time(now: datetime, rng: random.Random, days: float) -> str:
    moment = now - timedelta(days=rng.uniform(0, days), minutes=rng.randint(0, 600))
    return moment.astimezone().isoformat()


def _looks(
    agent: DemoAgent, items: dict[str, list[str]], now: datetime, rng: random.Random
) -> Iterator[ConsultationEvent]:
    for skill in agent.weak:
        pool = items.get(skill, [])
        if not pool:
            continue
        favourite = pool[0]
        for _ in range(rng.randint(6, 10)):  # the same answer again and again this week
            yield _event(agent.name, EventKind.OPEN, _time(now, rng, 6), item_id=favourite)
        for item in rng.sample(pool, min(3, len(pool))):
            yield _event(agent.name, EventKind.OPEN, _time(now, rng, 30), item_id=item)
    everything = [i for pool in items.values() for i in pool]
    for item in rng.sample(everything, min(12, len(everything))):
        kind = EventKind.COPY if rng.random() < 0.3 else EventKind.OPEN
        yield _event(agent.name, kind, _time(now, rng, 45), item_id=item)


def _gaps(agent: DemoAgent, now: datetime, rng: random.Random) -> Iterator[ConsultationEvent]:
    for query, gap_type, count in rng.sample(MISSING, 4):
        when = _time(now, rng, 20)
        # As the sidebar records it: the search, then how it ended with nothing opened.
        yield _event(agent.name, EventKind.SEARCH, when, query=query, result_count=count)
        ended = EventKind.NOTHING_OPENED if count else EventKind.NO_RESULT
        yield _event(agent.name, ended, when, query=query, result_count=count)
        if rng.random() < 0.5:
            detail = {
                "gap_type": gap_type,
                "note": "客户问到，知识库里没找到",
                "interaction_id": "",
            }
            yield _event(agent.name, EventKind.GAP, when, query=query, detail=detail)


def _event(agent: str, kind: EventKind, when: str, **fields: Any) -> ConsultationEvent:
    return ConsultationEvent(new_event_id(), agent, kind, when, **fields)


def seed_demo_history(db: Database, now: datetime | None = None) -> bool:
    """Add the demo team and its history unless already there; whether it was added."""
    try:
        get_user(db, DEMO_MANAGER)
    except NotFoundError:
        pass
    else:
        return False
    now = now or datetime.now(UTC)
    rng = random.Random(_SEED)  # noqa: S311 - reproducible demo data, not security
    manager = add_user(db, DEMO_MANAGER, Role.MANAGER, DEMO_TEAM)
    add_user(db, DEMO_EDITOR, Role.EDITOR, None)
    with db.read() as conn:
        catalogue = item_catalogue(conn, db.display_url)
    # Per skill, its Chinese FAQs and scripts, those mainly about the skill first (the
    # first of an item's skills is what it is mainly about).
    items: dict[str, list[str]] = {
        skill: [
            i.id
            for i in sorted(infos, key=lambda i: (i.skills[0] != skill, i.id))
            if i.kind != "expert" and i.language == "zh"
        ]
        for skill, infos in catalogue.by_skill.items()
    }
    scores = []
    for agent in AGENTS:
        try:
            user = get_user(db, agent.name)
            set_learning_role(db, agent.name, agent.role)  # made by an older demo
        except NotFoundError:
            user = add_user(db, agent.name, Role.AGENT, DEMO_TEAM, agent.role)
        events = [*_looks(agent, items, now, rng), *_gaps(agent, now, rng)]
        ingest(db, User(user.id, user.name, Role.AGENT, DEMO_TEAM), events)
        for skill in agent.weak:
            taken = (now - timedelta(days=rng.randint(3, 20))).date().isoformat()
            scores.append(
                {
                    "agent": agent.name,
                    "skill": skill,
                    "score": rng.randint(35, 55),
                    "taken_on": taken,
                    "source": "demo-qa.csv",
                    "imported_at": now.isoformat(),
                }
            )
    with db.write() as conn:
        conn.execute(insert(ScoreRow), scores)
    rate_skill(db, manager, "li.na", "billing.invoice", 2, "发票重开流程还不熟，多看看发票类 FAQ")
    rate_skill(
        db, manager, DEMO_AGENT, "billing.refund", 1, "退款时效常答错，先把原路退回的规则吃透"
    )
    set_self_assessment(db, get_user(db, DEMO_AGENT), "soft.empathy", 4)
    refund = items.get("billing.refund", [])
    create_assignments(
        db,
        manager,
        AssignmentRequest(
            agents=(DEMO_AGENT,),
            whole_team=False,
            title="复习退款时效与原路退回规则",
            due_on=(now + timedelta(days=5)).date().isoformat(),
            skill="billing.refund",
            item_id=refund[1] if len(refund) > 1 else None,
            window_start="14:00",
            window_end="16:00",
        ),
    )
    return True
