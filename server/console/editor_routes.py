"""Knowledge editors' pages: the gap queue and its decisions, and article analytics.

Article analytics are also open to managers, scoped to their own team's events (and
without the texts agents typed); editors see every agent.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from deskmate.server.auth import Permission, User
from deskmate.server.console import charts
from deskmate.server.console.analytics import article_report, items_for_picking
from deskmate.server.console.i18n import known_keys
from deskmate.server.console.page_context import Page, read_form, redirect, signed_in_page
from deskmate.server.database import Database
from deskmate.server.errors import BadRequestError, NotFoundError
from deskmate.server.learning.assignments import team_members
from deskmate.server.learning.gap_decisions import decide
from deskmate.server.learning.gap_details import OWNER_FILTERS, owned_by
from deskmate.server.learning.gap_queue import ACTIONS, STATUSES, list_topics
from deskmate.server.request_limits import parse_id
from deskmate.server.workbench.similar import topic_items
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

Form = Annotated[dict[str, str], Depends(read_form)]
QUEUE_FILTERS = ("open", "accepted", "resolved", "dismissed", "all")
#: Topics (largest first) whose look-alike articles are looked up per page view: by
#: meaning (one encoder call and one scan for all), and by wording for the first texts
#: (a database query each).
LOOKALIKE_TOPICS = 50
LOOKALIKE_WORDING = 10
ARTICLE_DAYS = (30, 90, 365)


def _status(asked: str | None) -> str:
    return asked if asked in QUEUE_FILTERS else "open"


def _owner(asked: str | None) -> str:
    return " ".join((asked or "").split())[:128] or "all"


def _queue_page(
    page: Page, status: str, owner: str, error: str = "", http_status: int = 200
) -> Response:
    if page.user is None:  # signed_in_page sets it or raises
        raise NotFoundError("no user")
    every = list_topics(page.db, page.user, status)
    mine = tuple(n for n in (page.user.name, page.user.team) if n)
    topics = [t for t in every if owned_by(t, owner, mine)]
    add_lookalikes(page.db, topics, page.user)
    decided = page.request.query_params.get("decided", "")
    to = page.request.query_params.get("to", "")
    return page.render(
        "gaps.html",
        status=http_status,
        filters=QUEUE_FILTERS,
        current=status,
        owner=owner,
        keys=known_keys(),
        owners=sorted({t["owner"] for t in every if t["owner"]} | ({owner} - {*OWNER_FILTERS})),
        topics=topics,
        items=items_for_picking(page.db),
        error=error,
        decided=decided if decided.isdigit() and to in STATUSES else "",
        decided_to=to,
    )


def add_lookalikes(db: Database, topics: list[dict[str, Any]], user: User) -> None:
    """Give open and accepted topics, and their proposals of new items, ``lookalikes``.

    The existing articles that read like the topic's words (or the proposal's title and
    answer), so the editor can resolve with one instead of writing a duplicate. One
    encoder call for the page (the encoder remembers texts it has seen).
    """
    wanted: list[tuple[dict[str, Any], str]] = []
    for topic in topics:
        topic["lookalikes"] = []
        for proposal in topic["proposals"]:
            proposal["lookalikes"] = []
    for topic in [t for t in topics if t["status"] in ("open", "accepted")][:LOOKALIKE_TOPICS]:
        words = topic["label"] or next((e for e in topic["examples"] if e), "")
        wanted.append((topic, str(words)))
        wanted += [
            (p, f"{p['title']}\n{p['answer']}") for p in topic["proposals"] if not p.get("item_id")
        ]
    found = topic_items(db, [text for _, text in wanted], user, wording_for=LOOKALIKE_WORDING)
    for (holder, _text), items in zip(wanted, found, strict=True):
        holder["lookalikes"] = items


def _into(form: dict[str, str]) -> int | None:
    text = form.get("into", "").strip().lstrip("#")
    if not text:
        return None
    number = parse_id(text)
    if number is None:
        raise BadRequestError(f"'{text}' is not a topic number")
    return number


def _decide(db: Database, editor: User, topic_id: str, form: dict[str, str]) -> dict[str, Any]:
    number = parse_id(topic_id)
    if number is None:
        raise NotFoundError(f"there is no gap topic {topic_id}")
    action = form.get("action", "")
    if action not in ACTIONS:
        raise BadRequestError(f"'{action}' is not an action")
    into = _into(form) if action == "merge" else None
    item_id = (form.get("item_id", "").strip() or None) if action == "resolve" else None
    reason = form.get("reason", "") if action == "dismiss" else ""
    return decide(db, editor, number, action, into=into, item_id=item_id, reason=reason)


def _gap_routes(router: APIRouter) -> None:
    @router.get("/gaps")
    def gaps(request: Request) -> Response:
        """The knowledge-gap queue, filtered by status."""
        page = signed_in_page(request, Permission.WORK_GAP_QUEUE)
        params = request.query_params
        return _queue_page(page, _status(params.get("status")), _owner(params.get("owner")))

    @router.post("/gaps/{topic_id}")
    def gap_decision(request: Request, topic_id: str, form: Form) -> Response:
        """Accept, dismiss, reopen, merge or resolve a topic; errors shown on the queue."""
        page = signed_in_page(request, Permission.WORK_GAP_QUEUE)
        page.check_csrf(form, "gap")
        if page.user is None:  # signed_in_page sets it or raises
            raise NotFoundError("no user")
        status, owner = _status(form.get("status")), _owner(form.get("owner"))
        try:
            topic = _decide(page.db, page.user, topic_id, form)
        except (BadRequestError, NotFoundError) as exc:
            reason = page.t("decide_failed", reason=exc.message)
            return _queue_page(page, status, owner, reason, http_status=exc.status)
        query = urlencode(
            {"status": status, "owner": owner, "decided": topic["id"], "to": topic["status"]}
        )
        return redirect(f"/console/gaps?{query}#topic-{topic['id']}")


def _article_routes(router: APIRouter) -> None:
    @router.get("/articles")
    def articles(request: Request) -> Response:
        """Most consulted, most flagged, voted unhelpful, never consulted, no-result trend."""
        page = signed_in_page(request, Permission.WORK_GAP_QUEUE, Permission.MANAGE_TEAM)
        user = page.user
        if user is None:  # signed_in_page sets it or raises
            raise NotFoundError("no user")
        editor = user.can(Permission.WORK_GAP_QUEUE)
        scope = None
        if not editor:  # a manager: their own team's events only
            with page.db.read_one() as conn:
                scope = team_members(conn, user.team)
        asked = request.query_params.get("days", "")
        known = asked.isascii() and asked.isdigit() and int(asked) in ARTICLE_DAYS
        days = int(asked) if known else 90
        report = article_report(page.db, scope, days, with_queries=editor, team=user.team)
        chart = charts.bar_chart(
            [float(count) for _week, count in report.zero_weeks],
            [week[5:] for week, _count in report.zero_weeks],
            page.t("zero_results"),
        )
        return page.render(
            "articles.html",
            report=report,
            chart=chart,
            choices=ARTICLE_DAYS,
            editor=editor,
            team=user.team or "",
        )


def install_editor_routes(router: APIRouter) -> None:
    """Add the editors' pages to the console router."""
    _gap_routes(router)
    _article_routes(router)
