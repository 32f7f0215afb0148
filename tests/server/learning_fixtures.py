"""A small pack with a taxonomy, and users, for the learning tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from deskmate.server.auth import Role, add_user, issue_token
from deskmate.server.content_import import import_packs

from tests.server.conftest import RunningServer
from tests.server.helpers import item_record, write_pack

SKILLS_YAML = """\
skills:
  - code: billing
    name: {zh: 账务处理, en: Billing}
  - code: billing.refund
    parent: billing
    name: {zh: 退款处理, en: Refunds}
  - code: tech.esim
    name: {zh: eSIM, en: eSIM}
  - code: soft.empathy
    name: {zh: 共情安抚, en: Empathy}
roles:
  - code: new_agent
    name: {zh: 新员工, en: New agent}
    targets: {billing.refund: 3, tech.esim: 2, soft.empathy: 3}
"""

ITEMS = [
    item_record("faq-refund", "退款流程", skills=["billing.refund"]),
    item_record("faq-refund-partial", "部分退款怎么算", skills=["billing.refund"]),
    item_record("faq-refund-card", "退款退到哪张卡", skills=["billing.refund"]),
    item_record("faq-esim", "eSIM 换机转移", skills=["tech.esim"]),
    item_record("faq-calm", "客户情绪激动怎么安抚", skills=["soft.empathy"]),
]


def import_learning_pack(
    server: RunningServer, folder: Path, extra: list[dict[str, Any]] | None = None
) -> None:
    """Import the pack (items and skills.yaml) into the server's database."""
    pack = write_pack(folder, ITEMS + (extra or []))
    (pack / "skills.yaml").write_text(SKILLS_YAML, encoding="utf-8")
    report = import_packs(server.db, [pack])
    assert not report.problems, report.problems


def add_team(server: RunningServer) -> dict[str, str]:
    """Two agents and a manager in team t1, an agent in t2, an editor: name -> token."""
    users = [
        ("li.na", Role.AGENT, "t1", "new_agent"),
        ("zhao.lei", Role.AGENT, "t1", "new_agent"),
        ("wang.mgr", Role.MANAGER, "t1", None),
        ("chen.other", Role.AGENT, "t2", "new_agent"),
        ("sun.mgr2", Role.MANAGER, "t2", None),
        ("ed.itor", Role.EDITOR, None, None),
    ]
    tokens = {}
    for name, role, team, learning_role in users:
        add_user(server.db, name, role, team, learning_role)
        tokens[name] = issue_token(server.db, name)
    return tokens
