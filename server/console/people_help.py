"""Help from people: the experts agents call, email or message from the sidebar's card.

The knowledge base's side of help-seeking (searches, consultations) is in
:mod:`deskmate.server.console.help_seeking`; this is the other side, from the uploaded
``contact`` events (``item_id``: the expert entry; ``detail.channel``: ``phone``,
``email`` or ``im``). Per agent and for the team, over a period: contacts by channel,
which experts were asked and which skills those experts carry (an expert entry's
``skills``; a contact counts once for each skill of the expert). An expert entry deleted
since is shown by its id. Nothing the agents typed is read: contacts carry none.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date

from deskmate.core.activity.events import CONTACT_CHANNELS
from deskmate.core.batching import batches
from deskmate.core.content.taxonomy import display_name
from deskmate.server.database import Database
from deskmate.server.learning.taxonomy_store import read_taxonomy
from deskmate.server.tables import EventRow, ItemRow
from sqlalchemy import Connection, select

CHANNELS = CONTACT_CHANNELS
TOP_EXPERTS = 10


@dataclass
class PeopleHelp:
    """One agent's (or the team's) contacts with experts over a period."""

    channels: Counter[str] = field(default_factory=Counter)
    experts: Counter[str] = field(default_factory=Counter)  # expert item id -> contacts

    @property
    def total(self) -> int:
        """Every contact, whatever the channel."""
        return sum(self.channels.values())

    def add(self, other: PeopleHelp) -> None:
        """Add another agent's contacts to these."""
        self.channels.update(other.channels)
        self.experts.update(other.experts)


@dataclass(frozen=True)
class ExpertInfo:
    """An expert entry as the page names it."""

    item_id: str
    name: str
    team: str
    skills: tuple[str, ...]  # skill names, in the entry's order


@dataclass
class TeamPeopleHelp:
    """The team's and each agent's contacts with experts, with the experts' names."""

    team: PeopleHelp
    agents: dict[str, PeopleHelp]
    experts: dict[str, ExpertInfo]

    def experts_asked(
        self, counts: PeopleHelp, top: int = TOP_EXPERTS
    ) -> list[tuple[ExpertInfo, int]]:
        """The experts asked most, with how often (most first, then by name)."""
        ranked = sorted(counts.experts.items(), key=lambda pair: (-pair[1], self._name(pair[0])))
        return [(self._info(item_id), count) for item_id, count in ranked[:top]]

    def skills_asked(self, counts: PeopleHelp) -> list[tuple[str, int]]:
        """Skill names of the experts asked, each with the contacts it was part of."""
        skills: Counter[str] = Counter()
        for item_id, count in counts.experts.items():
            for skill in self._info(item_id).skills:
                skills[skill] += count
        return sorted(skills.items(), key=lambda pair: (-pair[1], pair[0]))

    def _info(self, item_id: str) -> ExpertInfo:
        return self.experts.get(item_id) or ExpertInfo(item_id, item_id, "", ())

    def _name(self, item_id: str) -> str:
        return self._info(item_id).name


def _expert_infos(conn: Connection, ids: Collection[str], language: str) -> dict[str, ExpertInfo]:
    taxonomy = read_taxonomy(conn)

    def skill_name(code: str) -> str:
        skill = taxonomy.skill(code)
        return display_name(skill.names, language, code) if skill else code

    infos = {}
    for chunk in batches(sorted(ids)):
        for item_id, raw in conn.execute(
            select(ItemRow.id, ItemRow.record).where(ItemRow.id.in_(chunk))
        ):
            record = json.loads(raw)
            infos[item_id] = ExpertInfo(
                item_id,
                str(record.get("name") or record.get("title") or item_id),
                str(record.get("team") or ""),
                tuple(skill_name(str(code)) for code in record.get("skills") or ()),
            )
    return infos


def people_help(
    db: Database, agents: Collection[str], start: date, language: str = "zh"
) -> TeamPeopleHelp:
    """Contacts with experts of ``agents`` (a manager's team) from ``start`` on.

    Args:
        db: The server database.
        agents: The agents counted (every one appears, with or without contacts).
        start: The first day of the period (the agent's local date, as elsewhere).
        language: ``"zh"`` or ``"en"``, for the skills' names.
    """
    per_agent = {agent: PeopleHelp() for agent in agents}
    team = PeopleHelp()
    with db.read() as conn:
        for names in batches(sorted(agents)):
            rows = conn.execute(
                select(EventRow.agent, EventRow.item_id, EventRow.payload).where(
                    EventRow.agent.in_(names),
                    EventRow.kind == "contact",
                    EventRow.occurred_at >= start.isoformat(),
                )
            )
            for agent, item_id, payload in rows:
                channel = (json.loads(payload).get("detail") or {}).get("channel")
                counts = per_agent[agent]
                counts.channels[str(channel)] += 1
                if item_id:
                    counts.experts[str(item_id)] += 1
        for counts in per_agent.values():
            team.add(counts)
        experts = _expert_infos(conn, set(team.experts), language) if team.experts else {}
    return TeamPeopleHelp(team, per_agent, experts)
