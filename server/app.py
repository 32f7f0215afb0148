"""The HTTP API (protocol v1): FastAPI app factory, routes and problem responses.

Endpoints: ``GET /api/v1/changes``, ``GET /api/v1/vocabulary``, ``POST /api/v1/events``,
``GET /api/v1/me`` and ``GET /api/v1/health``; docs/sync-api.md describes the protocol.
Database work is synchronous (SQLAlchemy), so routes that touch it run in Starlette's
thread pool.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any

from deskmate.server import api_models as models
from deskmate.server.access_log import AccessLogMiddleware
from deskmate.server.auth import Permission
from deskmate.server.changes import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    authenticate_with_head,
    etag_for,
    etag_matches,
    feed_viewer,
    read_page,
)
from deskmate.server.console import install_console
from deskmate.server.database import Database
from deskmate.server.errors import (
    PROBLEM_BASE,
    InvalidParameterError,
    NotFoundError,
    PayloadTooLargeError,
    ServerError,
)
from deskmate.server.events import MAX_BODY_BYTES, IngestResult, ingest, parse_batch
from deskmate.server.items_api import install_item_routes
from deskmate.server.learning_api import install_learning_routes
from deskmate.server.openapi_doc import document_problems
from deskmate.server.request_context import request_db, request_user
from deskmate.server.request_limits import GuardedRoute
from deskmate.server.server_secret import console_key
from deskmate.server.vocabulary import authenticate_with_vocabulary
from fastapi import FastAPI, Header, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

API_VERSION = "1"
# Concurrent upload batches per server process; a batch is one transaction, so a few
# keep PostgreSQL busy, and more only take thread-pool threads the polls need.
INGEST_SLOTS = 4
PROBLEM_JSON = "application/problem+json"
# Error fields that go into a problem's body (the rest are for logs).
PROBLEM_MEMBERS = ("errors", "current_version", "current_author", "current")


def problem(
    status: int,
    slug: str,
    title: str,
    detail: str,
    extra: dict[str, Any] | None = None,
    **headers: str,
) -> JSONResponse:
    """An ``application/problem+json`` response (``extra``: more members, e.g. ``errors``)."""
    body = {"type": PROBLEM_BASE + slug, "title": title, "status": status, "detail": detail}
    body.update(extra or {})
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers or None)


async def _read_body(request: Request) -> bytes:
    """The body, refused with 413 as soon as it passes the limit (never read whole)."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise PayloadTooLargeError(
            f"The request body is {int(declared):,} bytes; the limit is {MAX_BODY_BYTES:,} "
            "bytes. Send the events in smaller batches."
        )
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise PayloadTooLargeError(
                f"The request body is over the limit of {MAX_BODY_BYTES:,} bytes. "
                "Send the events in smaller batches."
            )
        chunks.append(chunk)
    return b"".join(chunks)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ServerError)
    async def _server_error(_request: Request, exc: ServerError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else {}
        extra = {k: v for k, v in exc.fields.items() if k in PROBLEM_MEMBERS}
        return problem(exc.status, exc.slug, exc.title, exc.message, extra, **headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "query")
        error = InvalidParameterError(f"{where}: {first.get('msg', 'invalid value')}")
        return problem(error.status, error.slug, error.title, error.message)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        # A bug, not the client's fault; still problem+json like every other answer (it
        # was text/plain). Starlette re-raises it afterwards, so uvicorn logs the traceback.
        del request, exc
        return problem(
            500,
            "server-error",
            "Internal server error",
            "The server failed; the administrator finds the details in its log.",
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 404:
            error = NotFoundError("There is no such endpoint; see /api/v1/ in docs/sync-api.md.")
            return problem(error.status, error.slug, error.title, error.message)
        slug = "method-not-allowed" if exc.status_code == 405 else "http-error"
        return problem(exc.status_code, slug, str(exc.detail), str(exc.detail))


_PROBLEMS: dict[int | str, dict[str, Any]] = {
    status: {"model": models.Problem, "content": {PROBLEM_JSON: {}}, "description": text}
    for status, text in {
        401: "Missing, unknown or revoked token (type .../unauthorized).",
        403: "The role, or the data's owner, forbids it (type .../forbidden).",
    }.items()
}


def _routes(app: FastAPI) -> None:
    @app.get("/api/v1/health", response_model=models.Health, tags=["meta"])
    def health() -> dict[str, str]:
        """Liveness check; needs no token."""
        return {"status": "ok"}

    @app.get("/api/v1/me", response_model=models.Me, responses=_PROBLEMS, tags=["meta"])
    def me(request: Request) -> dict[str, Any]:
        """Who the token belongs to."""
        user = request_user(request, Permission.READ_CONTENT)
        return {"name": user.name, "role": user.role.value, "team": user.team}

    @app.get(
        "/api/v1/changes",
        response_model=models.ChangesPage,
        tags=["content"],
        responses={
            **_PROBLEMS,
            304: {"description": "Not modified: `If-None-Match` names the current ETag."},
            410: {
                "model": models.Problem,
                "content": {PROBLEM_JSON: {}},
                "description": "Garbled cursor or one of another epoch (type .../resync-required):"
                " start again from an empty cursor.",
            },
            422: {"model": models.Problem, "content": {PROBLEM_JSON: {}}},
        },
    )
    def changes(
        request: Request,
        cursor: Annotated[
            str, Query(max_length=512, description="Opaque; empty or absent = from the start.")
        ] = "",
        limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
        if_none_match: Annotated[str | None, Header()] = None,
    ) -> Response:
        """Items and deletions after the cursor, in change order (see docs/sync-api.md)."""
        with request_db(request).read_one() as conn:
            # The idle poll: the token and the head in one statement (a unique-index and
            # a primary-key lookup), and no page query when the ETag still matches.
            user, head = authenticate_with_head(conn, request.headers.get("authorization"))
        request.state.user = user.name  # for the access log
        user.require(Permission.READ_CONTENT)
        viewer = feed_viewer(user)
        etag = etag_for(head, cursor, limit, viewer)
        if etag_matches(if_none_match, etag):
            return Response(status_code=304, headers={"ETag": etag})
        head, page = read_page(request_db(request), cursor, limit, viewer)
        # A last page is tagged with the ETag of the request that follows it (the same
        # limit at its next_cursor): a client that keeps it for that request gets 304 on
        # its very first idle poll. Compared against the actual request's own ETag, it can
        # never make another request 304.
        tagged = cursor if page.has_more else page.next_cursor
        headers = {"ETag": etag_for(head, tagged, limit, viewer), "Cache-Control": "no-cache"}
        return Response(page.to_json(), media_type="application/json", headers=headers)

    @app.get(
        "/api/v1/vocabulary",
        response_model=models.Vocabulary,
        tags=["content"],
        responses={
            **_PROBLEMS,
            304: {"description": "Not modified: `If-None-Match` names the current ETag."},
        },
    )
    def vocabulary(request: Request) -> Response:
        """The synonym groups and skill names of the imported packs (see docs/sync-api.md).

        Send the ETag of the last answer as `If-None-Match`: 304 while it is unchanged.
        """
        with request_db(request).read_one() as conn:  # the token and the vocabulary: one statement
            user, (etag, body) = authenticate_with_vocabulary(
                conn, request.headers.get("authorization")
            )
        request.state.user = user.name  # for the access log
        user.require(Permission.READ_CONTENT)
        if etag_matches(request.headers.get("if-none-match"), etag):
            return Response(status_code=304, headers={"ETag": etag})
        headers = {"ETag": etag, "Cache-Control": "no-cache"}
        return Response(body, media_type="application/json", headers=headers)

    @app.post(
        "/api/v1/events",
        response_model=models.EventsResult,
        tags=["events"],
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {"$ref": "#/components/schemas/EventBatch"},
                    }
                },
            }
        },
        responses={
            **_PROBLEMS,
            413: {"model": models.Problem, "content": {PROBLEM_JSON: {}}},
            422: {"model": models.Problem, "content": {PROBLEM_JSON: {}}},
        },
    )
    async def events(request: Request) -> Response:
        """Upload consultation events; each ``event_id`` is stored exactly once."""
        if "authorization" not in request.headers:  # refuse before reading any body
            request_user(request, Permission.POST_OWN_EVENTS)
        raw = await _read_body(request)

        def store() -> IngestResult:
            # One trip to the thread pool: the token, then validation, then the insert.
            user = request_user(request, Permission.POST_OWN_EVENTS)
            return ingest(request_db(request), user, parse_batch(raw))

        # At most INGEST_SLOTS batches in the thread pool at once: the pool's other threads
        # stay free for polls, which otherwise queued behind a flood of uploads (poll
        # p95 over 2 s while 200 agents uploaded back to back).
        async with request.app.state.ingest_slots:
            result = await run_in_threadpool(store)
        answer = {"accepted": result.accepted, "duplicates": result.duplicates}
        return Response(json.dumps(answer), media_type="application/json")


def _openapi_with_batch(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema is None:
        schema = FastAPI.openapi(app)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for model in (models.EventBatch, models.Event):
            components[model.__name__] = model.model_json_schema(
                ref_template="#/components/schemas/{model}"
            )
            components[model.__name__].pop("$defs", None)
        app.openapi_schema = document_problems(schema)
    return app.openapi_schema


def build_app(db: Database | None, secret_file: Path | None = None) -> FastAPI:
    """The API on an opened database (None: only to generate the OpenAPI document).

    The console's signing key comes from the server secret (``secret_file``, else the
    environment or the default file; see server/server_secret.py).

    Raises:
        ServerSecretError: the server secret cannot be read or created.
    """

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        if db is not None:
            db.close()

    app = FastAPI(
        lifespan=lifespan,
        title="Deskmate sync API",
        version=API_VERSION,
        summary="Content changes and consultation events for Deskmate sidebars.",
        description="Protocol v1; see docs/sync-api.md. Every endpoint except /api/v1/health "
        "needs `Authorization: Bearer <token>`. Errors are application/problem+json.",
    )
    # Before any route is added: every API route checks its input at the edge.
    app.router.route_class = GuardedRoute
    app.state.db = db
    app.state.console_key = None if db is None else console_key(db.url, secret_file)
    app.state.ingest_slots = asyncio.Semaphore(INGEST_SLOTS)
    app.add_middleware(GZipMiddleware, minimum_size=1000)
    app.add_middleware(AccessLogMiddleware)
    _install_error_handlers(app)
    _routes(app)
    install_learning_routes(app)
    install_item_routes(app)
    install_console(app)
    app.openapi = lambda: _openapi_with_batch(app)  # type: ignore[method-assign]
    return app


def create_app(db_url: str, secret_file: Path | None = None) -> FastAPI:
    """Open (and migrate) the database at ``db_url`` and return the API on it.

    The database's connections are released when the app shuts down.

    Raises:
        ServerDatabaseError: the URL is wrong or the database cannot be opened.
        ServerSecretError: the server secret cannot be read or created.
    """
    db = Database.open(db_url)
    try:
        return build_app(db, secret_file)
    except ServerError:
        db.close()
        raise
