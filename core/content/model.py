"""The content model: FAQs, call scripts (话术) and expert cards in one schema.

:class:`Item` is the one representation used by the importer, the store, the
search index and (later) the sync protocol. ``Item.from_dict`` validates a raw
record against the JSON Schema; ``Item.to_dict`` gives it back in that schema.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from deskmate.core.content.validation import validate_record
from deskmate.core.errors import ContentError

# {customer_name} or {{订单号}}: a name of letters (any script), digits or _ inside
# single or double braces.
_PLACEHOLDER = re.compile(r"\{\{\s*([\w\u4e00-\u9fff]+)\s*\}\}|\{([\w\u4e00-\u9fff]+)\}")


class ItemKind(StrEnum):
    """What an item is."""

    FAQ = "faq"
    SCRIPT = "script"
    EXPERT = "expert"


@dataclass(frozen=True, slots=True)
class Expert:
    """The expert-specific part of an expert card."""

    name: str
    team: str
    role: str = ""
    languages: tuple[str, ...] = ()
    phone: str = ""
    extension: str = ""
    email: str = ""
    im: str = ""
    hours: str = ""
    presence: str = ""  # available / busy / away / offline, as the server last set it

    def contact_dict(self) -> dict[str, str]:
        """The non-empty contact channels, as in the schema's ``contact`` object."""
        pairs = {"phone": self.phone, "extension": self.extension, "email": self.email}
        pairs["im"] = self.im
        return {k: v for k, v in pairs.items() if v}


def find_placeholders(body: str) -> tuple[str, ...]:
    """Return the placeholder names in a script body, in order of first use."""
    seen: dict[str, None] = {}
    for match in _PLACEHOLDER.finditer(body):
        seen.setdefault(match.group(1) or match.group(2), None)
    return tuple(seen)


def _stamp(value: Any) -> datetime | None:
    """An ISO 8601 stamp of a validated record (None when absent)."""
    return datetime.fromisoformat(str(value).replace("Z", "+00:00")) if value else None


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if value else ()


@dataclass(frozen=True, slots=True)
class Item:
    """One piece of knowledge: an FAQ, a call script or an expert card.

    Attributes:
        questions: FAQ only; alternative phrasings customers use.
        expert: Expert cards only; name, team and contact details.
        guidance: Scripts only; agent-only advice, never part of what is copied.
        teams: The teams whose agents receive the item (empty: everyone).
        verified_by: Who last checked the item is still right (None: never checked).
        verified_at: When they did.
    """

    id: str
    kind: ItemKind
    title: str
    body: str
    language: str
    updated_at: datetime
    version: int
    tags: tuple[str, ...] = ()
    skills: tuple[str, ...] = ()
    product: str | None = None
    channel: str | None = None
    owner: str | None = None
    questions: tuple[str, ...] = ()
    expert: Expert | None = None
    guidance: str = ""
    teams: tuple[str, ...] = ()
    verified_by: str | None = None
    verified_at: datetime | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def placeholders(self) -> tuple[str, ...]:
        """Placeholders such as ``{customer_name}`` or ``{{订单号}}`` in a script's body."""
        return find_placeholders(self.body) if self.kind is ItemKind.SCRIPT else ()

    @classmethod
    def from_dict(cls, record: dict[str, Any]) -> Item:
        """Validate a record in the item schema and build an item from it.

        Raises:
            ContentError: the record breaks the schema; the message says how.
        """
        if record.get("deleted") is True:
            raise ContentError("this record is a deletion marker, not an item")
        validate_record(record)
        return cls.from_trusted_dict(record)

    @classmethod
    def from_trusted_dict(cls, record: dict[str, Any]) -> Item:
        """Build an item from a record already validated (e.g. read back from the store)."""
        expert = None
        if record["kind"] == ItemKind.EXPERT:
            contact = record.get("contact") or {}
            expert = Expert(
                name=record["name"],
                team=record["team"],
                role=record.get("role", ""),
                languages=_strings(record.get("languages")),
                phone=contact.get("phone", ""),
                extension=contact.get("extension", ""),
                email=contact.get("email", ""),
                im=contact.get("im", ""),
                hours=record.get("hours", ""),
                presence=record.get("presence", ""),
            )
        return cls(
            id=record["id"],
            kind=ItemKind(record["kind"]),
            title=record["title"],
            body=record["body"],
            language=record["language"],
            updated_at=_stamp(record["updated_at"]) or datetime.min,
            version=int(record["version"]),
            tags=_strings(record.get("tags")),
            skills=_strings(record.get("skills")),
            product=record.get("product"),
            channel=record.get("channel"),
            owner=record.get("owner"),
            questions=_strings(record.get("questions")),
            expert=expert,
            guidance=record.get("guidance", ""),
            teams=_strings(record.get("teams")),
            verified_by=record.get("verified_by"),
            verified_at=_stamp(record.get("verified_at")),
        )

    def _workbench_fields(self) -> dict[str, Any]:
        """Guidance, teams and verification, when set (issue #17)."""
        out: dict[str, Any] = {}
        if self.guidance:
            out["guidance"] = self.guidance
        if self.teams:
            out["teams"] = list(self.teams)
        if self.verified_by is not None:
            out["verified_by"] = self.verified_by
        if self.verified_at is not None:
            out["verified_at"] = self.verified_at.isoformat()
        return out

    def to_dict(self) -> dict[str, Any]:
        """Return the item as a record of the item schema (JSON-ready)."""
        out: dict[str, Any] = {
            "id": self.id,
            "kind": self.kind.value,
            "title": self.title,
            "body": self.body,
            "tags": list(self.tags),
            "skills": list(self.skills),
            "language": self.language,
            "updated_at": self.updated_at.isoformat(),
            "version": self.version,
        }
        for key in ("product", "channel", "owner"):
            if (value := getattr(self, key)) is not None:
                out[key] = value
        if self.kind is ItemKind.FAQ:
            out["questions"] = list(self.questions)
        if self.kind is ItemKind.SCRIPT:
            out["placeholders"] = list(self.placeholders)
        out |= self._workbench_fields()
        if self.expert is not None:
            e = self.expert
            out |= {"name": e.name, "team": e.team, "languages": list(e.languages)}
            out |= {"contact": e.contact_dict()}
            if e.role:
                out["role"] = e.role
            if e.hours:
                out["hours"] = e.hours
            if e.presence:
                out["presence"] = e.presence
        return out
