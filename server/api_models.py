"""Pydantic models of the API's bodies, for the OpenAPI document.

The routes build their JSON themselves (a page of items is spliced from stored JSON
text, events are validated by deskmate.core); these models describe the shapes.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class Problem(BaseModel):
    """An error (RFC 9457 problem details), sent as application/problem+json."""

    type: str = Field(
        description="https://deskmate.example/problems/<slug>, e.g. .../resync-required"
    )
    title: str
    status: int
    detail: str = Field(description="What went wrong and what to do, in plain words.")


class Health(BaseModel):
    """The server is up."""

    status: Literal["ok"]


class Me(BaseModel):
    """The user a token belongs to."""

    name: str = Field(description="The user name; the agent_id of their events.")
    role: Literal["agent", "manager", "editor"]
    team: str | None


class ItemVector(BaseModel):
    """An item's sentence-encoder vector (semantic search), int8 values with one scale."""

    model: str = Field(description="The encoder's model id; clients keep only their own.")
    digest: str = Field(description="SHA-1 of the text encoded (title, questions, body head).")
    scale: float = Field(description="value = int8 × scale")
    data: str = Field(description="Base64 of the int8 values (384 for the bundled model).")


class ChangesPage(BaseModel):
    """A page of the change feed."""

    items: list[dict[str, Any]] = Field(
        description="Changed or new items, records of core/content/item.schema.json "
        "(Item.to_dict()), in change order."
    )
    deleted: list[str] = Field(description="Ids of items deleted, in change order.")
    next_cursor: str = Field(description="Opaque; pass it as `cursor` for the next page.")
    has_more: bool = Field(description="True: more changes are waiting; ask again now.")
    vectors: dict[str, ItemVector] = Field(
        default_factory=dict,
        description="Vectors of this page's items, by item id (items without one are absent).",
    )


class Vocabulary(BaseModel):
    """The search vocabulary of the imported packs (synonyms.txt and skills.yaml)."""

    version: int = Field(
        ge=0, description="Goes up with every import that changes it; 0: none imported yet."
    )
    synonyms: list[list[str]] = Field(
        description="Synonym groups of at least two words each (lowercase), as in synonyms.txt."
    )
    skills: dict[str, str] = Field(description="Skill code → display name, as in skills.yaml.")


class EventsResult(BaseModel):
    """What happened to each uploaded event."""

    accepted: list[str] = Field(description="Event ids stored by this request.")
    duplicates: list[str] = Field(description="Event ids that were already stored.")


class Event(BaseModel):
    """A consultation event: ConsultationEvent.to_dict() (docs/activity-and-settings.md)."""

    model_config = ConfigDict(extra="allow")

    event_id: str = Field(pattern="^[0-9a-f]{32}$", description="uuid4 hex; stored once.")
    agent_id: str = Field(
        min_length=1, max_length=128, description="Must be the token's user name."
    )
    kind: Literal[
        "search", "open", "copy", "feedback", "gap", "no_result", "nothing_opened", "contact"
    ]
    occurred_at: str = Field(max_length=40, description="ISO 8601 with UTC offset.")
    query: str = ""
    item_id: str | None = Field(default=None, min_length=1, max_length=128)
    result_count: int | None = Field(default=None, ge=0)
    dwell_ms: int | None = Field(default=None, ge=0)
    detail: dict[str, Any] = Field(
        default_factory=dict, description="Kind-specific facts; at most 8 levels deep."
    )
    uploaded_at: str | None = None


class EventBatch(BaseModel):
    """The body of POST /api/v1/events: at most 1000 events, 2 MB and 64 levels of nesting."""

    events: list[Event] = Field(max_length=1000)
