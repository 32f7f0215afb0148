"""The learning API: profiles, self-assessment, assignments, proposals and the gap queue.

docs/learning.md describes each endpoint. Routes are plain ``def``: FastAPI runs them
in its thread pool, since the database work is synchronous.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Annotated, Any

from deskmate.server import learning_models as m
from deskmate.server.auth import Permission, User
from deskmate.server.changes import etag_matches
from deskmate.server.database import Database
from deskmate.server.errors import NotFoundError
from deskmate.server.learning.assessments import rate_skill, set_self_assessment, team_agent
from deskmate.server.learning.assignments import (
    AssignmentRequest,
    assignments_of,
    create_assignments,
    mark_done,
    team_members,
)
from deskmate.server.learning.gap_decisions import decide, propose
from deskmate.server.learning.gap_queue import list_topics
from deskmate.server.learning.history import add_trends, level_trends
from deskmate.server.learning.notices import recent_notices
from deskmate.server.learning.profiles import cached_bodies, render, wording
from deskmate.server.learning.reasons import pick_language
from deskmate.server.request_context import request_db, request_user
from deskmate.server.request_limits import MAX_ID, Id
from fastapi import FastAPI, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

Lang = Annotated[str | None, Query(pattern="^(zh|en)$", description="zh or en")]
ID_CHARS = 128  # user names, skill codes and item ids: the width of their columns


class SelfAssessment(BaseModel):
    """An agent's own level in a skill."""

    skill: str = Field(max_length=ID_CHARS)
    level: int


class Proposal(BaseModel):
    """A new FAQ, or an edit of ``item_id``, proposed by an agent."""

    title: str
    answer: str
    skills: list[Annotated[str, Field(max_length=ID_CHARS)]] = Field(
        default_factory=list, max_length=50
    )
    item_id: str | None = Field(None, max_length=ID_CHARS)
    client_id: str | None = Field(None, description="The sidebar's id; a re-send is stored once.")


class GapDecision(BaseModel):
    """An editor's decision on a gap topic."""

    action: str = Field(description="accept, dismiss, reopen, merge or resolve")
    into: int | None = Field(None, ge=1, le=MAX_ID, description="merge: the topic to merge into")
    item_id: str | None = Field(
        None, max_length=ID_CHARS, description="resolve: the new or fixed item"
    )
    reason: str = Field("", description="dismiss: why, in the editor's words (told to the agents)")


class SkillRating(BaseModel):
    """A manager's rating of one of their agents' skills."""

    skill: str = Field(max_length=ID_CHARS)
    rating: int
    comment: str = ""


class Assignment(BaseModel):
    """Learning a manager assigns to agents of their team."""

    agents: list[Annotated[str, Field(max_length=ID_CHARS)]] = Field(
        default_factory=list, max_length=1000
    )
    team: bool = Field(False, description="true: every agent of the manager's team")
    title: str = ""
    skill: str | None = Field(None, max_length=ID_CHARS)
    item_id: str | None = Field(None, max_length=ID_CHARS)
    url: str | None = Field(None, max_length=2000)
    note: str = Field("", max_length=20_000)
    due_on: str = Field(max_length=10, description="YYYY-MM-DD")
    window_start: str | None = Field(None, max_length=5, description="HH:MM, local time")
    window_end: str | None = Field(None, max_length=5)


def profile_documents(
    db: Database, names: list[str], team: str | None, language: str
) -> list[dict[str, Any]]:
    """The whole profiles of some users (in ``names`` order), as the API shows them.

    One refresh, one wording and one read for all of them: a team's page costs the same
    few statements as one agent's.
    """
    bodies = cached_bodies(db, names)
    words = wording(db, language)
    documents = []
    with db.read() as conn:
        assignments = assignments_of(conn, names)
        trends = level_trends(conn, names, datetime.now(UTC))
        for name in names:
            body = bodies.get(name)
            if body is None:
                raise NotFoundError(f"there is no user '{name}'")
            document = {"agent": name, "team": team, **render(body, words)}
            add_trends(document["skills"], trends.get(name, {}))
            document["assignments"] = [a for a in assignments if a["agent"] == name]
            document["notices"] = recent_notices(conn, name, language)
            documents.append(document)
    return documents


def profile_document(
    db: Database, user_name: str, team: str | None, language: str
) -> dict[str, Any]:
    """The whole profile of one user, as ``GET /api/v1/me/profile`` shows it."""
    return profile_documents(db, [user_name], team, language)[0]


def _json(request: Request, document: Any) -> Response:
    body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    if etag_matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers={"ETag": etag})
    headers = {"ETag": etag, "Cache-Control": "no-cache"}
    return Response(body, media_type="application/json", headers=headers)


def _language(request: Request, lang: str | None) -> str:
    return pick_language(lang, request.headers.get("accept-language"))


def _me_routes(app: FastAPI) -> None:
    @app.get(
        "/api/v1/me/profile",
        tags=["learning"],
        responses={
            200: {"model": m.Profile, "description": "The profile; ETag for If-None-Match."},
            304: {"description": "Not modified: `If-None-Match` names the current ETag."},
        },
    )
    def my_profile(request: Request, lang: Lang = None) -> Response:
        """The signed-in user's own learning profile (see docs/learning.md)."""
        user = request_user(request, Permission.READ_CONTENT)
        db = request_db(request)
        return _json(request, profile_document(db, user.name, user.team, _language(request, lang)))

    @app.put("/api/v1/me/self-assessment", tags=["learning"], response_model=m.SelfAssessmentOut)
    def self_assessment(request: Request, body: SelfAssessment) -> dict[str, Any]:
        """Set the user's own level (1-5) in a skill of the taxonomy."""
        user = request_user(request, Permission.POST_OWN_EVENTS)
        return set_self_assessment(request_db(request), user, body.skill, body.level)

    @app.post(
        "/api/v1/me/assignments/{assignment_id}/done",
        tags=["learning"],
        response_model=m.AssignmentOut,
    )
    def assignment_done(request: Request, assignment_id: Id) -> dict[str, Any]:
        """Mark one of the user's own assignments done."""
        user = request_user(request, Permission.POST_OWN_EVENTS)
        return mark_done(request_db(request), user, assignment_id)

    @app.post(
        "/api/v1/proposals",
        status_code=201,
        tags=["learning"],
        responses={
            201: {"model": m.ProposalOut, "description": "Stored."},
            200: {"model": m.ProposalOut, "description": "Stored before (same client_id)."},
        },
    )
    def new_proposal(request: Request, body: Proposal) -> JSONResponse:
        """Propose a new FAQ or an edit; it lands in the editors' gap queue."""
        user = request_user(request, Permission.POST_OWN_EVENTS)
        stored, new = propose(
            request_db(request),
            user,
            body.title,
            body.answer,
            body.skills,
            body.item_id,
            body.client_id,
        )
        return JSONResponse(stored, status_code=201 if new else 200)


def _editor_routes(app: FastAPI) -> None:
    @app.get("/api/v1/gaps", tags=["gaps"], response_model=m.GapTopics)
    def gaps(request: Request, status: str = "open", owner: str = "all") -> dict[str, Any]:
        """The knowledge-gap queue (editors only); ``owner``: all, mine, none or a name."""
        user = request_user(request, Permission.WORK_GAP_QUEUE)
        return {"topics": list_topics(request_db(request), user, status, owner)}

    @app.post("/api/v1/gaps/{topic_id}", tags=["gaps"], response_model=m.GapTopic)
    def gap_decision(request: Request, topic_id: Id, body: GapDecision) -> dict[str, Any]:
        """Accept, dismiss, reopen, merge or resolve a topic (editors only)."""
        user = request_user(request, Permission.WORK_GAP_QUEUE)
        return decide(
            request_db(request),
            user,
            topic_id,
            body.action,
            into=body.into,
            item_id=body.item_id,
            reason=body.reason,
        )


def _manager(request: Request) -> User:
    return request_user(request, Permission.MANAGE_TEAM)


def _manager_routes(app: FastAPI) -> None:
    @app.get("/api/v1/team/profiles", tags=["team"], response_model=m.TeamProfiles)
    def team_profiles(request: Request, lang: Lang = None) -> dict[str, Any]:
        """The profiles of the manager's own team."""
        manager = _manager(request)
        db = request_db(request)
        with db.read() as conn:
            members = team_members(conn, manager.team)
        language = _language(request, lang)
        return {"agents": profile_documents(db, members, manager.team, language)}

    @app.get("/api/v1/agents/{name}/profile", tags=["team"], response_model=m.Profile)
    def agent_profile(request: Request, name: str, lang: Lang = None) -> dict[str, Any]:
        """One agent's profile; managers of their team only (404 otherwise)."""
        manager = _manager(request)
        db = request_db(request)
        with db.read() as conn:
            team_agent(conn, manager, name)
        return profile_document(db, name, manager.team, _language(request, lang))

    @app.put("/api/v1/agents/{name}/ratings", tags=["team"], response_model=m.RatingOut)
    def rating(request: Request, name: str, body: SkillRating) -> dict[str, Any]:
        """Rate an agent of the manager's team in a skill (1-5) with a comment."""
        manager = _manager(request)
        return rate_skill(request_db(request), manager, name, body.skill, body.rating, body.comment)

    @app.post("/api/v1/assignments", status_code=201, tags=["team"], response_model=m.AssignmentIds)
    def assign(request: Request, body: Assignment) -> dict[str, Any]:
        """Assign learning to agents (or the whole team) of the manager's team."""
        manager = _manager(request)
        ids = create_assignments(
            request_db(request),
            manager,
            AssignmentRequest(
                agents=tuple(body.agents),
                whole_team=body.team,
                title=body.title,
                due_on=body.due_on,
                skill=body.skill,
                item_id=body.item_id,
                url=body.url,
                note=body.note,
                window_start=body.window_start,
                window_end=body.window_end,
            ),
        )
        return {"ids": ids}


def install_learning_routes(app: FastAPI) -> None:
    """Add the learning and gap-queue endpoints to the API."""
    _me_routes(app)
    _editor_routes(app)
    _manager_routes(app)
