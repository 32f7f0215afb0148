"""The consultation event: one thing an agent did in Deskmate, in its upload format.

:meth:`ConsultationEvent.to_dict` is the JSON object a later sync feature uploads;
:meth:`ConsultationEvent.from_dict` reads it back (from the spool file or a server).
Only what the agent typed or clicked is recorded: the search text, item ids, counts,
votes and the agent's own gap note and interaction reference. Nothing else about a
customer is ever captured.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from deskmate.core.errors import ContentError

MAX_NOTE_CHARS = 2000
MAX_INTERACTION_ID_CHARS = 64
MAX_ID_CHARS = 128  # item and agent ids: the width of their columns
# Where a query came from when the agent did not type it (issue #18): copied text, the
# X11 selection, the "paste the customer's message" box. Such text stays in the local
# record; the upload form (ConsultationEvent.upload_dict) leaves it out.
LOCAL_ONLY_SOURCES = frozenset({"clipboard", "selection", "paste"})
# How an agent can reach an expert from the card: tel:, mailto: and the expert's IM URI.
CONTACT_CHANNELS = ("phone", "email", "im")


class EventKind(StrEnum):
    """What the agent did."""

    SEARCH = "search"
    OPEN = "open"
    COPY = "copy"
    FEEDBACK = "feedback"
    GAP = "gap"
    NO_RESULT = "no_result"  # a search that returned nothing at all
    NOTHING_OPENED = "nothing_opened"  # results were shown, the agent left without opening one
    CONTACT = "contact"  # the agent called, emailed or messaged an expert from the card


class GapType(StrEnum):
    """Why the knowledge base did not help, as the agent flagged it."""

    MISSING = "missing"
    WRONG = "wrong"
    OUTDATED = "outdated"
    UNCLEAR = "unclear"


def new_event_id() -> str:
    """A new, globally unique event id (32 hex digits)."""
    return uuid.uuid4().hex


def local_now() -> datetime:
    """The current time, timezone-aware, in the machine's local zone."""
    return datetime.now().astimezone()


def _text(record: Mapping[str, Any], key: str) -> str:
    value = record.get(key)
    if not isinstance(value, str):
        raise ContentError(f"The event field '{key}' must be text.", field=key)
    return value


def _optional_text(record: Mapping[str, Any], key: str) -> str | None:
    value = record.get(key)
    if value is not None and not isinstance(value, str):
        raise ContentError(f"The event field '{key}' must be text or empty.", field=key)
    return value


def _optional_count(record: Mapping[str, Any], key: str) -> int | None:
    value = record.get(key)
    if value is None:
        return None
    # bool is an int in Python; true/false is never a count.
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ContentError(
            f"The event field '{key}' must be a whole number of at least 0.", field=key
        )
    return value


def without_nul(value: Any) -> Any:
    """``value`` with every NUL character removed from its texts, at any depth.

    Strings, and the keys and values of dicts and lists inside ``value``, are cleaned; other
    values are returned as they are.
    """
    if isinstance(value, str):
        return value.replace("\x00", "") if "\x00" in value else value
    if isinstance(value, dict):
        return {without_nul(key): without_nul(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [without_nul(item) for item in value]
    return value


@dataclass(frozen=True)
class ConsultationEvent:
    """One recorded action of an agent; a row of ``consultation_events``.

    Attributes:
        event_id: Unique id (uuid4 hex); the server de-duplicates uploads on it.
        agent_id: Who acted.
        kind: What they did.
        occurred_at: When, ISO 8601 with the local UTC offset.
        query: The search text the agent typed ("" when there was none).
        item_id: The item acted on, for open, copy, feedback and item-specific gaps.
        result_count: How many results a search showed (search, no_result).
        dwell_ms: How long an opened item stayed on screen (open, once known).
        detail: Kind-specific facts, JSON-ready: ``{"helpful": true}`` (feedback),
            ``{"filled": true}`` (copy), ``{"gap_type", "note", "interaction_id"}`` (gap),
            ``{"channel": "phone", "opened": true}`` (contact).
        uploaded_at: When a sync delivered the event; None until then.
    """

    event_id: str
    agent_id: str
    kind: EventKind
    occurred_at: str
    query: str = ""
    item_id: str | None = None
    result_count: int | None = None
    dwell_ms: int | None = None
    detail: Mapping[str, Any] = field(default_factory=dict, hash=False)
    uploaded_at: str | None = None

    def __post_init__(self) -> None:
        # NUL cannot be stored in a PostgreSQL text column and the server refuses it (422): a
        # pasted NUL anywhere in an event (query, note, case, any detail) would hold it back on
        # this computer for ever, so every text of every event loses it here, once.
        object.__setattr__(self, "query", without_nul(self.query))
        if self.item_id is not None:
            object.__setattr__(self, "item_id", without_nul(self.item_id))
        # A read-only view: the event is frozen, so its detail must not change either.
        object.__setattr__(self, "detail", MappingProxyType(without_nul(dict(self.detail))))

    def to_dict(self) -> dict[str, Any]:
        """The event as a JSON-ready dict: the upload format (see docs/activity-and-settings.md)."""
        return {
            "event_id": self.event_id,
            "agent_id": self.agent_id,
            "kind": self.kind.value,
            "occurred_at": self.occurred_at,
            "query": self.query,
            "item_id": self.item_id,
            "result_count": self.result_count,
            "dwell_ms": self.dwell_ms,
            "detail": dict(self.detail),
            "uploaded_at": self.uploaded_at,
        }

    @property
    def local_only_query(self) -> bool:
        """Whether the query came from copied or pasted text and must not leave this computer."""
        return self.detail.get("source") in LOCAL_ONLY_SOURCES

    def upload_dict(self) -> dict[str, Any]:
        """What a sync uploads: :meth:`to_dict`, without the query of a local-only search.

        The event itself (its kind, counts, item, ``detail.source``) still goes, so the
        server counts the consultation; only the copied or pasted words stay here.
        """
        record = self.to_dict()
        if self.local_only_query:
            record["query"] = ""
        return record

    @classmethod
    def from_dict(cls, record: Mapping[str, Any]) -> ConsultationEvent:
        """Read an event from its :meth:`to_dict` form.

        Raises:
            ContentError: a field is missing or has the wrong type.
        """
        kind = _text(record, "kind")
        try:
            event_kind = EventKind(kind)
        except ValueError:
            raise ContentError(f"'{kind}' is not a kind of event.", field="kind") from None
        detail = record.get("detail") or {}
        if not isinstance(detail, Mapping):
            raise ContentError("The event field 'detail' must be an object.", field="detail")
        if event_kind is EventKind.CONTACT:
            check_contact(_optional_text(record, "item_id"), detail)
        occurred_at = _text(record, "occurred_at")
        try:
            parsed = datetime.fromisoformat(occurred_at)
        except ValueError:
            parsed = None
        if parsed is None or parsed.tzinfo is None:
            raise ContentError(
                f"The event time '{occurred_at}' is not an ISO 8601 time with a UTC offset.",
                field="occurred_at",
            )
        return cls(
            event_id=_text(record, "event_id"),
            agent_id=_text(record, "agent_id"),
            kind=event_kind,
            occurred_at=occurred_at,
            query=_optional_text(record, "query") or "",
            item_id=_optional_text(record, "item_id"),
            result_count=_optional_count(record, "result_count"),
            dwell_ms=_optional_count(record, "dwell_ms"),
            detail=dict(detail),
            uploaded_at=_optional_text(record, "uploaded_at"),
        )


def check_contact(item_id: str | None, detail: Mapping[str, Any]) -> None:
    """Check what a ``contact`` event must carry: the expert's id and a known channel.

    Raises:
        ContentError: no item id, or ``detail["channel"]`` is not one of
            :data:`CONTACT_CHANNELS`, or ``detail["opened"]`` is not true or false.
    """
    if not item_id:
        raise ContentError("A contact event must name the expert (item_id).", field="item_id")
    channel = detail.get("channel")
    if channel not in CONTACT_CHANNELS:
        choices = ", ".join(CONTACT_CHANNELS)
        raise ContentError(
            f"'{channel}' is not a way to contact an expert; choose one of: {choices}.",
            field="channel",
        )
    if not isinstance(detail.get("opened", True), bool):
        raise ContentError("The contact's 'opened' must be true or false.", field="opened")


@dataclass(frozen=True)
class GapFlag:
    """An agent's report that the knowledge base lacked, or got wrong, what they needed.

    Attributes:
        gap_type: What kind of gap.
        query: What the agent had searched for ("" if nothing).
        item_id: The item that was wrong, outdated or unclear; None for missing content.
        note: The agent's own words (at most 2000 characters).
        interaction_id: The call or chat reference the agent typed (at most 64 characters),
            so the knowledge team can look the interaction up in the contact-centre system.

    Raises:
        ContentError: the note or the interaction reference is too long, or the gap
            type is unknown.
    """

    gap_type: GapType
    query: str = ""
    item_id: str | None = None
    note: str = ""
    interaction_id: str = ""

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "gap_type", GapType(self.gap_type))
        except ValueError:
            choices = ", ".join(g.value for g in GapType)
            raise ContentError(
                f"'{self.gap_type}' is not a kind of gap; choose one of: {choices}.",
                field="gap_type",
            ) from None
        if len(self.note) > MAX_NOTE_CHARS:
            raise ContentError(
                f"The note is {len(self.note)} characters long; please shorten it to "
                f"{MAX_NOTE_CHARS} characters or fewer.",
                field="note",
            )
        if len(self.interaction_id) > MAX_INTERACTION_ID_CHARS:
            raise ContentError(
                f"The interaction reference is {len(self.interaction_id)} characters long; "
                f"it can have at most {MAX_INTERACTION_ID_CHARS} characters.",
                field="interaction_id",
            )
        if self.item_id is not None and not 0 < len(self.item_id) <= MAX_ID_CHARS:
            raise ContentError(
                f"The item id must have 1 to {MAX_ID_CHARS} characters.", field="item_id"
            )

    def detail(self) -> dict[str, Any]:
        """The ``detail`` object of the gap event."""
        return {
            "gap_type": self.gap_type.value,
            "note": self.note,
            "interaction_id": self.interaction_id,
        }
