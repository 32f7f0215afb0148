"""What every console page needs: who is signed in, the language, forms, rendering, errors.

Console routes use :class:`ConsoleRoute`, which turns the server's errors into HTML
pages (the API answers problem+json; a browser should not see that) and a missing or
ended session into a redirect to the sign-in page.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

from deskmate.server.auth import Permission, Role, User
from deskmate.server.console.i18n import LANG_COOKIE, Translator, request_language
from deskmate.server.console.origin_check import is_cross_site
from deskmate.server.console.session import (
    COOKIE_PATH,
    SESSION_COOKIE,
    Session,
    csrf_token,
    csrf_valid,
    read_session_cookie,
    session_user,
)
from deskmate.server.database import Database
from deskmate.server.errors import (
    BadRequestError,
    ForbiddenError,
    NotFoundError,
    PayloadTooLargeError,
    ServerError,
    UnauthorizedError,
)
from deskmate.server.learning.reasons import LANGUAGES
from deskmate.server.request_context import request_db
from deskmate.server.request_limits import check_text_parameters
from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from jinja2 import Environment, PackageLoader, StrictUndefined

log = logging.getLogger(__name__)

MAX_FORM_BYTES = 64 * 1024
# URL-encoded Chinese takes 9 bytes a character: 1,000,000 characters and the rest.
MAX_ITEM_FORM_BYTES = 10 * 1024 * 1024
# No script runs on console pages; styles and images come from the console itself.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",  # the pages show people's data
}
# The item editor alone runs one script, the console's own file (the live preview): no
# inline script, no eval, requests only back to the console.
EDITOR_CSP = SECURITY_HEADERS["Content-Security-Policy"].replace(
    "default-src 'none';", "default-src 'none'; script-src 'self'; connect-src 'self';"
)

TEMPLATES = Environment(
    loader=PackageLoader("deskmate.server.console", "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


@cache
def style_sheet() -> tuple[bytes, str]:
    """The console's CSS and a short digest of it (to bust browser caches on upgrade)."""
    return asset("console.css")


@cache
def asset(name: str) -> tuple[bytes, str]:
    """One of the console's own files and a short digest of it (to bust browser caches)."""
    body = resources.files("deskmate.server.console").joinpath(name).read_bytes()
    return body, hashlib.sha256(body).hexdigest()[:10]


class SignInRequiredError(UnauthorizedError):
    """No session, or it ended (expired, token revoked): go to the sign-in page."""

    code = "console.sign_in_required"


class ConsoleRefusedError(ForbiddenError):
    """The signed-in user may not use this page; ``key`` names the translated reason."""

    code = "console.refused"

    def __init__(self, key: str) -> None:
        super().__init__(f"console refusal: {key}", key=key)


class CsrfRefusedError(ConsoleRefusedError):
    """A console form arrived without the CSRF token of the session."""

    code = "console.csrf"

    def __init__(self) -> None:
        super().__init__("csrf_refused")


@dataclass
class Page:
    """One console request: the database, the language and the signed-in user, if any."""

    request: Request
    db: Database
    key: bytes
    t: Translator
    session: Session | None = None
    user: User | None = None

    @property
    def bound_to(self) -> str | None:
        """What this page's CSRF tokens are bound to (the session id)."""
        return self.session.id if self.session else None

    def csrf(self, purpose: str) -> str:
        """The CSRF token for a form of this purpose."""
        return csrf_token(self.key, self.bound_to or "", purpose)

    def csrf_for(self, bound_to: str, purpose: str) -> str:
        """The CSRF token for a form bound to something else than the session (sign-in)."""
        return csrf_token(self.key, bound_to, purpose)

    def check_csrf(self, form: Mapping[str, str], purpose: str) -> None:
        """Refuse the form unless it carries this session's token for ``purpose``.

        Raises:
            CsrfRefusedError: it does not.
        """
        if not csrf_valid(self.key, self.bound_to, purpose, form.get("csrf")):
            raise CsrfRefusedError

    def language_url(self, language: str) -> str:
        """This page's address in another language."""
        query = {k: v for k, v in self.request.query_params.items() if k != "lang"}
        return "?" + urlencode({**query, "lang": language})

    def render(
        self, template: str, status: int = 200, *, scripts: bool = False, **context: Any
    ) -> HTMLResponse:
        """A template as an HTML response, with the frame's context and security headers.

        ``scripts``: the page loads the console's own script (the editor): its CSP allows
        scripts and requests from the console's origin, nothing else.
        """
        html = TEMPLATES.get_template(template).render(
            t=self.t,
            lang=self.t.language,
            user=self.user,
            csrf=self.csrf,
            path=self.request.url.path,
            lang_url=self.language_url,
            css_version=style_sheet()[1],
            **context,
        )
        headers = SECURITY_HEADERS
        if scripts:
            headers = {**SECURITY_HEADERS, "Content-Security-Policy": EDITOR_CSP}
        response = HTMLResponse(html, status_code=status, headers=headers)
        remember_language(self.request, response)
        return response


def remember_language(request: Request, response: Response) -> None:
    """Keep a language asked for with ``?lang=`` in a cookie for the next pages."""
    asked = request.query_params.get("lang")
    if asked in LANGUAGES and request.cookies.get(LANG_COOKIE) != asked:
        response.set_cookie(
            LANG_COOKIE, str(asked), max_age=365 * 86400, path=COOKIE_PATH, samesite="lax"
        )


def anonymous_page(request: Request) -> Page:
    """A page for whoever asks (sign-in, errors)."""
    key: bytes = request.app.state.console_key  # from the server secret, not the database
    return Page(request, request_db(request), key, Translator(request_language(request)))


def signed_in_page(request: Request, *allowed: Permission) -> Page:
    """A page for a signed-in manager or editor whose role grants one of ``allowed``.

    Raises:
        SignInRequiredError: no live session.
        ConsoleRefusedError: the user is an agent, or lacks every permission in ``allowed``.
    """
    page = session_page(request)
    user = page.user
    if user is None:  # session_page sets it or raises
        raise SignInRequiredError("sign in to use the console")
    if user.role is Role.AGENT:
        raise ConsoleRefusedError("agents_not_here")
    if allowed and not any(user.can(p) for p in allowed):
        editors = Permission.WORK_GAP_QUEUE in allowed
        managers = Permission.MANAGE_TEAM in allowed
        key = "editors_managers_only" if editors and managers else "editors_only"
        raise ConsoleRefusedError("managers_only" if managers and not editors else key)
    return page


def session_page(request: Request) -> Page:
    """A page for any signed-in user; the caller checks what their role may see.

    (Agents have a session only as owners allowed by ``owners-publish``: docs/console.md.)

    Raises:
        SignInRequiredError: no live session.
    """
    page = anonymous_page(request)
    session = read_session_cookie(page.key, request.cookies.get(SESSION_COOKIE))
    if session is None:
        raise SignInRequiredError("sign in to use the console")
    with page.db.read_one() as conn:
        user = session_user(conn, session)
    if user is None:
        raise SignInRequiredError("the session's token was revoked")
    request.state.user = user.name  # for the access log
    page.session, page.user = session, user
    return page


async def read_form(request: Request) -> dict[str, str]:
    """The fields of a URL-encoded form body (the last value of a repeated field).

    Raises:
        PayloadTooLargeError: the body is over 64 KiB.
        BadRequestError: the body is not a URL-encoded UTF-8 form of at most 200 fields,
            or holds a NUL character.
    """
    return await _read_form(request, MAX_FORM_BYTES)


async def read_large_form(request: Request) -> dict[str, str]:
    """:func:`read_form` for the item editor: articles up to the schema's 1,000,000 characters.

    Raises:
        PayloadTooLargeError: the body is over MAX_ITEM_FORM_BYTES.
        BadRequestError: the body is not a URL-encoded form.
    """
    return await _read_form(request, MAX_ITEM_FORM_BYTES)


async def _read_form(request: Request, limit: int) -> dict[str, str]:
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/x-www-form-urlencoded":
        raise BadRequestError("the console accepts HTML form posts only")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            raise PayloadTooLargeError(
                f"the form is over {limit // 1024:,} KiB"
                + (
                    "; an article may have at most 1,000,000 characters"
                    if limit > MAX_FORM_BYTES
                    else ""
                )
            )
    body = b"".join(chunks)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequestError("the form is not UTF-8") from None
    try:
        fields = dict(parse_qsl(text, keep_blank_values=True, max_num_fields=200))
    except ValueError:  # over 200 fields
        raise BadRequestError("the form has too many fields") from None
    if any("\x00" in name or "\x00" in value for name, value in fields.items()):
        raise BadRequestError("the form holds a NUL character")  # PostgreSQL cannot store it
    return fields


def safe_next(target: str | None) -> str:
    """``target`` if it is a console path of this site, else the console's home."""
    if target and target.startswith("/console/") and "//" not in target and "\\" not in target:
        return target
    return "/console/"


def redirect(url: str) -> RedirectResponse:
    """A 303 redirect (after a form post, the browser GETs the next page)."""
    return RedirectResponse(url, status_code=303, headers={"Cache-Control": "no-store"})


def error_page(request: Request, exc: ServerError) -> Response:
    """An HTML page for an error of a console request."""
    page = anonymous_page(request)
    key = exc.fields.get("key")
    message = page.t(key) if isinstance(key, str) else exc.message
    if isinstance(exc, ForbiddenError):
        title = "agents_not_here_title" if key == "agents_not_here" else "forbidden_title"
    else:
        title = "not_found_title" if isinstance(exc, NotFoundError) else "error_title"
    return page.render("message.html", status=exc.status, title=page.t(title), message=message)


def _to_sign_in(request: Request) -> Response:
    target = request.url.path
    if request.url.query:
        target += "?" + request.url.query
    where = "/console/signin"
    if request.method == "GET" and target != "/console/":
        where += "?next=" + quote(safe_next(target), safe="/")
    if request.cookies.get(SESSION_COOKIE):  # it ended: say so, and drop it
        where += ("&" if "?" in where else "?") + "ended=1"
    response = redirect(where)
    response.delete_cookie(SESSION_COOKIE, path=COOKIE_PATH)
    return response


class ConsoleRoute(APIRoute):
    """A route whose errors become HTML pages (and ended sessions a sign-in redirect).

    Form posts sent by another site's page are refused with 403 before anything else
    (origin_check.py); the CSRF token is checked as well, by each form's route.
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """The route's handler, wrapped."""
        handler = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            try:
                if is_cross_site(request):  # before the form is read or the session used
                    raise ConsoleRefusedError("cross_site_refused")
                check_text_parameters(request)
                return await handler(request)
            except SignInRequiredError:
                return _to_sign_in(request)
            except ServerError as exc:
                if exc.status >= 500:
                    log.exception("console request failed: %s", exc.message)
                return error_page(request, exc)

        return guarded
