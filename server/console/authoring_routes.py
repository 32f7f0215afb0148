"""Editors' authoring pages: the item list, the editor, history and diff, due for review.

Every button is a plain form post with the session's CSRF token (purpose ``item``); the
server validates with the item schema and shows each problem beside its field, keeping
what was typed. Saving is based on the version the form was opened at (``base``): a save
after someone else's shows the conflict and a diff, and keeps the text.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote, urlencode

from deskmate.server.auth import Permission, Role, User, utc_now
from deskmate.server.console.authoring_views import (
    KINDS,
    default_days,
    form_from_record,
    latest_record,
    list_items,
    owner_is_gone,
    preview,
    record_from_form,
)
from deskmate.server.console.i18n import known_keys
from deskmate.server.console.page_context import (
    ConsoleRefusedError,
    Page,
    asset,
    read_large_form,
    redirect,
    session_page,
    signed_in_page,
)
from deskmate.server.errors import (
    ConflictError,
    InvalidItemError,
    NotFoundError,
    PreconditionFailedError,
)
from deskmate.server.tables import ItemStateRow
from deskmate.server.workbench import lifecycle
from deskmate.server.workbench.audit import Actor, item_audit
from deskmate.server.workbench.authorship import may_change, owns_items
from deskmate.server.workbench.freshness import due_for_review, set_interval, verify
from deskmate.server.workbench.history import list_versions, side_by_side, version_records
from deskmate.server.workbench.lifecycle_state import STATUSES
from deskmate.server.workbench.server_settings import MAX_VERIFY_DAYS, interval_days
from deskmate.server.workbench.similar import similar_items
from deskmate.server.workbench.sources import draft_from_source, parse_source, resolve_source
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy import select

Form = Annotated[dict[str, str], Depends(read_large_form)]
ACTIONS = ("save", "submit", "publish", "archive", "preview", "verify")
DUE_SCOPES = ("mine", "group", "all")
#: Versions on one page of an item's history (older ones: ?before=).
HISTORY_PAGE = 100
#: ?done= after an action → the message shown (key ``item_<done>``).
DONE_MESSAGES = ("saved", "submitted", "published", "archived", "verified", "restored")


def _author_page(request: Request, item_id: str | None) -> Page:
    """A page for an editor, or for the owner of ``item_id`` allowed by ``owners-publish``.

    Raises:
        SignInRequiredError: no live session.
        ConsoleRefusedError: neither (an agent is told the console is not for them).
    """
    page = session_page(request)
    user = _user(page)
    if user.can(Permission.AUTHOR_CONTENT):
        return page
    if item_id:
        with page.db.read_one() as conn:
            owner = conn.execute(
                select(ItemStateRow.owner).where(ItemStateRow.item_id == item_id)
            ).scalar()
            if may_change(conn, user, owner):
                return page
    raise ConsoleRefusedError("agents_not_here" if user.role is Role.AGENT else "editors_only")


def _user(page: Page) -> User:
    if page.user is None:  # signed_in_page sets it or raises
        raise NotFoundError("no user")
    return page.user


def _actor(page: Page) -> Actor:
    client = page.request.client
    return Actor(_user(page), client.host if client else None)


def _editor_page(
    page: Page,
    form: dict[str, str],
    *,
    state: Any = None,
    errors: dict[str, str] | None = None,
    message: str = "",
    conflict: Any = None,
    similar: list[dict[str, Any]] | None = None,
    shown: Any = None,
    status: int = 200,
) -> Response:
    owner = state.owner if state is not None else None
    return page.render(
        "item_edit.html",
        status=status,
        scripts=True,
        editor_js=asset("editor.js")[1],
        owner_gone=owner_is_gone(page.db, owner),
        editor=_user(page).can(Permission.AUTHOR_CONTENT),
        default_days=default_days(page.db, form),
        now=utc_now(),
        form=form,
        state=state,
        kinds=KINDS,
        errors=errors or {},
        message=message,
        conflict=conflict,
        similar=similar or [],
        shown=shown or preview(form),
        source=parse_source(form.get("source")),
    )


def _list_routes(router: APIRouter) -> None:
    @router.get("/items")
    def items(request: Request) -> Response:
        """Every item, by id: search, kind and status filters, 50 a page."""
        page = signed_in_page(request, Permission.AUTHOR_CONTENT)
        p = request.query_params
        query = " ".join(p.get("q", "").split())[:200]
        kind, status, after = p.get("kind", ""), p.get("status", ""), p.get("after", "")[:128]
        found = list_items(page.db, query, kind, status, after, utc_now())
        base = {"q": query, "kind": kind, "status": status}
        more = "?" + urlencode({**base, "after": found.next_after}) if found.next_after else ""
        return page.render(
            "items.html", found=found, q=query, kind=kind, status_filter=status,
            kinds=KINDS, statuses=STATUSES, more=more,
        )  # fmt: skip

    @router.get("/due")
    def due(request: Request) -> Response:
        """Published items due for verification within a week, or overdue."""
        page = session_page(request)
        user = _user(page)
        if not user.can(Permission.AUTHOR_CONTENT):
            with page.db.read_one() as conn:
                if not owns_items(conn, user):
                    raise ConsoleRefusedError(
                        "agents_not_here" if user.role is Role.AGENT else "editors_only"
                    )
        scope = request.query_params.get("scope", "mine")
        scope = scope if scope in DUE_SCOPES else "mine"
        if not user.can(Permission.AUTHOR_CONTENT):
            scope = "mine"  # an owner: their own items only
        rows = due_for_review(page.db, _user(page), scope)
        editor = user.can(Permission.AUTHOR_CONTENT)
        return page.render("due.html", rows=rows, scope=scope, now=utc_now(), editor=editor)


def _editor_routes(router: APIRouter) -> None:
    @router.get("/items/new")
    def new_item(request: Request) -> Response:
        """An empty editor, or one pre-filled from a gap topic or a proposal (?from=)."""
        page = signed_in_page(request, Permission.AUTHOR_CONTENT)
        source = request.query_params.get("from", "")
        record: dict[str, Any] = {"kind": request.query_params.get("kind", "faq")}
        if source:
            record = draft_from_source(page.db, source)
        form = form_from_record(record)
        form.update(source=source if parse_source(source) else "", base="", new="1")
        return _editor_page(page, form)

    @router.get("/items/{item_id}/edit")
    def edit_item(request: Request, item_id: str) -> Response:
        """The editor on the item's latest version."""
        page = _author_page(request, item_id)
        found = latest_record(page.db, item_id)
        if found is None:
            raise NotFoundError(f"there is no item '{item_id}'")
        record, state = found
        form = form_from_record(record)
        form.update(base=str(state.latest_no), new="", source=state.source or "")
        form["verify_days"] = str(state.verify_days or "")
        done = request.query_params.get("done", "")
        message = page.t("item_" + done) if done in DONE_MESSAGES else ""
        return _editor_page(page, form, state=state, message=message)

    @router.post("/items/save")
    def save_item(request: Request, form: Form) -> Response:
        """Save a draft, submit, publish, archive, verify or preview (the button pressed)."""
        page = _author_page(request, None if form.get("new") else form.get("id", "").strip())
        page.check_csrf(form, "item")
        action = form.get("action", "save")
        if action not in ACTIONS:
            action = "save"
        if action == "preview":
            return _editor_page(page, form, state=_state_of(page, form), shown=preview(form))
        return _act_or_explain(page, form, action)


def _preview_route(router: APIRouter) -> None:
    @router.post("/items/preview")
    def live_preview(request: Request, form: Form) -> Response:
        """The preview alone (an HTML fragment), for the editor's script as the body is typed.

        The same checks as saving: a session allowed to edit the item and the form's CSRF
        token. An ended session is sent to sign in like any page (the script sees the
        redirect and says so; the text stays in the editor).
        """
        page = _author_page(request, None if form.get("new") else form.get("id", "").strip())
        page.check_csrf(form, "item")
        return page.render("item_preview.html", form=form, shown=preview(form))


def _state_of(page: Page, form: dict[str, str]) -> Any:
    """The stored state of the form's item (None for a new one)."""
    found = None if form.get("new") else latest_record(page.db, form.get("id", "").strip())
    return found[1] if found else None


def _act_or_explain(page: Page, form: dict[str, str], action: str) -> Response:
    """Do the action; show a refusal on the editor, beside the fields, with the text kept."""
    try:
        return _act(page, form, action)
    except InvalidItemError as exc:
        errors = exc.fields.get("errors") or {"record": exc.message}
        return _editor_page(page, form, state=_state_of(page, form), errors=errors, status=422)
    except PreconditionFailedError as exc:
        theirs = exc.fields.get("current") or {}
        diff = side_by_side(theirs, record_from_form(form))
        version = exc.fields.get("current_version")
        conflict = {"message": exc.message, "diff": diff, "version": version}
        return _editor_page(page, form, conflict=conflict, status=412)
    except ConflictError as exc:
        return _editor_page(page, form, message=exc.message, status=409)


def _changed(page: Page, form: dict[str, str]) -> bool:
    """Whether the form differs from the latest version (a new item always does)."""
    if form.get("new"):
        return True
    found = latest_record(page.db, form.get("id", "").strip())
    if found is None:
        return True
    same = record_from_form(form_from_record(found[0])) == record_from_form(form)
    return not same or str(found[1].latest_no) != form.get("base")


def _interval(form: dict[str, str]) -> int | None:
    """The form's own verification interval (None: empty, the tags' or kind's).

    Raises:
        InvalidItemError: not a number of days from 1 to MAX_VERIFY_DAYS.
    """
    text = form.get("verify_days", "").strip()
    if not text:
        return None
    days = interval_days(text)
    if days is None:
        message = f"the interval is 1 to {MAX_VERIFY_DAYS} days, not '{text[:20]}'"
        raise InvalidItemError(message, errors={"verify_days": message})
    return days


def _act(page: Page, form: dict[str, str], action: str) -> Response:
    actor, db = _actor(page), page.db
    item_id = form.get("id", "").strip()
    note = form.get("note", "")[:2000]
    days = _interval(form) if action in ("save", "submit", "publish") else None
    if action in ("save", "submit", "publish") and _changed(page, form):
        record = record_from_form(form)
        if form.get("new"):
            saved = lifecycle.create(db, actor, record, note, form.get("source") or None)
        else:
            base = int(form.get("base", "0") or 0)
            saved = lifecycle.edit(db, actor, item_id, record, base, note)
        item_id = saved.item_id
        set_interval(db, actor, item_id, days)
        similar = similar_items(db, record, item_id, actor.user)
        if similar and action == "save":
            found = latest_record(db, item_id)
            fresh = form_from_record(record) | {"base": str(saved.version), "new": ""}
            fresh["source"] = form.get("source", "")
            fresh["verify_days"] = form.get("verify_days", "")
            return _editor_page(
                page, fresh, state=found[1] if found else None, similar=similar,
                message=page.t("item_saved"),
            )  # fmt: skip
    elif action in ("save", "submit", "publish"):
        set_interval(db, actor, item_id, days)  # the content is unchanged; the interval may not be
    if action == "submit":
        lifecycle.submit(db, actor, item_id)
    elif action == "publish":
        saved = lifecycle.publish(db, actor, item_id, note=note)
        resolve_source(db, actor.user, item_id, saved.source)
    elif action == "archive":
        lifecycle.archive(db, actor, item_id, note)
    elif action == "verify":
        verify(db, actor, item_id)
    done = {"save": "saved", "submit": "submitted", "publish": "published"}.get(
        action, action + "d"
    )
    return redirect(f"/console/items/{quote(item_id, safe='')}/edit?done={done}")


def _history_routes(router: APIRouter) -> None:
    @router.get("/items/{item_id}/versions")
    def versions(request: Request, item_id: str) -> Response:
        """The history (newest HISTORY_PAGE versions, ?before= for older), a diff (?a=&b=)."""
        page = _author_page(request, item_id)
        p = request.query_params
        before = int(p["before"]) if p.get("before", "").isdigit() else None
        rows = list_versions(page.db, item_id, HISTORY_PAGE, before=before, with_records=False)
        if not rows:
            raise NotFoundError(f"there is no item '{item_id}'")
        b = int(p["b"]) if p.get("b", "").isdigit() else rows[0]["version"]
        default_a = rows[1]["version"] if len(rows) > 1 else b
        a = int(p["a"]) if p.get("a", "").isdigit() else default_a
        records = version_records(page.db, item_id, (a, b))
        diff = side_by_side(records[a], records[b]) if a in records and b in records else None
        found = latest_record(page.db, item_id)
        older = (
            rows[-1]["version"] if len(rows) == HISTORY_PAGE and rows[-1]["version"] > 1 else None
        )
        with page.db.read() as conn:
            trail = item_audit(conn, item_id)
        return page.render(
            "versions.html", item_id=item_id, rows=rows, a=a, b=b, diff=diff,
            latest=found[1].latest_no if found else rows[0]["version"], audit=trail,
            title=(found[0].get("title") or found[0].get("name") or item_id) if found else item_id,
            older=older, audit_keys=known_keys(),
        )  # fmt: skip

    @router.post("/items/{item_id}/restore")
    def restore(request: Request, item_id: str, form: Form) -> Response:
        """An old version's content as a new draft."""
        page = _author_page(request, item_id)
        page.check_csrf(form, "item")
        old, base = form.get("version", ""), form.get("base", "")
        if not (old.isdigit() and base.isdigit()):
            raise NotFoundError("no such version")
        lifecycle.restore(page.db, _actor(page), item_id, int(old), int(base))
        return redirect(f"/console/items/{quote(item_id, safe='')}/edit?done=restored")


def install_authoring_routes(router: APIRouter) -> None:
    """Add the authoring pages to the console router."""
    _list_routes(router)
    _editor_routes(router)
    _preview_route(router)
    _history_routes(router)
