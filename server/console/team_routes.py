"""Managers' pages: the team skill matrix, an agent's profile, assigning learning, trends.

A manager sees and changes their own team only: every page starts from
:func:`team_members` of the manager's team, and an agent page for anyone else is 404
(:func:`team_agent`, the API's rule), so another team's agents are not even confirmed
to exist.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import quote

from deskmate.server.auth import Permission, User
from deskmate.server.console import charts
from deskmate.server.console.analytics import items_for_picking, period_start
from deskmate.server.console.help_seeking import agent_history, days_between, team_trends
from deskmate.server.console.page_context import Page, read_form, redirect, signed_in_page
from deskmate.server.console.people_help import CHANNELS, people_help
from deskmate.server.console.team_views import agent_profile, skill_choices, team_matrix
from deskmate.server.errors import BadRequestError, NotFoundError
from deskmate.server.learning.assessments import rate_skill, team_agent
from deskmate.server.learning.assignments import (
    AssignmentRequest,
    create_assignments,
    team_members,
)
from deskmate.server.learning.profiles import wording
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from markupsafe import Markup

Form = Annotated[dict[str, str], Depends(read_form)]
TREND_DAYS = (30, 90)
HISTORY_DAYS = 30
ASSIGN_FIELDS = (
    "target",
    "agent",
    "title",
    "item_id",
    "skill",
    "url",
    "note",
    "due_on",
    "window_start",
    "window_end",
)


def _manager_page(request: Request) -> tuple[Page, User, list[str]]:
    page = signed_in_page(request, Permission.MANAGE_TEAM)
    if page.user is None:  # signed_in_page sets it or raises
        raise NotFoundError("no user")
    with page.db.read_one() as conn:
        members = team_members(conn, page.user.team)
    return page, page.user, members


def _no_team(page: Page) -> Response:
    return page.render("message.html", title=page.t("nav_team"), message=page.t("no_team"))


def _opens_chart(page: Page, opens_by_day: dict[str, int]) -> Markup:
    labels = days_between(period_start(HISTORY_DAYS), date.today())
    return charts.bar_chart(
        [float(opens_by_day.get(d, 0)) for d in labels],
        [d[5:] for d in labels],
        page.t("history_chart"),
        height=200,
    )


def _profile_routes(router: APIRouter) -> None:
    @router.get("/team")
    def team(request: Request) -> Response:
        """The skill matrix of the manager's team."""
        page, manager, members = _manager_page(request)
        if manager.team is None:
            return _no_team(page)
        matrix = team_matrix(page.db, members, page.t.language)
        return page.render("team.html", team=manager.team, matrix=matrix)

    @router.get("/agents/{name}")
    def agent(request: Request, name: str) -> Response:
        """One agent of the manager's team: skills, reasons, ratings, assignments, history."""
        page, manager, _members = _manager_page(request)
        with page.db.read_one() as conn:
            team_agent(conn, manager, name)
        history = agent_history(page.db, name, HISTORY_DAYS)
        shown = agent_profile(page.db, name, page.t.language)
        return page.render(
            "agent.html",
            shown=shown,
            sparks={
                s["code"]: charts.level_sparkline(
                    [p["level"] for p in s["trend"]], page.t("trend_chart", skill=s["name"])
                )
                for s in shown.profile["skills"]
                if s["trend"]
            },
            history=history,
            chart=_opens_chart(page, {h.day: h.counts.opens for h in history}),
            rated=request.query_params.get("rated") == "1",
        )

    @router.post("/agents/{name}/ratings")
    def rate(request: Request, name: str, form: Form) -> Response:
        """Rate one skill of an agent of the manager's team (1-5, with a comment)."""
        page, manager, _members = _manager_page(request)
        page.check_csrf(form, "rate")
        rating = form.get("rating", "")
        if not (rating.isascii() and rating.isdigit() and len(rating) < 4):
            raise BadRequestError("choose a rating from 1 to 5")
        rate_skill(page.db, manager, name, form.get("skill"), int(rating), form.get("comment", ""))
        return redirect(f"/console/agents/{quote(name)}?rated=1#skills")


def _assign_page(
    page: Page, members: list[str], values: dict[str, str], error: str = "", status: int = 200
) -> Response:
    return page.render(
        "assign.html",
        status=status,
        members=members,
        skills=skill_choices(wording(page.db, page.t.language)),
        items=items_for_picking(
            page.db, team=page.user.team if page.user else None, sees_all=False
        ),
        values=values,
        error=error,
        assigned=page.request.query_params.get("assigned", ""),
    )


def _assignment(form: dict[str, str], members: list[str]) -> AssignmentRequest:
    whole_team = form.get("target") == "team"
    agent = form.get("agent", "").strip()
    return AssignmentRequest(
        agents=() if whole_team or not agent else (agent,),
        whole_team=whole_team,
        title=form.get("title", ""),
        due_on=form.get("due_on", "").strip(),
        skill=form.get("skill") or None,
        item_id=form.get("item_id", "").strip() or None,
        url=form.get("url", "").strip() or None,
        note=form.get("note", ""),
        window_start=form.get("window_start", "").strip() or None,
        window_end=form.get("window_end", "").strip() or None,
    )


def _assign_routes(router: APIRouter) -> None:
    @router.get("/assign")
    def assign_form(request: Request) -> Response:
        """The form to assign learning to an agent or the whole team."""
        page, manager, members = _manager_page(request)
        if manager.team is None:
            return _no_team(page)
        agent = request.query_params.get("agent", "")
        values = {"target": "agent" if agent in members else "team", "agent": agent}
        return _assign_page(page, members, values)

    @router.post("/assign")
    def assign(request: Request, form: Form) -> Response:
        """Create the assignments (each agent gets a notice); errors are shown in the form."""
        page, manager, members = _manager_page(request)
        page.check_csrf(form, "assign")
        try:
            ids = create_assignments(page.db, manager, _assignment(form, members))
        except BadRequestError as exc:
            values = {k: form.get(k, "") for k in ASSIGN_FIELDS}
            reason = page.t("assign_failed", reason=exc.message)
            return _assign_page(page, members, values, reason, status=400)
        return redirect(f"/console/assign?assigned={len(ids)}")


def _trend_routes(router: APIRouter) -> None:
    @router.get("/trends")
    def trends(request: Request) -> Response:
        """The help-seeking measures of the manager's own team, per day and per agent."""
        page, manager, members = _manager_page(request)
        if manager.team is None:
            return _no_team(page)
        asked = request.query_params.get("days", "")
        known = asked.isascii() and asked.isdigit() and int(asked) in TREND_DAYS
        days = int(asked) if known else TREND_DAYS[0]
        trends = team_trends(page.db, members, days)
        labels = [d[5:] for d in trends.days]
        t = page.t
        volume = charts.line_chart(
            [
                charts.Series(t("searches"), [float(c.searches) for c in trends.team]),
                charts.Series(t("consultations"), [float(c.opens) for c in trends.team]),
            ],
            labels,
            t("per_day_team"),
        )
        repeats = charts.line_chart(
            [charts.Series(t("repeats"), [float(c.repeats) for c in trends.team])],
            labels,
            t("repeats_per_day"),
            width=540,
        )
        answered = charts.line_chart(
            [charts.Series(t("answered"), [c.answered for c in trends.team])],
            labels,
            t("answered_share"),
            percent=True,
            width=540,
        )
        sparks = {
            s.agent: charts.sparkline(s.searches_by_day, f"{s.agent}: {t('trend')}")
            for s in trends.agents
        }
        # Help from people (experts contacted from the card) over the same days.
        people = people_help(page.db, members, date.fromisoformat(trends.days[0]), t.language)
        sources = charts.line_chart(
            [
                charts.Series(t("kb_lookups"), [float(c.opens) for c in trends.team]),
                charts.Series(t("contacts"), [float(c.contacts) for c in trends.team]),
            ],
            labels,
            t("sources_per_day"),
        )
        return page.render(
            "trends.html",
            team=manager.team,
            days=days,
            choices=TREND_DAYS,
            trends=trends,
            charts=[volume, repeats, answered, sources],
            sparks=sparks,
            people=people,
            channels=CHANNELS,
        )


def install_team_routes(router: APIRouter) -> None:
    """Add the managers' pages to the console router."""
    _profile_routes(router)
    _assign_routes(router)
    _trend_routes(router)
