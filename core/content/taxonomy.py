"""The skills taxonomy of a content pack (``skills.yaml``): skills and job roles.

Every item carries skill codes; a role lists the level (1 to 5) it needs in some of
them. Learning profiles measure an agent against their role's targets. Names are
given per language (``{"zh": ..., "en": ...}``); :func:`display_name` picks one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from deskmate.core.errors import ContentError

MIN_LEVEL = 1
MAX_LEVEL = 5


def display_name(names: Mapping[str, str], language: str, fallback: str) -> str:
    """The name in ``language`` ("zh" or "en"), else any name, else ``fallback``."""
    return names.get(language) or next(iter(names.values()), "") or fallback


def _names(entry: Mapping[str, Any], code: str) -> dict[str, str]:
    name = entry.get("name")
    if isinstance(name, Mapping):
        return {str(k): str(v) for k, v in name.items() if v}
    if isinstance(name, str) and name:
        return {"zh": name, "en": name}
    return {"en": code}


@dataclass(frozen=True)
class Skill:
    """A skill: its code (``billing.refund``), names per language and parent code."""

    code: str
    names: dict[str, str]
    parent: str | None = None


@dataclass(frozen=True)
class LearningRole:
    """A job role and the level it needs per skill code."""

    code: str
    names: dict[str, str]
    targets: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Taxonomy:
    """The skills and roles of a pack."""

    skills: tuple[Skill, ...] = ()
    roles: tuple[LearningRole, ...] = ()

    def skill(self, code: str) -> Skill | None:
        """The skill with this code, if any."""
        return self._skills_by_code.get(code)

    def role(self, code: str) -> LearningRole | None:
        """The role with this code, if any."""
        return self._roles_by_code.get(code)

    @cached_property
    def _skills_by_code(self) -> dict[str, Skill]:
        return {s.code: s for s in self.skills}

    @cached_property
    def _roles_by_code(self) -> dict[str, LearningRole]:
        return {r.code: r for r in self.roles}

    @classmethod
    def from_data(cls, data: Any, source: str = "skills.yaml") -> Taxonomy:
        """Read the parsed YAML of ``skills.yaml``.

        Raises:
            ContentError: an entry has no code, or a role's target is not a level 1-5 of
                a known skill.
        """
        if not isinstance(data, Mapping):
            return cls()
        skills = []
        for entry in data.get("skills") or []:
            if not isinstance(entry, Mapping) or not entry.get("code"):
                raise ContentError(f"{source}: every skill needs a 'code'", file=source)
            code = str(entry["code"])
            parent = entry.get("parent")
            skills.append(Skill(code, _names(entry, code), str(parent) if parent else None))
        known = {s.code for s in skills}
        roles = []
        for entry in data.get("roles") or []:
            if not isinstance(entry, Mapping) or not entry.get("code"):
                raise ContentError(f"{source}: every role needs a 'code'", file=source)
            code = str(entry["code"])
            targets: dict[str, int] = {}
            for skill, level in (entry.get("targets") or {}).items():
                if skill not in known:
                    raise ContentError(
                        f"{source}: role '{code}' targets '{skill}', which is not a skill "
                        "listed under 'skills'",
                        file=source,
                    )
                if (
                    isinstance(level, bool)
                    or not isinstance(level, int)
                    or not (MIN_LEVEL <= level <= MAX_LEVEL)
                ):
                    raise ContentError(
                        f"{source}: role '{code}' gives '{skill}' the level {level!r}; "
                        f"levels are whole numbers {MIN_LEVEL} to {MAX_LEVEL}",
                        file=source,
                    )
                targets[str(skill)] = level
            roles.append(LearningRole(code, _names(entry, code), targets))
        return cls(tuple(skills), tuple(roles))
