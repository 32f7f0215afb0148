"""The learning-profile model: per agent and skill, a level, the gap and the reasons.

Pure computation over gathered inputs (:mod:`profile_inputs` reads them from the
database); docs/learning.md states the model in words. Reasons are kept as codes with
parameters, so one computed profile can be shown in Chinese or English
(:mod:`reasons` words them).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from deskmate.core.content.taxonomy import LearningRole

WINDOW_DAYS = 90
HALF_LIFE_DAYS = 14.0
WEIGHTS = {"manager": 0.3, "score": 0.3, "consultation": 0.25, "self": 0.15, "assignment": 0.1}
# A completed assignment shows the agent studied the skill, not that they can apply it:
# the first one in the window counts as level 3, each further one half a level more, at
# most 4 (docs/learning.md, "Completed assignments").
ASSIGNMENT_FIRST, ASSIGNMENT_STEP, ASSIGNMENT_MAX = 3.0, 0.5, 4.0
# Fewer looks than this in the window say too little to estimate a level from.
MIN_LOOKS = 3
SCORES_AVERAGED = 3
RECOMMENDATIONS_PER_SKILL = 3
# Candidates kept per skill: the wording picks three, in the agent's language first.
CANDIDATES_PER_SKILL = 6
_RECOMMENDED_KINDS = {"faq": 0, "script": 1, "expert": 2}


@dataclass(frozen=True)
class ItemInfo:
    """What the profile needs of a content item."""

    id: str
    title: str
    kind: str
    skills: tuple[str, ...]
    language: str = "zh"
    owner: str | None = None  # the team or person who keeps the item up to date
    teams: tuple[str, ...] = ()  # the teams it is limited to (empty: every team)

    def visible_to(self, team: str | None) -> bool:
        """Whether an agent of ``team`` receives this item (team-limited items, #17)."""
        return not self.teams or (team is not None and team in self.teams)


@dataclass(frozen=True)
class ItemLooks:
    """An agent's opens and copies of one item in the window.

    Attributes:
        looks: How many.
        looks_week: How many in the last 7 days.
        weight: The sum of their recency weights, ``0.5 ** (age days / 14)``.
        last_at: When the latest happened (ISO 8601).
    """

    looks: int
    looks_week: int
    weight: float
    last_at: str

    @property
    def pressure(self) -> float:
        """Each look counts once and each look after the first once more.

        With the recency weights: ``weight × (2 − 1/looks)``, exact when the looks are
        equally old, and the same order of "needed it again and again" otherwise.
        """
        return self.weight * (2 - 1 / self.looks) if self.looks else 0.0


@dataclass(frozen=True)
class Rating:
    """A manager's latest rating of a skill."""

    rating: int
    comment: str
    rated_by: str
    rated_at: str


@dataclass(frozen=True)
class DoneAssignment:
    """An assignment of a skill the agent marked done in the window."""

    title: str
    done_at: str


@dataclass
class AgentInputs:
    """Everything the profile of one agent is computed from."""

    agent: str
    team: str | None = None
    role: str | None = None
    looks: dict[str, ItemLooks] = field(default_factory=dict)
    self_levels: dict[str, int] = field(default_factory=dict)
    ratings: dict[str, Rating] = field(default_factory=dict)
    scores: dict[str, list[tuple[float, str]]] = field(default_factory=dict)  # newest first
    flags: dict[str, int] = field(default_factory=dict)  # item id -> gap flags raised
    done: dict[str, list[DoneAssignment]] = field(default_factory=dict)  # newest first


@dataclass(frozen=True)
class Reason:
    """Why a level is what it is: a reason code and its parameters (see :mod:`reasons`)."""

    code: str
    params: Mapping[str, Any]


@dataclass(frozen=True)
class SkillLevel:
    """One skill of a profile."""

    code: str
    level: float | None
    target: int | None
    gap: float
    sources: dict[str, float | None]
    looks: int
    flags: int
    reasons: tuple[Reason, ...]


def consultation_level(pressure: float) -> float:
    """The consultation source on the 1-5 scale: ``5 − min(4, log2(1 + pressure))``."""
    return 5.0 - min(4.0, math.log2(1.0 + pressure))


def score_level(score: float) -> float:
    """A 0-100 score on the 1-5 scale."""
    return 1.0 + 4.0 * max(0.0, min(100.0, score)) / 100.0


def assignment_level(done: int) -> float | None:
    """The completed-assignment source: 3 for the first, +0.5 each further, at most 4."""
    if done <= 0:
        return None
    return min(ASSIGNMENT_MAX, ASSIGNMENT_FIRST + ASSIGNMENT_STEP * (done - 1))


def _combine(sources: Mapping[str, float | None]) -> float | None:
    present = {k: v for k, v in sources.items() if v is not None}
    if not present:
        return None
    total = sum(WEIGHTS[k] for k in present)
    return sum(WEIGHTS[k] * v for k, v in present.items()) / total


def _consultation(
    skill: str, inputs: AgentInputs, by_skill: Mapping[str, list[ItemInfo]]
) -> tuple[float | None, int, list[Reason]]:
    looked = [(i, inputs.looks[i.id]) for i in by_skill.get(skill, ()) if i.id in inputs.looks]
    if not looked:
        return None, 0, []
    pressure = sum(look.pressure for _, look in looked)
    total = sum(look.looks for _, look in looked)
    level = consultation_level(pressure) if total >= MIN_LOOKS else None
    reasons = []
    top, top_looks = max(looked, key=lambda pair: (pair[1].looks_week, pair[1].looks))
    if top_looks.looks_week >= 2:
        reasons.append(
            Reason("looked_up_week", {"title": top.title, "count": top_looks.looks_week})
        )
    elif top_looks.looks >= 3:
        reasons.append(Reason("looked_up_window", {"title": top.title, "count": top_looks.looks}))
    else:
        last = max(look.last_at for _, look in looked)
        reasons.append(Reason("looks_total", {"count": total, "last": last[:10]}))
    return level, total, reasons


def skill_level(
    skill: str,
    target: int | None,
    inputs: AgentInputs,
    by_skill: Mapping[str, list[ItemInfo]],
) -> SkillLevel:
    """The level, gap and reasons of one skill."""
    consult, looks, reasons = _consultation(skill, inputs, by_skill)
    sources: dict[str, float | None] = {"consultation": consult}
    scores = inputs.scores.get(skill, [])[:SCORES_AVERAGED]
    sources["score"] = score_level(sum(s for s, _ in scores) / len(scores)) if scores else None
    if scores:
        reasons.append(Reason("score", {"score": round(scores[0][0]), "date": scores[0][1]}))
    rating = inputs.ratings.get(skill)
    sources["manager"] = float(rating.rating) if rating else None
    if rating:
        reasons.append(
            Reason(
                "manager",
                {"rating": rating.rating, "comment": rating.comment, "by": rating.rated_by},
            )
        )
    own = inputs.self_levels.get(skill)
    sources["self"] = float(own) if own is not None else None
    if own is not None:
        reasons.append(Reason("self", {"level": own}))
    done = inputs.done.get(skill, [])
    sources["assignment"] = assignment_level(len(done))
    if done:
        latest = {"title": done[0].title, "date": done[0].done_at[:10], "count": len(done)}
        reasons.append(Reason("assignment_done" if len(done) == 1 else "assignments_done", latest))
    flags = sum(n for i in by_skill.get(skill, ()) for n in [inputs.flags.get(i.id, 0)] if n)
    if flags:
        reasons.append(Reason("flags", {"count": flags}))
    level = _combine(sources)
    if level is None:
        # A look or two is shown above but says too little for a level on its own.
        reasons.append(Reason("few_looks" if looks else "no_data", {}))
    gap = 0.0 if target is None else max(0.0, target - (level or 0.0))
    return SkillLevel(
        code=skill,
        level=None if level is None else round(level, 1),
        target=target,
        gap=round(gap, 1),
        sources={k: None if v is None else round(v, 1) for k, v in sources.items()},
        looks=looks,
        flags=flags,
        reasons=tuple(reasons),
    )


def skills_of_interest(
    inputs: AgentInputs,
    role: LearningRole | None,
    known: set[str],
    items: Mapping[str, ItemInfo],
) -> list[str]:
    """The role's skills, then any other skill the agent has a source for.

    A source is a look-up of an item carrying the skill (even one: the entry then says
    it is too early for a level), an assessment, a score or a completed assignment.
    Skills outside the taxonomy count only while the server has no taxonomy at all, so
    an agent can assess themselves in every skill listed.
    """
    wanted = list(role.targets) if role else []
    extra = set(inputs.self_levels) | set(inputs.ratings) | set(inputs.scores) | set(inputs.done)
    for item_id in inputs.looks:
        info = items.get(item_id)
        if info is not None:
            extra.update(info.skills)
    if known:
        extra &= known
    return wanted + sorted(extra - set(wanted))


def compute_levels(
    inputs: AgentInputs,
    role: LearningRole | None,
    known_skills: set[str],
    by_skill: Mapping[str, list[ItemInfo]],
    items: Mapping[str, ItemInfo],
) -> list[SkillLevel]:
    """Every skill of interest (:func:`skills_of_interest`), largest gap first (then code)."""
    targets = role.targets if role else {}
    levels = [
        skill_level(code, targets.get(code), inputs, by_skill)
        for code in skills_of_interest(inputs, role, known_skills, items)
    ]
    levels.sort(key=lambda s: (-s.gap, s.code))
    return levels


def recommend(
    levels: list[SkillLevel], inputs: AgentInputs, by_skill: Mapping[str, list[ItemInfo]]
) -> list[tuple[str, ItemInfo]]:
    """For each skill with a gap, up to six of its items the agent has not looked at.

    Only items the agent's team receives: a team-limited item is never recommended to
    an agent of another team (its title would leak).
    """
    chosen: list[tuple[str, ItemInfo]] = []
    seen: set[str] = set()
    for level in levels:
        if level.gap <= 0:
            continue
        candidates = sorted(
            (
                i
                for i in by_skill.get(level.code, ())
                if i.id not in inputs.looks and i.visible_to(inputs.team)
            ),
            key=lambda i: (_RECOMMENDED_KINDS.get(i.kind, 9), i.title),
        )
        picked = [i for i in candidates if i.id not in seen][:CANDIDATES_PER_SKILL]
        seen.update(i.id for i in picked)
        chosen.extend((level.code, i) for i in picked)
    return chosen
