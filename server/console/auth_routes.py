"""Signing in and out of the console, its home redirect, its style sheet, its 404 page."""

from __future__ import annotations

from typing import Annotated

from deskmate.server.auth import Permission, Role, User, hash_token
from deskmate.server.console.page_context import (
    ConsoleRefusedError,
    Page,
    anonymous_page,
    asset,
    read_form,
    redirect,
    safe_next,
    session_page,
    signed_in_page,
    style_sheet,
)
from deskmate.server.console.session import (
    COOKIE_PATH,
    PRESESSION_COOKIE,
    PRESESSION_SECONDS,
    SESSION_COOKIE,
    SESSION_SECONDS,
    csrf_valid,
    new_presession,
    session_user,
    start_session,
)
from deskmate.server.errors import NotFoundError
from deskmate.server.workbench.authorship import owns_items
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

Form = Annotated[dict[str, str], Depends(read_form)]
MAX_TOKEN_CHARS = 200


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def _sign_in_page(request: Request, error: str = "", status: int = 200) -> Response:
    page = anonymous_page(request)
    nonce = request.cookies.get(PRESESSION_COOKIE) or new_presession()
    notice = ""
    if request.query_params.get("ended") == "1":
        notice = page.t("signin_expired")
    elif request.query_params.get("out") == "1":
        notice = page.t("signed_out")
    response = page.render(
        "signin.html",
        status=status,
        error=error,
        notice=notice,
        next=safe_next(request.query_params.get("next")),
        signin_csrf=page.csrf_for(nonce, "signin"),
    )
    response.set_cookie(
        PRESESSION_COOKIE,
        nonce,
        max_age=PRESESSION_SECONDS,
        path=COOKIE_PATH,
        httponly=True,
        samesite="lax",
        secure=_secure(request),
    )
    return response


def _owner(page: Page, user: User) -> bool:
    """An agent who owns items, with ``owners-publish`` on: signed in to their items."""
    with page.db.read_one() as conn:
        return owns_items(conn, user)


def _home_of(page: Page) -> str:
    """Managers go to their team, editors to the gap queue, owning agents to their items."""
    if page.user is not None and page.user.role is Role.AGENT:
        if _owner(page, page.user):  # an owner allowed by owners-publish
            return "/console/due"
        raise ConsoleRefusedError("agents_not_here")
    manager = page.user is not None and page.user.can(Permission.MANAGE_TEAM)
    return "/console/team" if manager else "/console/gaps"


def _session_routes(router: APIRouter) -> None:
    @router.get("/")
    def home(request: Request) -> Response:
        """Managers go to their team, editors to the gap queue."""
        return redirect(_home_of(session_page(request)))

    @router.get("/signin")
    def sign_in_form(request: Request) -> Response:
        """The sign-in form (an API token)."""
        return _sign_in_page(request)

    @router.post("/signin")
    def sign_in(request: Request, form: Form) -> Response:
        """Check the token; managers and editors get a session cookie, agents a 403 page."""
        page = anonymous_page(request)
        nonce = request.cookies.get(PRESESSION_COOKIE)
        if not csrf_valid(page.key, nonce, "signin", form.get("csrf")):
            title, message = page.t("forbidden_title"), page.t("csrf_refused")
            return page.render("message.html", status=403, title=title, message=message)
        token = form.get("token", "").strip()
        session, cookie = start_session(page.key, hash_token(token))
        user = None
        if 0 < len(token) <= MAX_TOKEN_CHARS:
            with page.db.read_one() as conn:
                user = session_user(conn, session)
        if user is None:
            return _sign_in_page(request, page.t("signin_bad_token"), status=401)
        if user.role is Role.AGENT and not _owner(page, user):
            page.user = user
            title, message = page.t("agents_not_here_title"), page.t("agents_not_here")
            return page.render("message.html", status=403, title=title, message=message)
        request.state.user = user.name  # for the access log
        response = redirect(safe_next(form.get("next")))
        response.set_cookie(
            SESSION_COOKIE,
            cookie,
            max_age=SESSION_SECONDS,
            path=COOKIE_PATH,
            httponly=True,
            samesite="lax",
            secure=_secure(request),
        )
        response.delete_cookie(PRESESSION_COOKIE, path=COOKIE_PATH)
        return response

    @router.post("/signout")
    def sign_out(request: Request, form: Form) -> Response:
        """End the session (the token itself stays valid for the sidebar)."""
        page = signed_in_page(request)
        page.check_csrf(form, "signout")
        response = redirect("/console/signin?out=1")
        response.delete_cookie(SESSION_COOKIE, path=COOKIE_PATH)
        return response


def _asset_routes(router: APIRouter) -> None:
    @router.get("/static/console.css")
    def css() -> Response:
        """The console's only style sheet."""
        body, _digest = style_sheet()
        headers = {"Cache-Control": "public, max-age=86400", "X-Content-Type-Options": "nosniff"}
        return Response(body, media_type="text/css", headers=headers)

    @router.get("/static/editor.js")
    def editor_script() -> Response:
        """The editor's live preview (the console's only script)."""
        body, _digest = asset("editor.js")
        headers = {"Cache-Control": "public, max-age=86400", "X-Content-Type-Options": "nosniff"}
        return Response(body, media_type="text/javascript", headers=headers)

    @router.get("/{rest:path}")
    def missing(request: Request, rest: str) -> Response:
        """Any other console address: an HTML 404."""
        del request, rest
        raise NotFoundError("page_missing", key="page_missing")


def install_session_routes(router: APIRouter) -> None:
    """Add the home redirect, sign-in and sign-out."""
    _session_routes(router)


def install_asset_routes(router: APIRouter) -> None:
    """Add the style sheet and the catch-all 404 (install these last)."""
    _asset_routes(router)
