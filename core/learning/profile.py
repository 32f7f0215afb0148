"""The learning profile as the server sends it (``GET /api/v1/me/profile``), typed.

:meth:`LearningProfile.from_dict` checks the shape the sidebar relies on and refuses
anything else whole (a :class:`~deskmate.core.errors.ContentError` naming the field),
so a garbled answer or a damaged cache file never reaches the view half-read. Fields
the contract may add later are ignored. See docs/learning.md for the meaning of each.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from deskmate.core.errors import ContentError

_MISSING = object()


class _Fields:
    """Reads typed fields of one JSON object; errors name ``where`` and the field."""

    def __init__(self, data: object, where: str) -> None:
        if not isinstance(data, Mapping):
            raise ContentError(f"{where} is not a JSON object", field=where)
        self.data = data
        self.where = where

    def _get(self, key: str, default: object) -> object:
        value = self.data.get(key, default)
        if value is _MISSING:
            raise ContentError(f"{self.where} has no '{key}'", field=f"{self.where}.{key}")
        return value

    def _wrong(self, key: str, what: str) -> ContentError:
        return ContentError(f"{self.where}.{key} is not {what}", field=f"{self.where}.{key}")

    def text(self, key: str, default: object = _MISSING) -> str:
        value = self._get(key, default)
        if not isinstance(value, str):
            raise self._wrong(key, "a string")
        return value

    def optional_text(self, key: str) -> str | None:
        value = self._get(key, None)
        if value is not None and not isinstance(value, str):
            raise self._wrong(key, "a string or null")
        return value

    def number(self, key: str, default: object = _MISSING) -> float | None:
        value = self._get(key, default)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self._wrong(key, "a number or null")
        return float(value)

    def integer(self, key: str, default: object = _MISSING) -> int:
        value = self._get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self._wrong(key, "a whole number")
        return value

    def list_of(self, key: str) -> list[Any]:
        value = self._get(key, [])
        if not isinstance(value, list):
            raise self._wrong(key, "a list")
        return value


@dataclass(frozen=True)
class TrendPoint:
    """A skill's level in one ISO week (``2026-W44``), as the server recorded it."""

    week: str
    level: float

    @classmethod
    def from_dict(cls, data: object, where: str) -> TrendPoint:
        """Read one entry of a skill's ``trend``."""
        f = _Fields(data, where)
        level = f.number("level")
        if level is None:
            raise ContentError(f"{where}.level is not a number", field=f"{where}.level")
        return cls(f.text("week"), level)


@dataclass(frozen=True)
class LevelSince:
    """The level now against the first week of the trend.

    Attributes:
        date: When that first level was computed (``YYYY-MM-DD``).
        level: The level then.
        change: The level now minus the level then.
    """

    week: str
    date: str
    level: float
    change: float

    @classmethod
    def from_dict(cls, data: object, where: str) -> LevelSince:
        """Read a skill's ``since``."""
        f = _Fields(data, where)
        on = f.text("date")
        try:
            date.fromisoformat(on)
        except ValueError:
            raise ContentError(f"{where}.date is not a date", field=f"{where}.date") from None
        return cls(f.text("week", ""), on, f.number("level") or 0.0, f.number("change", 0.0) or 0.0)


@dataclass(frozen=True)
class SkillStanding:
    """One skill of the profile: the level estimate, the role's target and the gap.

    Attributes:
        code: The skill code, e.g. ``billing.refund``.
        name: Its name in the language asked for.
        level: The estimated level 1–5 (one decimal), None when nothing is known.
        target: The role's target level, None when the role does not list the skill.
        gap: ``max(0, target - level)``; the whole target when the level is unknown.
        reasons: Sentences explaining the estimate.
        self_level: The agent's own last self-assessment (1–5), if any.
        looks: Opens and copies of items with this skill in the window.
        flags: Gap flags the agent raised on items with this skill.
        trend: The level per week, oldest first (empty from servers without history,
            and in profiles cached before it).
        since: The level now against the first week of the trend, or None.
    """

    code: str
    name: str
    level: float | None
    target: float | None
    gap: float
    reasons: tuple[str, ...]
    self_level: int | None
    looks: int
    flags: int
    trend: tuple[TrendPoint, ...] = ()
    since: LevelSince | None = None

    @classmethod
    def from_dict(cls, data: object, where: str) -> SkillStanding:
        """Read one entry of ``skills``."""
        f = _Fields(data, where)
        sources = _Fields(f.data.get("sources") or {}, f"{where}.sources")
        own = sources.number("self", None)
        reasons = f.list_of("reasons")
        if not all(isinstance(r, str) for r in reasons):
            raise ContentError(f"{where}.reasons is not a list of sentences", field=where)
        return cls(
            code=f.text("code"),
            name=f.text("name", "") or f.text("code"),
            level=f.number("level", None),
            target=f.number("target", None),
            gap=f.number("gap", 0.0) or 0.0,
            reasons=tuple(reasons),
            self_level=round(own) if own is not None else None,
            looks=f.integer("looks", 0),
            flags=f.integer("flags", 0),
            trend=tuple(
                TrendPoint.from_dict(p, f"{where}.trend[{n}]")
                for n, p in enumerate(f.list_of("trend"))
            ),
            since=(
                None
                if f.data.get("since") is None
                else LevelSince.from_dict(f.data["since"], f"{where}.since")
            ),
        )


@dataclass(frozen=True)
class Recommendation:
    """An item worth reading for a skill with a gap."""

    skill: str
    item_id: str
    title: str
    kind: str

    @classmethod
    def from_dict(cls, data: object, where: str) -> Recommendation:
        """Read one entry of ``recommendations``."""
        f = _Fields(data, where)
        return cls(f.text("skill", ""), f.text("item_id"), f.text("title"), f.text("kind", "faq"))


@dataclass(frozen=True)
class Assignment:
    """Learning a manager assigned: an item or a link, due by a date, maybe in a time window.

    Attributes:
        due_on: ``YYYY-MM-DD``.
        window_start: ``HH:MM`` local time, or None.
        window_end: ``HH:MM`` local time, or None.
        done_at: When the agent marked it done (ISO 8601), or None.
        overdue: The server's view when the profile was computed.
    """

    id: int
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

    @classmethod
    def from_dict(cls, data: object, where: str) -> Assignment:
        """Read one entry of ``assignments``."""
        f = _Fields(data, where)
        due_on = f.text("due_on")
        try:
            date.fromisoformat(due_on)
        except ValueError:
            raise ContentError(f"{where}.due_on is not a date", field=where) from None
        return cls(
            id=f.integer("id"),
            title=f.text("title"),
            skill=f.optional_text("skill"),
            item_id=f.optional_text("item_id"),
            url=f.optional_text("url"),
            note=f.optional_text("note") or "",
            due_on=due_on,
            window_start=f.optional_text("window_start"),
            window_end=f.optional_text("window_end"),
            assigned_by=f.text("assigned_by", ""),
            assigned_at=f.text("assigned_at", ""),
            done_at=f.optional_text("done_at"),
            overdue=f.data.get("overdue") is True,
        )

    def is_overdue(self, today: date) -> bool:
        """Not done and due before ``today`` (or the server said so); offline-proof."""
        if self.done_at is not None:
            return False
        return self.overdue or date.fromisoformat(self.due_on) < today


@dataclass(frozen=True)
class Notice:
    """Something the server tells the agent once: ``assignment`` or ``gap_resolved``.

    Attributes:
        text: The sentence to show, already in the agent's language.
        item_id: The item it is about (opened when the notice is clicked), or None.
    """

    id: int
    kind: str
    text: str
    item_id: str | None
    created_at: str

    @classmethod
    def from_dict(cls, data: object, where: str) -> Notice:
        """Read one entry of ``notices``."""
        f = _Fields(data, where)
        return cls(
            f.integer("id"),
            f.text("kind"),
            f.text("text"),
            f.optional_text("item_id"),
            f.text("created_at", ""),
        )


@dataclass(frozen=True)
class LearningProfile:
    """The signed-in agent's own learning profile.

    Attributes:
        agent: The agent's name on the server (whose profile this is).
        role_name: The job role whose targets the gaps measure against ("" if none).
        computed_at: When the server computed it (ISO 8601).
        skills: Largest gap first.
        notices: Newest first.
    """

    agent: str
    team: str
    role_code: str
    role_name: str
    computed_at: str
    window_days: int
    skills: tuple[SkillStanding, ...]
    recommendations: tuple[Recommendation, ...]
    assignments: tuple[Assignment, ...]
    notices: tuple[Notice, ...]

    @classmethod
    def from_dict(cls, data: object) -> LearningProfile:
        """Read and check a profile.

        Raises:
            ContentError: a field the sidebar relies on is missing or of the wrong type.
        """
        f = _Fields(data, "profile")
        role = _Fields(f.data.get("role") or {}, "profile.role")
        skills = [
            SkillStanding.from_dict(s, f"skills[{n}]") for n, s in enumerate(f.list_of("skills"))
        ]
        skills.sort(key=lambda s: (-s.gap, s.level if s.level is not None else 0.0, s.name))
        return cls(
            agent=f.text("agent"),
            team=f.optional_text("team") or "",
            role_code=role.optional_text("code") or "",
            role_name=role.optional_text("name") or "",
            computed_at=f.text("computed_at", ""),
            window_days=f.integer("window_days", 90),
            skills=tuple(skills),
            recommendations=tuple(
                Recommendation.from_dict(r, f"recommendations[{n}]")
                for n, r in enumerate(f.list_of("recommendations"))
            ),
            assignments=tuple(
                Assignment.from_dict(a, f"assignments[{n}]")
                for n, a in enumerate(f.list_of("assignments"))
            ),
            notices=tuple(
                Notice.from_dict(x, f"notices[{n}]") for n, x in enumerate(f.list_of("notices"))
            ),
        )
