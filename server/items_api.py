"""The authoring API for knowledge teams (editors' tokens only): drafts, publish, archive.

docs/sync-api.md ("Authoring") describes it. A body is one item of the item schema
(``version``, ``updated_at``, ``placeholders``, ``verified_*`` are set by the server); a
note comes as ``?note=``. Routes are ``async`` only to read the body with a size limit;
the database work runs in the thread pool.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

from deskmate.server.auth import Permission
from deskmate.server.database import Database
from deskmate.server.errors import (
    BadRequestError,
    PayloadTooLargeError,
    PreconditionRequiredError,
)
from deskmate.server.request_context import request_db, request_user
from deskmate.server.request_limits import parse_json_body
from deskmate.server.workbench import lifecycle
from deskmate.server.workbench.audit import Actor
from deskmate.server.workbench.authorship import may_read_versions
from deskmate.server.workbench.freshness import set_interval, verify
from deskmate.server.workbench.history import list_versions
from deskmate.server.workbench.server_settings import MAX_VERIFY_DAYS
from deskmate.server.workbench.similar import similar_items
from deskmate.server.workbench.sources import resolve_source
from fastapi import FastAPI, Query, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

#: A body holds at most 1,000,000 characters (4 bytes each in the worst case) + fields.
MAX_ITEM_BYTES = 4 * 1024 * 1024
Note = Annotated[str, Query(max_length=2000, description="Why: kept in the history.")]
Source = Annotated[
    str,
    Query(pattern=r"^((topic|proposal):\d{1,12})?$", description="topic:ID or proposal:ID"),
]


class Similar(BaseModel):
    """An existing item that reads like the saved draft, by wording or by meaning."""

    id: str
    title: str
    kind: Literal["wording", "meaning"] = Field(
        "wording", description="What found it: the titles' wording, or the texts' meaning."
    )
    score: float = Field(
        description="wording: character-bigram Dice of the titles, 0-1; "
        "meaning: cosine of the sentence vectors."
    )
    meaning: float | None = Field(
        None, description="A wording match the vectors also found: their cosine."
    )


class ItemSaved(BaseModel):
    """The outcome of a step: the item's id, the version and its status."""

    id: str
    version: int
    status: str = Field(description="draft, in_review, published or archived")
    created: bool = Field(description="False: a retry of a step already done (nothing changed).")
    similar: list[Similar] = Field(default_factory=list)
    resolved_topic: int | None = Field(None, description="The gap topic publishing resolved.")


class ItemInterval(BaseModel):
    """An item's own verification interval."""

    id: str
    days: int | None = Field(description="None: the interval of its tags or kind.")


class ItemVersion(BaseModel):
    """One version of an item."""

    version: int
    status: str
    author: str
    created_at: str
    note: str
    based_on: int | None
    live: bool = Field(description="The version agents receive now.")
    record: dict[str, Any]


class ItemVersions(BaseModel):
    """An item's versions, newest first."""

    id: str
    versions: list[ItemVersion]


_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"type": "object"}}},
        "description": "One item of core/content/item.schema.json (at most 4 MiB).",
    }
}
_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "Missing, unknown or revoked token."},
    403: {
        "description": "Not an editor (agents and managers may not author), nor the item's "
        "owner allowed by the server setting owners-publish."
    },
    404: {"description": "No such item."},
    409: {"description": "The id is taken, or the version is not the latest."},
    412: {"description": "If-Match is not the latest version: `current_version`, `current`."},
    413: {"description": "The body is over 4 MiB."},
    422: {"description": "The item breaks the schema: `errors` maps each field to its problem."},
    428: {"description": "PUT without If-Match."},
}


async def _record(request: Request) -> dict[str, Any]:
    declared = request.headers.get("content-length")
    too_big = (
        f"the item is over {MAX_ITEM_BYTES:,} bytes; a body may have at most 1,000,000 "
        "characters: split the article into several items"
    )
    if declared is not None and declared.isdigit() and int(declared) > MAX_ITEM_BYTES:
        raise PayloadTooLargeError(too_big)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_ITEM_BYTES:
            raise PayloadTooLargeError(too_big)
        chunks.append(chunk)
    # The same edge checks as every other JSON body (depth, strict UTF-8, no NUL or lone
    # surrogate, which PostgreSQL cannot store), under the item's own size limit.
    record = parse_json_body(b"".join(chunks))
    if not isinstance(record, dict):
        raise BadRequestError("the body must be one JSON object: an item of the item schema")
    return record


def _actor(request: Request, permission: Permission = Permission.AUTHOR_CONTENT) -> Actor:
    user = request_user(request, permission)
    return Actor(user, request.client.host if request.client else None)


def _owner_or_editor(request: Request) -> Actor:
    """Any signed-in user: the step itself checks editor or owner (``owners-publish``)."""
    return _actor(request, Permission.READ_CONTENT)


def if_match_version(header: str | None) -> int:
    """The version number in an ``If-Match`` header (``3``, ``"3"`` or ``W/"3"``).

    Raises:
        PreconditionRequiredError: absent.
        BadRequestError: not a version number.
    """
    if header is None or not header.strip():
        raise PreconditionRequiredError(
            "send If-Match with the version your edit is based on (GET .../versions)"
        )
    text = header.strip().removeprefix("W/").strip('"')
    if not text.isdigit():
        raise BadRequestError(f"If-Match must be a version number, not {header[:40]!r}")
    return int(text)


#: Every authoring route: its answer, tag and documented errors.
_STEP: dict[str, Any] = {"response_model": ItemSaved, "tags": ["authoring"], "responses": _ERRORS}
#: A new version of a draft from the body's record: ``(db, actor, record) -> saved``.
DraftStep = Callable[[Database, Actor, dict[str, Any]], lifecycle.Saved]


async def _save_draft(request: Request, step: DraftStep, permission: Permission) -> Any:
    """Read the body's item, run ``step`` on it, answer with the items it reads like.

    The body is read (size-limited) before the token is checked, as before; the database
    work runs in the thread pool.
    """
    record = await _record(request)
    actor = await run_in_threadpool(_actor, request, permission)
    db = request_db(request)
    saved = await run_in_threadpool(step, db, actor, record)
    similar = await run_in_threadpool(similar_items, db, record, saved.item_id, actor.user)
    return _answer(saved, similar=similar)


def _answer(saved: lifecycle.Saved, **extra: Any) -> dict[str, Any]:
    return {
        "id": saved.item_id,
        "version": saved.version,
        "status": saved.status,
        "created": saved.created,
        **extra,
    }


def install_item_routes(app: FastAPI) -> None:
    """Add the authoring endpoints to the app."""
    _draft_routes(app)
    _step_routes(app)


def _draft_routes(app: FastAPI) -> None:
    """Create and edit: the body's item becomes a new draft version."""

    @app.post("/api/v1/items", **_STEP, status_code=201, openapi_extra=_BODY)
    async def create_item(request: Request, note: Note = "", source: Source = "") -> Any:
        """A new item as a draft (version 1). Re-sending the same draft answers it again.

        `source` (`topic:12` or `proposal:3`) links the draft to what it answers:
        publishing it resolves that gap topic and tells its agents.
        """
        link = source or None

        def create(db: Database, actor: Actor, record: dict[str, Any]) -> lifecycle.Saved:
            return lifecycle.create(db, actor, record, note, link)

        return await _save_draft(request, create, Permission.AUTHOR_CONTENT)

    @app.put("/api/v1/items/{item_id}", **_STEP, openapi_extra=_BODY)
    async def edit_item(request: Request, item_id: str, note: Note = "") -> Any:
        """A new draft version; `If-Match` names the version it was based on."""
        base = if_match_version(request.headers.get("if-match"))

        def edit(db: Database, actor: Actor, record: dict[str, Any]) -> lifecycle.Saved:
            return lifecycle.edit(db, actor, item_id, record, base, note)

        # Any signed-in user: the step checks editor or owner (owners-publish).
        return await _save_draft(request, edit, Permission.READ_CONTENT)


def _step_routes(app: FastAPI) -> None:
    """The lifecycle steps, the interval and the history of one item."""

    @app.post("/api/v1/items/{item_id}/submit", **_STEP)
    def submit_item(request: Request, item_id: str) -> Any:
        """Put the latest draft up for review."""
        return _answer(lifecycle.submit(request_db(request), _owner_or_editor(request), item_id))

    @app.post("/api/v1/items/{item_id}/publish", **_STEP)
    def publish_item(
        request: Request, item_id: str, note: Note = "", version: int | None = None
    ) -> Any:
        """Publish the latest version: agents receive it at their next sync."""
        actor, db = _owner_or_editor(request), request_db(request)
        saved = lifecycle.publish(db, actor, item_id, version, note)
        topic = resolve_source(db, actor.user, item_id, saved.source) if saved.created else None
        return _answer(saved, resolved_topic=topic)

    @app.post("/api/v1/items/{item_id}/archive", **_STEP)
    def archive_item(request: Request, item_id: str, note: Note = "") -> Any:
        """Take the item out of agents' copies (a deletion in the feed)."""
        return _answer(lifecycle.archive(request_db(request), _actor(request), item_id, note))

    @app.post("/api/v1/items/{item_id}/verify", **_STEP)
    def verify_item(request: Request, item_id: str) -> Any:
        """Record that the published item was checked and is still right (who and when)."""
        return _answer(verify(request_db(request), _owner_or_editor(request), item_id))

    @app.put(
        "/api/v1/items/{item_id}/interval",
        response_model=ItemInterval,
        tags=["authoring"],
        responses=_ERRORS,
    )
    def item_interval(
        request: Request,
        item_id: str,
        days: Annotated[int | None, Query(ge=1, le=MAX_VERIFY_DAYS)] = None,
    ) -> Any:
        """The item's own verification interval in days (none: its tags' or kind's)."""
        set_interval(request_db(request), _owner_or_editor(request), item_id, days)
        return {"id": item_id, "days": days}

    @app.get(
        "/api/v1/items/{item_id}/versions",
        response_model=ItemVersions,
        tags=["authoring"],
        responses=_ERRORS,
    )
    def item_versions(request: Request, item_id: str) -> Any:
        """Every version, newest first, with author, time, note and record."""
        may_read_versions(request_db(request), _owner_or_editor(request).user, item_id)
        return {"id": item_id, "versions": list_versions(request_db(request), item_id)}


__all__ = ["install_item_routes"]
