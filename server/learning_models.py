"""Pydantic models of the learning API's answers, for the OpenAPI document.

The routes build their JSON from the cached profiles; these models describe the shapes
(docs/learning.md words the semantics).
"""

from __future__ import annotations

from pydantic import BaseModel, Field


class RoleRef(BaseModel):
    """A role of the taxonomy."""

    code: str
    name: str


class TrendPoint(BaseModel):
    """A skill's computed level in one ISO week."""

    week: str = Field(description="ISO week, e.g. 2026-W44")
    level: float


class Since(BaseModel):
    """The level now against the first week of the trend."""

    week: str
    date: str = Field(description="When the first week's level was computed (YYYY-MM-DD)")
    level: float
    change: float = Field(description="level now - level then, one decimal")


class SkillLevel(BaseModel):
    """One skill of a profile."""

    code: str
    name: str
    level: float | None = Field(description="1.0-5.0, one decimal; null: no source yet")
    target: int | None = Field(description="The role's target level; null: not in the role")
    gap: float = Field(description="max(0, target - level), one decimal")
    reasons: list[str] = Field(description="Why, in sentences, in the language asked for")
    sources: dict[str, float | None] = Field(
        description="Each source's level: consultation, score, manager, self, assignment"
    )
    looks: int = Field(description="Opens and copies of the skill's items in 90 days")
    flags: int = Field(description="Gap flags the agent raised on the skill's items")
    trend: list[TrendPoint] = Field(
        default_factory=list, description="The level per week, the last 13 weeks, oldest first"
    )
    since: Since | None = Field(None, description="null: fewer than two weeks known")


class Recommendation(BaseModel):
    """An item of a skill with a gap that the agent has not opened yet."""

    skill: str
    item_id: str
    title: str
    kind: str


class AssignmentOut(BaseModel):
    """Learning assigned by a manager."""

    id: int
    agent: str
    title: str
    skill: str | None
    item_id: str | None
    url: str | None
    note: str
    due_on: str
    window_start: str | None
    window_end: str | None
    assigned_by: str
    assigned_at: str
    done_at: str | None
    overdue: bool


class Notice(BaseModel):
    """Something to show the agent once (assignment, gap_accepted, gap_dismissed, …)."""

    id: int
    kind: str
    text: str
    item_id: str | None
    created_at: str


class Profile(BaseModel):
    """A learning profile."""

    agent: str
    team: str | None
    role: RoleRef | None
    computed_at: str
    window_days: int
    skills: list[SkillLevel]
    recommendations: list[Recommendation]
    assignments: list[AssignmentOut]
    notices: list[Notice]


class TeamProfiles(BaseModel):
    """The profiles of a manager's team."""

    agents: list[Profile]


class GapFlagOut(BaseModel):
    """A gap flag or unhelpful vote, with what the agent said."""

    agent: str
    at: str = Field(description="When the agent raised it")
    kind: str = Field(description="gap or unhelpful")
    gap_type: str | None = Field(description="missing, wrong, outdated or unclear")
    note: str = Field(description="The agent's note (the first 5,000 characters)")
    note_chars: int = Field(description="The whole note's length")
    case: str | None = Field(description="The case (call or chat) number typed, cleaned")
    item_id: str | None
    item_title: str | None
    query: str = Field(description="What the agent had typed in the search box, if anything")


class GapItemOut(BaseModel):
    """An item signals of a topic were about."""

    id: str
    title: str | None
    owner: str | None
    count: int


class GapQueryOut(BaseModel):
    """A query agents typed, with how many signals had it."""

    text: str
    count: int


class GapProposalOut(BaseModel):
    """An agent's proposal in a topic, with its answer in full."""

    id: int
    agent: str
    title: str
    answer: str
    item_id: str | None
    item_title: str | None = Field(description="The title of the item it edits, if any")
    skills: list[str]
    status: str
    created_at: str


class GapTopic(BaseModel):
    """A topic of the knowledge-gap queue."""

    id: int
    label: str
    status: str = Field(description="open, accepted, dismissed, merged or resolved")
    count: int
    agents: list[str]
    first_seen: str | None
    last_seen: str | None
    examples: list[str]
    kinds: dict[str, int] = Field(
        description="gap, no_result, nothing_opened (weaker: results shown, none opened), "
        "unhelpful, proposal"
    )
    resolution_item_id: str | None
    merged_into: int | None
    decided_by: str | None
    decided_at: str | None
    decision_note: str | None = Field(description="The reason an editor gave (dismiss)")
    owner: str | None = Field(
        description="The owner most of the signals' items have; null: the editor group"
    )
    gap_types: dict[str, int]
    cases: list[str] = Field(description="Case numbers agents typed, newest first")
    flags: list[GapFlagOut] = Field(description="Flags and votes, newest first (100 at most)")
    items: list[GapItemOut]
    queries: list[GapQueryOut] = Field(description="Typed queries, most frequent first (20)")
    proposals: list[GapProposalOut]


class GapTopics(BaseModel):
    """The queue."""

    topics: list[GapTopic]


class ProposalOut(BaseModel):
    """A stored proposal."""

    id: int
    status: str


class AssignmentIds(BaseModel):
    """The assignments made, one per agent."""

    ids: list[int]


class SelfAssessmentOut(BaseModel):
    """A stored self-assessment."""

    skill: str
    level: int
    updated_at: str


class RatingOut(BaseModel):
    """A stored manager rating."""

    agent: str
    skill: str
    rating: int
    comment: str
